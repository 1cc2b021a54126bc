#!/usr/bin/env python3
"""check_fallback.py — finds non-reserved keywords that parse.y would misread.

lemon turns the most common reduction of each LR state into a default that
has no table entry. At run time a token without an entry is first replaced
by its %fallback token (ID) and only then gets the default. So a keyword K
listed under %fallback that is valid in a state only through that default
reduction, in a state that also accepts ID, is read as a name there (e.g.
`FROM t EMIT CHANGES` would make EMIT the alias of t).

The script builds the report of parse.y twice, with the tables compressed
(as the build does) and uncompressed (-c), matches states by their basis
items, and lists every such keyword. Exit status 1 when there is one.

Usage: grammar/check_fallback.py [path/to/parse.y]   (needs lemon on PATH)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

LEMPAR = '/usr/share/lemon/lempar.c'
ACTION = re.compile(r'^\s+(\S+) (shift|reduce|shift-reduce|accept|error)\s+(\S+)?')


def report(grammar, flags):
    """Returns {basis items: {token: action}} from lemon's report."""
    with tempfile.TemporaryDirectory() as d:
        y = os.path.join(d, 'parse.y')
        shutil.copy(grammar, y)
        subprocess.run(['lemon', '-b', '-T' + LEMPAR] + flags + [y], check=True,
                       cwd=d, stdout=subprocess.DEVNULL)
        text = open(os.path.join(d, 'parse.out')).read()
    states = {}
    items, acts, inside = [], {}, False
    for line in text.split('\n'):
        if line.startswith('State '):
            if inside:
                states[tuple(items)] = acts
            items, acts, inside = [], {}, True
            continue
        if not inside:
            continue
        if line.startswith('---'):
            states[tuple(items)] = acts
            inside = False
            continue
        m = ACTION.match(line)
        if m:
            if 'dropped' not in line:
                acts[m.group(1)] = (m.group(2), m.group(3))
        elif '::=' in line:
            items.append(re.sub(r'^\s*(\(\d+\))?\s*', '', line.strip()))
    if inside:
        states[tuple(items)] = acts
    return states


def main():
    grammar = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'parse.y')
    fallback = re.search(r'%fallback ID(.*?)\.', open(grammar).read(), re.S).group(1).split()
    packed = report(grammar, [])
    full = report(grammar, ['-c'])
    bad = 0
    for basis, acts in packed.items():
        for kw in fallback:
            if kw in full[basis] and kw not in acts and 'ID' in acts:
                print('%s: valid as %s, but read as a name in state\n    %s'
                      % (kw, ' '.join(full[basis][kw]), '\n    '.join(basis)))
                bad += 1
    print('%d misread keyword(s)' % bad)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())

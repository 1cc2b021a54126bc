#!/usr/bin/env bash
# test_cli.sh — behaviour of the weir program (docs/cli.md).
#
# Runs the binary given as $1 on small .sql files in a temporary directory
# and compares its stdout, stderr and exit status with what the CLI
# promises: result formats (json, csv, table), the summary line of
# `weir run`, error messages with line:column and caret, exit codes, the
# piped REPL and its backslash commands, Ctrl-C on a running query.
set -u

WEIR=${1:?usage: test_cli.sh PATH_TO_WEIR}
EXAMPLES=$(cd "$(dirname "$0")/../sql-examples" && pwd)
case $WEIR in /*) ;; *) WEIR=$PWD/$WEIR ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export HOME="$T/home"
mkdir -p "$HOME"

checks=0
failures=0

# run CMD…: runs CMD with a 30 s limit; sets rc, out (stdout) and err (stderr).
run() {
  timeout 30 "$@" >out.txt 2>err.txt
  rc=$?
  out=$(cat out.txt)
  err=$(cat err.txt)
}

fail() {
  failures=$((failures + 1))
  printf 'FAIL: %s\n' "$1"
}

expect_eq() {  # name expected actual
  checks=$((checks + 1))
  if [ "$2" != "$3" ]; then
    fail "$1"
    printf -- '--- expected\n%s\n--- got\n%s\n---\n' "$2" "$3"
  fi
}

expect_has() {  # name needle haystack
  checks=$((checks + 1))
  case $3 in
    *"$2"*) ;;
    *) fail "$1"; printf -- '--- expected to contain\n%s\n--- got\n%s\n---\n' "$2" "$3" ;;
  esac
}

expect_lacks() {  # name needle haystack
  checks=$((checks + 1))
  case $3 in
    *"$2"*) fail "$1"; printf -- '--- expected not to contain\n%s\n--- got\n%s\n---\n' "$2" "$3" ;;
  esac
}

# ---- fixtures -------------------------------------------------------------

cat >basic.sql <<'SQL'
CREATE STREAM t (id BIGINT, name TEXT, price DOUBLE, ts TIMESTAMP(3));
INSERT INTO t VALUES
  (1, 'plain', 1.5, TIMESTAMP '2024-01-01 00:00:01'),
  (2, 'comma, "quoted"', 2.25, TIMESTAMP '2024-01-01 00:00:02.250'),
  (3, NULL, NULL, TIMESTAMP '2024-01-01 00:00:03');
SELECT id, name, price, ts FROM t;
SQL

basic_json='{"id":1,"name":"plain","price":1.5,"ts":"2024-01-01 00:00:01.000"}
{"id":2,"name":"comma, \"quoted\"","price":2.25,"ts":"2024-01-01 00:00:02.250"}
{"id":3,"name":null,"price":null,"ts":"2024-01-01 00:00:03.000"}'

basic_csv='id,name,price,ts
1,plain,1.5,2024-01-01 00:00:01.000
2,"comma, ""quoted""",2.25,2024-01-01 00:00:02.250
3,,,2024-01-01 00:00:03.000'

# Table: numbers right-aligned in 12 columns, TEXT in 20, TIMESTAMP in 23,
# the last column not padded.
basic_table=$(
  printf '%12s | %-20s | %12s | %s\n' id name price ts
  printf '%s-+-%s-+-%s-+-%s\n' ------------ -------------------- ------------ \
    -----------------------
  printf '%12s | %-20s | %12s | %s\n' 1 plain 1.5 '2024-01-01 00:00:01.000'
  printf '%12s | %-20s | %12s | %s\n' 2 'comma, "quoted"' 2.25 '2024-01-01 00:00:02.250'
  printf '%12s | %-20s | %12s | %s\n' 3 NULL NULL '2024-01-01 00:00:03.000'
)

cat >changes.sql <<'SQL'
CREATE STREAM clicks (usr TEXT, ms BIGINT);
INSERT INTO clicks VALUES ('ann', 10), ('bob', 20), ('ann', 30);
SET batch_rows = 1;
SELECT usr, COUNT(*) AS n FROM clicks GROUP BY usr;
SQL

# ---- weir run: formats ----------------------------------------------------

run "$WEIR" run basic.sql --format json
expect_eq "run json: exit status" 0 "$rc"
expect_eq "run json: rows" "$basic_json" "$out"
expect_eq "run json: summary on stderr" \
  "-- rows in: 3, rows out: 3, late rows: 0, bad records: 0" "$err"

run "$WEIR" run basic.sql
expect_eq "run: json is the default when stdout is not a terminal" "$basic_json" "$out"

run "$WEIR" run --format=csv basic.sql
expect_eq "run csv: exit status" 0 "$rc"
expect_eq "run csv: header and RFC 4180 rows" "$basic_csv" "$out"

run "$WEIR" --format csv run basic.sql
expect_eq "run csv: --format before the command" "$basic_csv" "$out"

run "$WEIR" run basic.sql --format table
expect_eq "run table: exit status" 0 "$rc"
expect_eq "run table: header, separator, padded rows, NULL" "$basic_table" "$out"

run "$WEIR" run changes.sql --format json
expect_eq "changelog json: op first" '{"op":"+I","usr":"ann","n":1}
{"op":"+I","usr":"bob","n":1}
{"op":"-U","usr":"ann","n":1}
{"op":"+U","usr":"ann","n":2}' "$out"
expect_eq "changelog json: summary" \
  "-- rows in: 3, rows out: 4, late rows: 0, bad records: 0" "$err"

run "$WEIR" run changes.sql --format csv
expect_eq "changelog csv: op column first" 'op,usr,n
+I,ann,1
+I,bob,1
-U,ann,1
+U,ann,2' "$out"

run "$WEIR" run changes.sql --format table
expect_eq "changelog table: op column first" "$(
  printf '%-2s | %-20s | %12s\n' op usr n
  printf '%s-+-%s-+-%s\n' -- -------------------- ------------
  printf '%-2s | %-20s | %12s\n' +I ann 1 +I bob 1 -U ann 1 +U ann 2
)" "$out"

# ---- weir run: summary over several queries, stdin ------------------------

{ cat basic.sql; echo "SELECT id FROM t WHERE id > 1;"; } >two.sql
run "$WEIR" run two.sql --format json
expect_eq "two queries: both results" "$basic_json
{\"id\":2}
{\"id\":3}" "$out"
expect_eq "two queries: one summary adding both" \
  "-- rows in: 6, rows out: 5, late rows: 0, bad records: 0" "$err"

cat >ddl_only.sql <<'SQL'
CREATE STREAM quiet (x BIGINT);
SQL
run "$WEIR" run ddl_only.sql
expect_eq "no query: exit status" 0 "$rc"
expect_eq "no query: no summary" "" "$err"

run "$WEIR" run - --format csv <basic.sql
expect_eq "run -: statements from stdin" "$basic_csv" "$out"
expect_eq "run -: exit status" 0 "$rc"

# ---- weir run: errors -----------------------------------------------------

cat >bad.sql <<'SQL'
CREATE STREAM s (a BIGINT, b TEXT, c TEXT);
SELECT a FROM s;
SELECT a,
  b, c, FROM s;
SQL
run "$WEIR" run bad.sql
expect_eq "syntax error: exit status" 1 "$rc"
expect_eq "syntax error: position, source line and caret" \
  'weir: bad.sql:4:9: near "FROM": syntax error
  b, c, FROM s;
        ^' "$err"
expect_eq "syntax error: nothing runs" "" "$out"

run "$WEIR" run - <bad.sql
expect_has "syntax error from stdin: origin <stdin>" \
  'weir: <stdin>:4:9: near "FROM": syntax error' "$err"
expect_eq "syntax error from stdin: exit status" 1 "$rc"

printf 'CREATE STREAM s (a BIGINT);\nSELECT nope FROM s;\n' >sem.sql
run "$WEIR" run sem.sql
expect_eq "semantic error: exit status" 1 "$rc"
expect_has "semantic error: message with position" "weir: sem.sql:2:8: " "$err"
expect_has "semantic error: says what is wrong" "unknown column" "$err"
expect_has "semantic error: names the column" "nope" "$err"
expect_lacks "semantic error: no summary" "-- rows in" "$err"

run "$WEIR" run missing.sql
expect_eq "missing file: exit status" 1 "$rc"
expect_eq "missing file: message" \
  'weir: cannot open "missing.sql": No such file or directory' "$err"
expect_eq "missing file: no output" "" "$out"

# ---- usage ----------------------------------------------------------------

run "$WEIR" --help
expect_eq "--help: exit status" 0 "$rc"
expect_has "--help: usage" "Usage: weir [--format table|json|csv]" "$out"
expect_has "--help: run command" "weir run FILE.sql" "$out"
expect_has "--help: exit codes" "130" "$out"

run "$WEIR" run --help
expect_eq "run --help: exit status" 0 "$rc"
expect_has "run --help: usage" "Usage: weir run FILE.sql" "$out"
expect_has "run --help: summary format" "-- rows in: N, rows out: N" "$out"

run "$WEIR" --version
expect_eq "--version: exit status" 0 "$rc"
expect_eq "--version: text" "weir 0.1.0" "$out"

for args in "frobnicate" "--bogus" "run" "run basic.sql --bogus" "run basic.sql extra.sql" \
            "run basic.sql --format xml" "run basic.sql --format"; do
  # shellcheck disable=SC2086
  run "$WEIR" $args
  expect_eq "usage error ($args): exit status" 2 "$rc"
  expect_has "usage error ($args): usage on stderr" "Usage: weir" "$err"
  expect_eq "usage error ($args): nothing on stdout" "" "$out"
done

# ---- the REPL with piped input --------------------------------------------

printf '%s\n' \
  "CREATE STREAM t (id BIGINT, name TEXT);" \
  "INSERT INTO t VALUES (1, 'a'), (2, 'b');" \
  "SELECT id" \
  "  FROM t;   -- a statement over two lines" \
  "/* a comment; with a semicolon */" \
  "SELECT name || ';x' AS x FROM t WHERE id = 1; -- trailing; comment" >repl1.in
run "$WEIR" <repl1.in
expect_eq "repl: exit status" 0 "$rc"
expect_eq "repl: two queries, one spanning two lines, ';' in a string" \
  '{"id":1}
{"id":2}
{"x":"a;x"}' "$out"
expect_eq "repl: no prompts, no summary" "" "$err"

printf '%s\n' \
  "SELECT id FROM nowhere;" \
  "CREATE STREAM t (id BIGINT);" \
  "INSERT INTO t VALUES (7);" \
  "SELECT id FROM t;" >repl2.in
run "$WEIR" <repl2.in
expect_has "repl: an error is printed" "unknown stream" "$err"
expect_eq "repl: the shell goes on after an error" '{"id":7}' "$out"
expect_eq "repl: piped input with an error exits 1" 1 "$rc"

printf '%s\n' \
  "CREATE STREAM t (id BIGINT);" \
  "INSERT INTO t VALUES (7);" \
  "SELECT id FROM t;" \
  "\\q" \
  "SELECT id + 1 AS id FROM t;" >repl3.in
run "$WEIR" <repl3.in
expect_eq "repl: \\q stops reading" '{"id":7}' "$out"
expect_eq "repl: \\q exit status" 0 "$rc"

printf '%s\n' \
  "CREATE STREAM t (id BIGINT);" \
  "INSERT INTO t VALUES (7);" \
  "\\format csv" \
  "SELECT id FROM t;" \
  "\\format" \
  "\\format table" \
  "SELECT id FROM t;" >repl4.in
run "$WEIR" --format json <repl4.in
expect_eq "repl: \\format switches formats (a blank line before a later table)" "id
7
format: csv

$(printf '%12s\n' id; printf '%s\n' ------------; printf '%12s\n' 7)" "$out"

printf '\\help\n' >repl5.in
run "$WEIR" <repl5.in
expect_has "repl: \\help lists \\format" "\\format [table|json|csv]" "$out"
expect_has "repl: \\help lists \\q" "\\q" "$out"
expect_has "repl: \\help shows SQL examples" "CREATE STREAM" "$out"

printf '\\nope\n\\format xml\n' >repl6.in
run "$WEIR" <repl6.in
expect_has "repl: unknown command" 'unknown command "\nope"' "$err"
expect_has "repl: unknown format" 'unknown format "xml"' "$err"
expect_eq "repl: failed commands exit 1" 1 "$rc"

printf 'CREATE STREAM t (id BIGINT);\nINSERT INTO t VALUES (5);\nSELECT id FROM t' >repl7.in
run "$WEIR" <repl7.in
expect_eq "repl: a last statement without ';' runs at end of input" '{"id":5}' "$out"

# ---- Ctrl-C stops a running query -----------------------------------------

printf '{"n":1}\n{"n":2}\n' >live.jsonl
cat >live.sql <<'SQL'
CREATE STREAM live (n BIGINT)
  WITH (connector = 'file', path = 'live.jsonl', format = 'json', follow = 'true');
SELECT n FROM live;
SQL
mkfifo live.fifo
cat live.fifo >live.out &
catpid=$!
"$WEIR" run live.sql --format json >live.fifo 2>live.err &
wpid=$!
for _ in $(seq 100); do
  grep -q '"n":2' live.out 2>/dev/null && break
  sleep 0.1
done
expect_eq "interrupt: rows of a continuous query show before it ends" '{"n":1}
{"n":2}' "$(cat live.out)"
kill -INT "$wpid" 2>/dev/null
for _ in $(seq 100); do
  kill -0 "$wpid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$wpid" 2>/dev/null; then
  fail "interrupt: weir run did not stop within 10 s of SIGINT"
  kill -KILL "$wpid"
fi
wait "$wpid"
expect_eq "interrupt: exit status 130" 130 "$?"
wait "$catpid"
expect_has "interrupt: summary still printed" "-- rows in: 2, rows out: 2," "$(cat live.err)"

# The reconciliation example: a FULL OUTER interval join of two files.
out=$("$WEIR" run "$EXAMPLES/reconcile.sql" --format csv 2>recon.err)
expect_eq "reconcile: exit status" 0 "$?"
expect_eq "reconcile: matched pairs and both kinds of unmatched rows" \
'payment_id,entry_id,account,paid,booked,status
p1,e1,acme,120,120,matched
p2,e3,acme,75,70,amount mismatch
p3,e2,globex,300,300,matched
p9,e4,,,55,entry without payment
p4,,initech,42,,payment without entry
p5,,globex,18,,payment without entry
p5,e5,,,18,entry without payment' "$out"
expect_has "reconcile: summary" "-- rows in: 10, rows out: 7, late rows: 0, bad records: 0" \
  "$(cat recon.err)"

echo "test_cli: $checks checks, $failures failed"
[ "$failures" -eq 0 ]

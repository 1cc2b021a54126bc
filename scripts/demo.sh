#!/usr/bin/env bash
# The first command of the README: set everything up and run the bundled
# example (a tumbling-window aggregate over a JSON-lines file) on the
# embedded engine. It ends by itself and prints the windowed results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./build/cli/weir run sql-examples/quickstart.sql --format table

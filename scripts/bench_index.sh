#!/usr/bin/env bash
# Index + compare throughput on a synthetic data set of N reports (default
# 10000: 2000 agencies × 5 years). Called by `make bench`. Prints the example's
# stage timings, then through the binary: `reportdex index` and the
# `compare --all --format html` site (time, peak RSS, pages, largest page;
# issue 13: peak under 100 MB, no page over 2 MB).
# Usage: scripts/bench_index.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
DIR="bench-out/index"
TARGET=${CARGO_TARGET_DIR:-target}
rm -rf "$DIR"
mkdir -p "$DIR"
cargo run --release --locked --quiet --example bench_index -- "$N" "$DIR"
# The same through the binary.
cargo build --release --locked --quiet
BIN=$TARGET/release/reportdex
/usr/bin/time -f "reportdex index: %es, max RSS %MkB" "$BIN" index "$DIR"
rm -rf "$DIR/site"
/usr/bin/time -f "reportdex compare --all --format html -o DIR: %es, max RSS %MkB" \
  "$BIN" compare "$DIR" --all --format html -o "$DIR/site"
find "$DIR/site" -name '*.html' -printf '%s %P\n' | sort -n | awk '
  { n++; s += $1; last = $0; if (n == 1) first = $0 }
  END { split(last, l, " "); printf "compare site: %d pages, %.1f MB, largest %.0f KB (%s)%s\n",
        n, s / 1e6, l[1] / 1024, l[2], (l[1] > 2 * 1024 * 1024) ? " OVER 2 MB" : "" }'

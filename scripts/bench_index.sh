#!/usr/bin/env bash
# Index + compare throughput on a synthetic data set of N reports (default
# 10000). Called by `make bench`. Usage: scripts/bench_index.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
DIR="bench-out/index"
rm -rf "$DIR"
mkdir -p "$DIR"
cargo run --release --locked --quiet --example bench_index -- "$N" "$DIR"
# The same through the binary.
cargo build --release --locked --quiet
BIN=target/release/reportdex
if "$BIN" index --help >/dev/null 2>&1; then
  /usr/bin/time -f "reportdex index: %es, max RSS %MkB" "$BIN" index "$DIR"
  /usr/bin/time -f "reportdex compare --all --format html: %es, max RSS %MkB" \
    "$BIN" compare "$DIR" --all --format html >"$DIR/compare.html"
fi

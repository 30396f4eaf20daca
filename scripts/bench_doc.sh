#!/usr/bin/env bash
# `make bench`, the Word binary part: the same reports as .doc and as .docx
# (the samples' LibreOffice twins, copied with distinct bytes by
# scripts/bench_doc.py), converted with -j 2 --no-index; prints documents/s
# and peak RSS for each format and size (BENCH_DOC_SIZES, default "1000 4000")
# so that .doc speed can be set against .docx and memory checked flat.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${BENCH_DOC_SIZES:-"1000 4000"}
BIN=target/release/reportdex
cargo build --release --locked >&2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reportdex-bench-doc.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REPEAT=${BENCH_REPEAT:-3}
for n in $SIZES; do
  python3 scripts/bench_doc.py samples "$WORK/in-$n" "$n"
  declare -A rates=() peaks=() cpus=()
  # The formats alternate, REPEAT times each, so that a passing slowdown of this
  # shared machine does not land on one format only; the median is compared.
  for r in $(seq "$REPEAT"); do
    for kind in docx doc; do
      sync
      out="$WORK/out-$n-$kind-$r"
      start=$(date +%s.%N)
      /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$BIN" convert "$WORK/in-$n/$kind" -o "$out" -j 2 -q --no-index
      end=$(date +%s.%N)
      got=$(wc -l <"$out/reports.jsonl")
      [ "$got" -eq "$n" ] || { echo "bench doc: $got of $n $kind reports converted" >&2; exit 1; }
      rates[$kind]+="$(awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", n / (e - s) }') "
      read -r rss usr sys <"$WORK/rss"
      peaks[$kind]+="$rss "
      cpus[$kind]+="$(awk -v n="$n" -v u="$usr" -v s="$sys" 'BEGIN { printf "%.3f", 1000 * (u + s) / n }') "
    done
  done
  for kind in docx doc; do
    echo "${rates[$kind]}" | tr ' ' '\n' | grep . | sort -n | awk -v n="$n" -v k="$kind" -v all="${rates[$kind]}" -v rss="${peaks[$kind]}" -v cpu="${cpus[$kind]}" '
      { v[NR] = $1 } END {
        split(rss, m, " "); max = 0; for (i in m) if (m[i] + 0 > max) max = m[i] + 0
        printf "doc bench: %5d .%-4s -j 2: median %7.1f documents/s (runs: %s), CPU ms/document (runs: %s), peak RSS %.1f MB\n", n, k, v[int((NR + 1) / 2)], all, cpu, max / 1024 }'
  done
  unset rates peaks cpus
done

#!/usr/bin/env bash
# `make bench`: throughput and peak memory of `reportdex convert`.
#
# 1. builds the release binary;
# 2. generates a corpus of BENCH_N (default 5000) varied reports with the
#    samples generator (`python3 tools/make_samples.py --bench N --out DIR`),
#    cached under BENCH_DIR between runs and regenerated when the generator
#    changes (DIR/.complete records its version);
# 3. converts it with -j 1 and -j 2 (fresh OUT each time) and prints
#    documents/s, MB/s (input bytes) and peak RSS (GNU time); after -j 2,
#    scripts/bench_verify.py checks that every report was read as generated
#    (title, agency, year, template, every metric) and stops the bench if not;
#    the -j 2 run is repeated BENCH_REPEAT times (default 3) and the median
#    printed with every run's figure;
# 4. memory flatness: converts corpora of each size in BENCH_MEMORY_SIZES
#    (default "1000 20000") with -j 2 and prints peak RSS for each, without
#    and with the index that `convert` builds at the end by default;
# 5. if pandoc is installed (or BENCH_INSTALL_PANDOC=1 lets this script
#    apt-get it), converts BENCH_PANDOC_N (default 200) of the same files with
#    `pandoc -t json` (2 processes in parallel) and prints our speed as a ratio.
#
# Not part of `make test`. Environment knobs: BENCH_N, BENCH_MEMORY_SIZES,
# BENCH_DIR, BENCH_REPEAT, BENCH_PANDOC_N, BENCH_INSTALL_PANDOC, MAKE_SAMPLES
# (generator path).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-5000}
SIZES=${BENCH_MEMORY_SIZES:-"1000 20000"}
WORK=${BENCH_DIR:-target/bench}
GEN=${MAKE_SAMPLES:-tools/make_samples.py}
PANDOC_N=${BENCH_PANDOC_N:-200}
REPEAT=${BENCH_REPEAT:-3}
BIN=target/release/reportdex

if [ ! -f "$GEN" ]; then
  echo "bench: samples generator $GEN not found (set MAKE_SAMPLES)" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench: installing GNU time (Debian package 'time') for peak memory" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

cargo build --release --locked >&2
mkdir -p "$WORK"

# A cached corpus is reused only if it was written by this very generator.
BENCH_CORPUS_VERSION=2
GEN_VERSION="$BENCH_CORPUS_VERSION $(sha256sum "$GEN" | cut -d' ' -f1)"

# corpus N -> prints the corpus directory (generated once, then cached)
corpus() {
  local n=$1 dir="$WORK/corpus-$1"
  if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$GEN_VERSION" ]; then
    rm -rf "$dir"
    echo "bench: generating $n reports in $dir ..." >&2
    python3 "$GEN" --bench "$n" --out "$dir" --jobs "$(nproc)" >&2
    echo "$GEN_VERSION" >"$dir/.complete"
  fi
  echo "$dir"
}

# documents and bytes of a corpus
docs_of() { find "$1/" -type f \( -iname '*.docx' -o -iname '*.odt' \) | wc -l; }
bytes_of() { find "$1/" -type f \( -iname '*.docx' -o -iname '*.odt' \) -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }

# Each conversion writes into a fresh directory of its own under OUTS, a
# temporary directory (BENCH_OUT to choose one) removed only when the bench ends.
# Deleting a previous run's thousands of files right before a measurement
# taxes the next one: ext4 passes over recently deleted inodes when it
# allocates new ones (find_inode_bit / recently_deleted), which took 0.5-1 s of
# kernel time per 5,000 reports on this project's machine. A user converting
# into a new OUT does not pay that, so the bench does not either.
OUTS=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/reportdex-bench.XXXXXX")}
mkdir -p "$OUTS"
if [ -z "${BENCH_OUT:-}" ]; then
  trap 'rm -rf "$OUTS"' EXIT
fi
RUNS=0

# Every measurement starts from the same state: dirty pages written back and,
# when this script may (root; BENCH_DROP_CACHES=0 turns it off), the page cache
# dropped. Without that the previous run's gigabyte of output is still being
# written back during the next run, and the same run measured 30% apart from
# one time to the next. Inputs are then read from disk, as in a first
# conversion of downloaded reports.
DROP_CACHES=0
if [ "${BENCH_DROP_CACHES:-1}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
  DROP_CACHES=1
fi
settle() {
  sync
  if [ "$DROP_CACHES" = 1 ]; then
    echo 1 >/proc/sys/vm/drop_caches
  fi
}

# measure DIR JOBS LABEL [INDEX]: one full conversion into a fresh OUT (left in
# $OUT afterwards; --no-index unless INDEX is "index": then OUT/index.json is
# built too)
measure() {
  local dir=$1 jobs=$2 label=$3 log="$WORK/time.log"
  RUNS=$((RUNS + 1))
  OUT="$OUTS/run-$RUNS"
  local out="$OUT"
  local index_flag=--no-index
  [ "${4:-}" = index ] && index_flag=''
  local docs bytes t0 t1 code=0
  docs=$(docs_of "$dir")
  bytes=$(bytes_of "$dir")
  settle
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$log" "$BIN" convert "$dir" -o "$out" -j "$jobs" -q $index_flag || code=$?
  t1=$(date +%s.%N)
  if [ "$code" -gt 1 ]; then
    echo "bench: reportdex exited $code" >&2
    exit 1
  fi
  local rss_kb cpu sys
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s + 0}' "$log")
  sys=$(awk -F': ' '/System time/ {s += $2} END {print s + 0}' "$log")
  # CPU ms/doc (user + system, of which kernel) does not depend on what else
  # runs on the machine.
  awk -v l="$label" -v d="$docs" -v b="$bytes" -v t0="$t0" -v t1="$t1" -v r="$rss_kb" -v cpu="$cpu" -v sys="$sys" 'BEGIN {
    t = t1 - t0; if (t <= 0) t = 1e-9;
    printf "%-16s %6d docs %7.1f MB %7.2f s %6.0f docs/s %6.1f MB/s  CPU %5.2f ms/doc (kernel %4.2f)  peak RSS %6.1f MB\n",
      l, d, b / 1e6, t, d / t, b / 1e6 / t, cpu * 1000 / d, sys * 1000 / d, r / 1024 }'
  LAST_RATE=$(awk -v d="$docs" -v t0="$t0" -v t1="$t1" 'BEGIN { print d / (t1 - t0) }')
  LAST_CPU=$(awk -v d="$docs" -v cpu="$cpu" 'BEGIN { print cpu * 1000 / d }')
}

echo "bench: machine has $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$DROP_CACHES" = 1 ]; then
  echo "bench: page cache dropped before each run (inputs read from disk)"
else
  echo "bench: page cache kept between runs (not root, or BENCH_DROP_CACHES=0)"
fi
MAIN=$(corpus "$N")
measure "$MAIN" 1 "-j 1 ($N)"
measure "$MAIN" 2 "-j 2 ($N)"
# $OUT is the -j 2 conversion just measured: check it before going on
if ! python3 scripts/bench_verify.py "$MAIN" "$OUT"; then
  echo "bench: reportdex did not read the corpus as generated; the figures above do not count" >&2
  exit 1
fi
# The same run repeated: on a shared VM one run can land 5-10% off.
rates="$LAST_RATE"
cpus="$LAST_CPU"
for i in $(seq 2 "$REPEAT"); do
  measure "$MAIN" 2 "-j 2 ($N) #$i"
  rates="$rates $LAST_RATE"
  cpus="$cpus $LAST_CPU"
done
median() { tr ' ' '\n' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
OURS=$(echo "$rates" | median)
OURS_CPU=$(echo "$cpus" | median)
if [ "$REPEAT" -gt 1 ]; then
  awk -v n="$REPEAT" -v r="$OURS" -v c="$OURS_CPU" -v all="$rates" 'BEGIN {
    printf "-j 2 (%d runs)    median %6.0f docs/s, CPU %5.2f ms/doc (runs:", n, r, c;
    k = split(all, v, " "); for (i = 1; i <= k; i++) printf " %.0f", v[i]; print ")" }'
fi

echo "bench: memory flatness (-j 2)"
for n in $SIZES; do
  measure "$(corpus "$n")" 2 "-j 2 ($n)"
done
echo "bench: the same with the index built at the end (default of convert)"
for n in $SIZES; do
  measure "$(corpus "$n")" 2 "+index ($n)" index
done

if ! command -v pandoc >/dev/null 2>&1 && [ "${BENCH_INSTALL_PANDOC:-0}" = 1 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pandoc >/dev/null || true
fi
if command -v pandoc >/dev/null 2>&1; then
  list="$WORK/pandoc-files.txt"
  find "$MAIN/" -type f \( -iname '*.docx' -o -iname '*.odt' \) | sort | awk -v n="$PANDOC_N" 'NR <= n' >"$list"
  n=$(wc -l <"$list")
  settle
  t0=$(date +%s.%N)
  /usr/bin/time -o "$WORK/pandoc-time.log" \
    xargs -P 2 -I{} sh -c 'pandoc -t json "$1" >/dev/null 2>&1 || true' _ {} <"$list"
  t1=$(date +%s.%N)
  pcpu=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /(user|system)$/) { v = $i; sub(/(user|system)$/, "", v); s += v } } END { print s + 0 }' "$WORK/pandoc-time.log")
  awk -v n="$n" -v t0="$t0" -v t1="$t1" -v ours="$OURS" -v ourcpu="$OURS_CPU" -v pcpu="$pcpu" 'BEGIN {
    t = t1 - t0; rate = n / t;
    printf "pandoc -t json (2 procs) %6d docs %7.2f s %6.1f docs/s  CPU %6.2f ms/doc\n", n, t, rate, pcpu * 1000 / n;
    printf "reportdex -j 2 vs pandoc: %.1fx the documents/s, %.1fx less CPU per document\n",
      ours / rate, (pcpu * 1000 / n) / ourcpu }'
else
  echo "bench: pandoc not installed; set BENCH_INSTALL_PANDOC=1 to compare"
fi

#!/usr/bin/env bash
# `make bench`, small reports (issue 13): `reportdex convert -j 2` with the
# default outputs (JSON, datasets, index) on BENCH_SMALL_N (default 2000)
# reports of 20-30 KB, against a floor probe run on the same files in the
# same run (examples/floor_probe.rs: open each zip, inflate the main part,
# tokenize it with quick-xml, nothing else; 2 threads).
#
# 1. builds the release binary and the floor probe;
# 2. generates the set with `tools/make_samples.py --bench N --small` (cached
#    under BENCH_DIR, regenerated when the generator changes);
# 3. BENCH_SMALL_REPEAT times (default 3): the floor probe, then a cold
#    conversion into a new OUT (--force); prints each run and the medians:
#    reports/s (wall clock), CPU ms/report (user + system: what the machine's
#    other load does not change) and peak RSS, and the ratio to the floor in
#    both measures;
# 3b. the same conversions with OUT on a tmpfs (BENCH_SHM, default /dev/shm):
#    the figures without the disk's write costs;
# 4. memory flatness: peak RSS of the same conversion on 1,000 reports (the
#    first 1,000 of the set) and on 20,000 (the set ×10, each copy given
#    distinct bytes by a zip archive comment, so none is a duplicate), first
#    with --no-index, then with the index.
#
# 5. with BENCH_SMALL_DISTINCT=1, the same on distinct reports: the first
#    1,000 and all of a set of the largest size in BENCH_SMALL_SIZES generated
#    as in 2. (about 9 minutes to generate 20,000, cached), whose agencies are
#    all different (the x10 copies of 4. hold ten reports per agency-year,
#    which inflates the index's batches).
#
# Takes about 3 minutes on an idle 2-core machine once the set is generated
# (25 s the first time). Knobs: BENCH_SMALL_N, BENCH_SMALL_REPEAT,
# BENCH_SMALL_SIZES (default "1000 20000"), BENCH_SMALL_DISTINCT, BENCH_DIR, BENCH_SHM,
# BENCH_DROP_CACHES.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_SMALL_N:-2000}
REPEAT=${BENCH_SMALL_REPEAT:-3}
SIZES=${BENCH_SMALL_SIZES:-"1000 20000"}
WORK=${BENCH_DIR:-target/bench}
GEN=tools/make_samples.py
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/reportdex
PROBE=$TARGET/release/examples/floor_probe

if [ ! -x /usr/bin/time ]; then
  echo "bench: installing GNU time (Debian package 'time') for peak memory" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release --locked >&2
cargo build --release --locked --example floor_probe >&2
mkdir -p "$WORK"

VERSION="small-1 $(sha256sum "$GEN" | cut -d' ' -f1)"
# generate COUNT: the set of COUNT small reports, generated once into
# $WORK/small-COUNT and kept while the generator is unchanged.
generate() {
  local n=$1 dir="$WORK/small-$1"
  if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$VERSION" ]; then
    rm -rf "$dir"
    echo "bench: generating $n small reports in $dir ..." >&2
    python3 "$GEN" --bench "$n" --small --out "$dir" >&2
    echo "$VERSION" >"$dir/.complete"
  fi
}
SET="$WORK/small-$N"
generate "$N"

# replicate SRC DEST COUNT COPIES: the first COUNT reports of SRC, COPIES
# times, each copy with its own zip archive comment (distinct bytes, same
# content), cached like the set.
replicate() {
  local src=$1 dest=$2 count=$3 copies=$4
  if [ "$(cat "$dest/.complete" 2>/dev/null)" = "$VERSION" ]; then
    return
  fi
  rm -rf "$dest"
  python3 - "$src" "$dest" "$count" "$copies" <<'EOF'
import pathlib, struct, sys
src, dest, count, copies = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
files = sorted(p for p in src.iterdir() if p.suffix in (".docx", ".odt"))[:count]
for k in range(copies):
    d = dest / f"copy-{k}"
    d.mkdir(parents=True)
    for p in files:
        b = p.read_bytes()
        # the end-of-central-directory record closes the file (no comment yet)
        assert b[-22:-18] == b"PK\x05\x06" and b[-2:] == b"\0\0", p
        comment = f"reportdex bench copy {k}".encode()
        (d / p.name).write_bytes(b[:-2] + struct.pack("<H", len(comment)) + comment)
EOF
  echo "$VERSION" >"$dest/.complete"
}

OUTS=$(mktemp -d "${TMPDIR:-/tmp}/reportdex-bench-small.XXXXXX")
trap 'rm -rf "$OUTS"' EXIT
RUNS=0
DROP_CACHES=0
if [ "${BENCH_DROP_CACHES:-1}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
  DROP_CACHES=1
fi
settle() {
  sync
  if [ "$DROP_CACHES" = 1 ]; then echo 1 >/proc/sys/vm/drop_caches; fi
}
docs_of() { find "$1/" -type f \( -iname '*.docx' -o -iname '*.odt' \) | wc -l; }

# timed LOG CMD...: run CMD under GNU time after settle; sets WALL, CPU (s), RSS (KB)
timed() {
  local log=$1 t0 t1 code=0
  shift
  settle
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$log" "$@" >"$log.out" || code=$?
  t1=$(date +%s.%N)
  if [ "$code" -gt 1 ]; then
    echo "bench: $* exited $code" >&2
    cat "$log.out" >&2
    exit 1
  fi
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {print s + 0}' "$log")
  RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
}

# convert DIR LABEL [FLAG]: one cold conversion with -j 2 and the default
# outputs (FLAG: --no-index to leave the index out)
convert() {
  RUNS=$((RUNS + 1))
  timed "$WORK/small-time.log" "$BIN" convert "$1" -o "$OUTS/run-$RUNS" -j 2 -q --force ${3:-}
  local docs
  docs=$(docs_of "$1")
  awk -v l="$2" -v d="$docs" -v t="$WALL" -v c="$CPU" -v r="$RSS" 'BEGIN {
    printf "%-22s %6d docs %7.2f s %6.0f docs/s  CPU %5.2f ms/doc  peak RSS %6.1f MB\n",
      l, d, t, d / t, c * 1000 / d, r / 1024 }'
  # Not removed until the bench ends (the trap above): deleting thousands of
  # files right before the next run taxes it (ext4 passes over recently
  # deleted inodes when it allocates new ones; see scripts/bench.sh), which
  # a user converting into a new OUT does not pay. About 14 GB in all.
}

median() { tr -s ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "bench (small reports): $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
DOCS=$(docs_of "$SET")
awk -v d="$DOCS" -v b="$(find "$SET/" -type f \( -name '*.docx' -o -name '*.odt' \) -printf '%s\n' | awk '{s+=$1} END {print s}')" \
  'BEGIN { printf "bench: %d small reports, %.1f MB (avg %.1f KB)\n", d, b / 1e6, b / d / 1024 }'
f_rates="" f_cpus="" c_rates="" c_cpus="" c_rss=""
for i in $(seq 1 "$REPEAT"); do
  timed "$WORK/floor-time.log" "$PROBE" "$SET" 2
  f_rates="$f_rates $(awk -v d="$DOCS" -v t="$WALL" 'BEGIN { print d / t }')"
  f_cpus="$f_cpus $(awk -v d="$DOCS" -v c="$CPU" 'BEGIN { print c * 1000 / d }')"
  awk -v l="floor probe #$i" -v d="$DOCS" -v t="$WALL" -v c="$CPU" -v r="$RSS" 'BEGIN {
    printf "%-22s %6d docs %7.2f s %6.0f docs/s  CPU %5.2f ms/doc  peak RSS %6.1f MB\n",
      l, d, t, d / t, c * 1000 / d, r / 1024 }'
  convert "$SET" "convert -j 2 #$i"
  c_rates="$c_rates $(awk -v d="$DOCS" -v t="$WALL" 'BEGIN { print d / t }')"
  c_cpus="$c_cpus $(awk -v d="$DOCS" -v c="$CPU" 'BEGIN { print c * 1000 / d }')"
  c_rss="$c_rss $RSS"
done
FR=$(echo "$f_rates" | median) FC=$(echo "$f_cpus" | median)
CR=$(echo "$c_rates" | median) CC=$(echo "$c_cpus" | median) CM=$(echo "$c_rss" | median)
awk -v n="$REPEAT" -v fr="$FR" -v fc="$FC" -v cr="$CR" -v cc="$CC" -v cm="$CM" 'BEGIN {
  printf "small reports, median of %d: convert -j 2 %.0f reports/s (target 1000), CPU %.2f ms/report, peak RSS %.1f MB\n", n, cr, cc, cm / 1024;
  printf "small reports, median of %d: floor probe  %.0f reports/s, CPU %.2f ms/report\n", n, fr, fc;
  printf "ratio to the floor: %.1fx the floor'"'"'s time (wall clock), %.1fx its CPU per report; CPU-bound ceiling with 2 workers: %.0f reports/s\n",
    fr / cr, cc / fc, 2000 / cc }'

# The same conversions with OUT in memory (a tmpfs, when BENCH_SHM, default
# /dev/shm, is one with room): the run without this machine's disk, whose
# writes (about 0.28 MB a report, 0.55 GB a run) the kernel charges to the
# conversion's system time. Each run's OUT is removed after it, to free the
# memory. BENCH_SHM= (empty) skips it.
SHM=${BENCH_SHM-/dev/shm}
if [ -n "$SHM" ] && [ "$(stat -f -c %T "$SHM" 2>/dev/null)" = tmpfs ] &&
  [ "$(df -Pk "$SHM" | awk 'NR == 2 {print $4}')" -gt $((DOCS * 1000)) ]; then
  DISK_OUTS=$OUTS
  OUTS=$(mktemp -d "$SHM/reportdex-bench-small.XXXXXX")
  trap 'rm -rf "$DISK_OUTS" "$OUTS"' EXIT
  m_rates="" m_cpus=""
  for i in $(seq 1 "$REPEAT"); do
    convert "$SET" "OUT in memory #$i"
    m_rates="$m_rates $(awk -v d="$DOCS" -v t="$WALL" 'BEGIN { print d / t }')"
    m_cpus="$m_cpus $(awk -v d="$DOCS" -v c="$CPU" 'BEGIN { print c * 1000 / d }')"
    rm -rf "${OUTS:?}/run-$RUNS"
  done
  MR=$(echo "$m_rates" | median) MC=$(echo "$m_cpus" | median)
  awk -v n="$REPEAT" -v mr="$MR" -v mc="$MC" -v fr="$FR" -v fc="$FC" 'BEGIN {
    printf "small reports, median of %d, OUT in memory (tmpfs): convert -j 2 %.0f reports/s (target 1000), CPU %.2f ms/report; %.1fx the floor'"'"'s time, %.1fx its CPU\n",
      n, mr, mc, fr / mr, mc / fc }'
  rm -rf "$OUTS"
  OUTS=$DISK_OUTS
  trap 'rm -rf "$OUTS"' EXIT
fi

# The copies of the set are the same reports: in the index each agency-year
# holds COPIES reports (flagged as conflicts), so the index step's memory
# there grows with reports per agency, which a set of distinct agencies would
# not show. Hence both figures: without the index and with it.
echo "bench (small reports): memory flatness, convert -j 2, without the index / with the default outputs"
for flag in --no-index ""; do
  for n in $SIZES; do
    label="convert ($n)"
    [ -n "$flag" ] && label="$label $flag"
    if [ "$n" -le "$DOCS" ]; then
      replicate "$SET" "$WORK/small-$N-first-$n" "$n" 1
      convert "$WORK/small-$N-first-$n" "$label" "$flag"
    else
      copies=$(((n + DOCS - 1) / DOCS))
      replicate "$SET" "$WORK/small-$N-x$copies" "$DOCS" "$copies"
      convert "$WORK/small-$N-x$copies" "$label" "$flag"
    fi
  done
done

if [ "${BENCH_SMALL_DISTINCT:-0}" = 1 ]; then
  BIG=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
  DSET="$WORK/small-$BIG"
  generate "$BIG"
  echo "bench (small reports): memory flatness on $BIG distinct reports, without the index / with the default outputs"
  replicate "$DSET" "$WORK/small-$BIG-first-1000" 1000 1
  for flag in --no-index ""; do
    convert "$WORK/small-$BIG-first-1000" "distinct (1000) $flag" "$flag"
    convert "$DSET" "distinct ($BIG) $flag" "$flag"
  done
fi

#!/usr/bin/env python3
"""Convert an archive of reports with reportdex on a Spark cluster.

The driver lists the input files, Spark spreads the list over the executors,
and every partition runs one `reportdex convert --stdin-paths -0 --jsonl -`
process, fed the partition's paths on standard input. The job writes:

    OUT/jsonl/part-NNNNN.jsonl   one report JSON per line (what `--jsonl -` prints)
    OUT/errors/part-NNNNN.jsonl  one error record per line (what reportdex prints on
                                 standard error: {"path", "member", "kind", ...})
    OUT/parquet/reports/         one row per report, written by Spark
    OUT/parquet/metrics/         one row per metric of each report, written by Spark
    OUT/index.json               `reportdex index OUT/jsonl/*.jsonl -o OUT`, on the driver

Source paths in the reports are the input paths as listed, relative to --base
(the directory every reportdex process runs in), so the output of a cluster run
equals that of `cd BASE && reportdex convert INPUT... -o OUT`.

Usage (see README.md beside this file for a real cluster):

    python3 reportdex_job.py --master 'local[2]' --binary target/release/reportdex \\
        out-spark samples
    spark-submit --files /opt/reportdex/reportdex reportdex_job.py \\
        --binary reportdex --base /mnt/archive --list /mnt/archive/list.txt /mnt/out/run1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from typing import Iterable, Iterator

# Extensions that `reportdex convert DIR` picks up in a directory (lower case):
# the documents of src/pipeline/inputs.rs (DOCUMENT_EXTENSIONS) and zip archives.
DOCUMENT_EXTENSIONS = {"docx", "docm", "dotx", "dotm", "odt", "ott", "doc", "wps", "zip"}


def is_input_name(name: str) -> bool:
    """True when a directory walk of reportdex would take this file name."""
    stem, dot, ext = name.rpartition(".")
    return bool(dot) and bool(stem) and ext.lower() in DOCUMENT_EXTENSIONS


def list_inputs(inputs: Iterable[str], base: str) -> list[str]:
    """Expand INPUT arguments (relative to `base`) into input file paths.

    A directory is walked recursively in name order, following symbolic links,
    keeping the files that reportdex itself would take; a file is kept as it is
    (reportdex reports a non-document with a typed error). Paths keep the form
    they were given in (`samples` gives `samples/a.docx`).
    """
    paths: list[str] = []
    for given in inputs:
        full = os.path.join(base, given)
        if not os.path.isdir(full):
            paths.append(given)
            continue
        seen: set[str] = set()
        for root, dirs, files in os.walk(full, followlinks=True):
            real = os.path.realpath(root)
            if real in seen:  # a symbolic link loop
                dirs[:] = []
                continue
            seen.add(real)
            dirs.sort()
            rel_root = os.path.relpath(root, base) if not os.path.isabs(given) else root
            for name in sorted(files):
                if is_input_name(name):
                    paths.append(os.path.normpath(os.path.join(rel_root, name)))
    return paths


def read_list(path: str) -> list[str]:
    """Input paths from a list file: one per line, empty lines and `#` comments ignored."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\r\n") for line in f if line.strip() and not line.startswith("#")]


def resolve_binary(binary: str) -> str:
    """The reportdex executable: a path, a file shipped with `--files`, or a PATH name."""
    if os.sep in binary and os.path.isfile(binary):
        return os.path.abspath(binary)
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(os.path.basename(binary))
        if os.path.isfile(shipped):
            if not os.access(shipped, os.X_OK):
                os.chmod(shipped, 0o755)
            return shipped
    except Exception:  # no SparkContext/SparkFiles here: fall through
        pass
    found = shutil.which(binary)
    if found:
        return found
    raise FileNotFoundError(
        f"reportdex binary {binary!r} not found: give a path, ship it with "
        "spark-submit --files, or put it on PATH"
    )


def convert_partition(
    paths: Iterable[str], binary: str, base: str, jobs: int
) -> Iterator[tuple[str, str]]:
    """Run one reportdex process over a partition's paths.

    Yields ("report", json_line) for every document converted and ("error",
    json_line) for every error record reportdex printed on standard error.
    Standard error lines that are not JSON (the summary, log lines) go to this
    executor's log. Exit codes 0 and 1 (some inputs failed) are normal; any
    other ends the task with an exception, so Spark retries it and then fails
    the job.
    """
    paths = list(paths)
    if not paths:
        return
    exe = resolve_binary(binary)
    cmd = [exe, "convert", "--stdin-paths", "-0", "--jsonl", "-", "--jobs", str(jobs)]
    proc = subprocess.Popen(
        cmd, cwd=base, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stderr_lines: list[bytes] = []

    def feed() -> None:
        try:
            proc.stdin.write(b"\0".join(os.fsencode(p) for p in paths))
        finally:
            proc.stdin.close()

    def drain() -> None:
        stderr_lines.extend(proc.stderr)

    threads = [threading.Thread(target=feed), threading.Thread(target=drain)]
    for t in threads:
        t.start()
    for line in proc.stdout:
        line = line.rstrip(b"\n")
        if line:
            yield ("report", line.decode("utf-8"))
    code = proc.wait()
    for t in threads:
        t.join()
    other = []
    for raw in stderr_lines:
        text = raw.decode("utf-8", "replace").rstrip("\n")
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if isinstance(record, dict):
            yield ("error", text)
        elif text:
            other.append(text)
    for text in other:
        print(text, file=sys.stderr)
    if code not in (0, 1):
        tail = "\n".join(other[-20:])
        raise RuntimeError(f"{' '.join(cmd)} exited with {code} on {len(paths)} paths:\n{tail}")


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def report_row(line: str) -> dict:
    """One row of the reports table from a report JSON line."""
    doc = json.loads(line)
    src = doc.get("source") or {}
    rep = doc.get("report") or {}
    period = rep.get("period") or {}
    fee = rep.get("fee") or {}
    checks = rep.get("checks") or []
    return {
        "source": src.get("path"),
        "sha256": src.get("sha256"),
        "format": src.get("format"),
        "size": src.get("size"),
        "title": doc.get("title"),
        "agency": rep.get("agency"),
        "year": rep.get("year"),
        "template": rep.get("template"),
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "fee_amount_yuan": _num(fee.get("amount_yuan")),
        "n_metrics": len(rep.get("metrics") or {}),
        "checks_failed": sum(1 for c in checks if c.get("status") == "fail"),
        "checks_not_checkable": sum(1 for c in checks if c.get("status") == "not_checkable"),
    }


def metric_rows(line: str) -> Iterator[dict]:
    """Rows of the metrics table (one per metric) from a report JSON line."""
    doc = json.loads(line)
    rep = doc.get("report") or {}
    sources = rep.get("metric_sources") or {}
    for key, value in (rep.get("metrics") or {}).items():
        where = sources.get(key) or {}
        yield {
            "source": (doc.get("source") or {}).get("path"),
            "agency": rep.get("agency"),
            "year": rep.get("year"),
            "key": key,
            "value": _num(value),
            "raw": where.get("raw"),
            "table": where.get("table"),
            "row": where.get("row"),
            "col": where.get("col"),
        }


def schemas():
    """Spark schemas of the reports and metrics tables."""
    from pyspark.sql.types import (
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    def s(name):
        return StructField(name, StringType(), True)

    def i(name):
        return StructField(name, LongType(), True)

    def d(name):
        return StructField(name, DoubleType(), True)

    reports = StructType(
        [s("source"), s("sha256"), s("format"), i("size"), s("title"), s("agency"), i("year")]
        + [s("template"), s("period_start"), s("period_end"), d("fee_amount_yuan")]
        + [i("n_metrics"), i("checks_failed"), i("checks_not_checkable")]
    )
    metrics = StructType(
        [s("source"), s("agency"), i("year"), s("key"), d("value"), s("raw")]
        + [i("table"), i("row"), i("col")]
    )
    return reports, metrics


def rename_parts(directory: str) -> list[str]:
    """Give Spark's part files a .jsonl name (on a local or mounted file system)."""
    out = []
    for name in sorted(os.listdir(directory)):
        if name.startswith("part-") and not name.endswith(".jsonl"):
            os.rename(os.path.join(directory, name), os.path.join(directory, name + ".jsonl"))
            name += ".jsonl"
        if name.endswith(".jsonl"):
            out.append(os.path.join(directory, name))
    return out


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="output directory (must not exist yet)")
    p.add_argument("inputs", nargs="*", help="files and directories, relative to --base")
    p.add_argument("--list", help="file listing input paths, one per line (relative to --base)")
    p.add_argument("--base", default=os.getcwd(),
                   help="directory the reportdex processes run in [default: current directory]")
    p.add_argument("--binary", default="reportdex",
                   help="reportdex: a path, the name of a file shipped with --files, or a PATH name")
    p.add_argument("--partitions", type=int,
                   help="number of partitions = reportdex processes "
                        "[default: 4 per core, at most one per 1 input]")
    p.add_argument("--master", help="Spark master when not run by spark-submit, e.g. local[2]")
    p.add_argument("--no-index", action="store_true", help="skip the index step")
    args = p.parse_args(argv)
    if not args.inputs and not args.list:
        p.error("give INPUT paths and/or --list FILE")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from pyspark.sql import SparkSession
    from pyspark import StorageLevel

    base = os.path.abspath(args.base)
    # A URI (hdfs://, s3a://) is Spark's business; a plain path is made absolute.
    local_out = "://" not in args.out
    out = os.path.abspath(args.out) if local_out else args.out.rstrip("/")
    if local_out and os.path.exists(out):
        print(f"reportdex_job: {out} exists; give a new output directory", file=sys.stderr)
        return 2
    paths = list_inputs(args.inputs, base)
    if args.list:
        paths += read_list(args.list)
    if not paths:
        print("reportdex_job: no input documents found", file=sys.stderr)
        return 2

    started = time.monotonic()
    builder = SparkSession.builder.appName("reportdex")
    if args.master:
        builder = builder.master(args.master)
    if not sys.stderr.isatty():
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    spark_up = time.monotonic()
    task_cpus = int(sc.getConf().get("spark.task.cpus", "1"))
    partitions = args.partitions or max(1, min(len(paths), 4 * sc.defaultParallelism))
    binary, jobs = args.binary, task_cpus
    # The driver's reportdex for the index step: checked now, not after the run.
    exe = resolve_binary(binary) if local_out and not args.no_index else None

    tagged = (
        sc.parallelize(paths, partitions)
        .mapPartitions(lambda it: convert_partition(it, binary, base, jobs))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    reports = tagged.filter(lambda kv: kv[0] == "report").values()
    errors = tagged.filter(lambda kv: kv[0] == "error").values()
    reports.saveAsTextFile(f"{out}/jsonl")
    converted = time.monotonic()
    errors.coalesce(1).saveAsTextFile(f"{out}/errors")

    reports_schema, metrics_schema = schemas()
    spark.createDataFrame(reports.map(report_row), reports_schema).write.parquet(
        f"{out}/parquet/reports"
    )
    spark.createDataFrame(reports.flatMap(metric_rows), metrics_schema).write.parquet(
        f"{out}/parquet/metrics"
    )
    counts = tagged.countByKey()  # one pass over the persisted partitions
    n_reports, n_errors = counts.get("report", 0), counts.get("error", 0)
    written = time.monotonic()
    tagged.unpersist()
    spark.stop()

    parts = rename_parts(f"{out}/jsonl") if local_out else []
    if local_out:
        rename_parts(f"{out}/errors")
    print(
        f"reportdex_job: {len(paths)} inputs in {partitions} partitions: "
        f"{n_reports} reports, {n_errors} errors; Spark start {spark_up - started:.1f} s, "
        f"conversion and JSONL {converted - spark_up:.1f} s, errors, Parquet and counts "
        f"{written - converted:.1f} s",
        file=sys.stderr,
    )
    if not local_out and not args.no_index:
        print(f"reportdex_job: {out} is not a local path: copy {out}/jsonl down and run "
              "reportdex index on its part files", file=sys.stderr)
    elif not args.no_index:
        cmd = [exe, "index", *parts, "-o", out]
        done = subprocess.run(cmd)
        if done.returncode != 0:
            print(f"reportdex_job: {' '.join(cmd[:2])} ... exited with {done.returncode}",
                  file=sys.stderr)
            return done.returncode
    return 1 if n_errors else 0


if __name__ == "__main__":
    sys.exit(main())

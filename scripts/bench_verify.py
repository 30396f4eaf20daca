#!/usr/bin/env python3
"""Correctness check for `make bench`: does reportdex read the bench corpus right?

    python3 scripts/bench_verify.py CORPUS OUT

CORPUS is a directory written by `tools/make_samples.py --bench N --out CORPUS`
(its expected.jsonl has one line per report); OUT is what
`reportdex convert CORPUS -o OUT -j 2 -q --no-index` wrote: one JSON per report,
found through OUT/reports.jsonl (`path` -> `json`, relative to OUT), with the
profile under the key `report`.

For every report it compares the expected title (top-level `title`), agency (as
written and normalized), year, template (`report.*`) and every expected metric
(`report.metrics`; a metric the generator left blank is expected as null or absent). Extra metrics that reportdex
derives (subtotals) are not compared. Prints `bench verify: N reports, M mismatches`
(and the first mismatches) and exits 1 if any report differs or is missing.

Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SHOW = 20  # mismatching fields printed at most


def same_value(want, got) -> bool:
    if want is None:
        return got is None
    if got is None or isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return abs(float(want) - float(got)) < 1e-9


def compare(exp: dict, out: dict) -> list[str]:
    """Differences between one expected.jsonl record and one reportdex JSON."""
    diffs = []
    rep = out.get("report") or {}
    if out.get("title") != exp["title"]:
        diffs.append(f"title: want {exp['title']!r}, got {out.get('title')!r}")
    # report.agency is the name as written (traditional characters in some titles),
    # report.agency_normalized the simplified form the generator started from.
    if rep.get("agency") != exp["agency_as_written"]:
        diffs.append(f"agency: want {exp['agency_as_written']!r}, got {rep.get('agency')!r}")
    if rep.get("agency_normalized") != exp["agency"]:
        diffs.append(f"agency_normalized: want {exp['agency']!r}, got {rep.get('agency_normalized')!r}")
    if rep.get("year") != exp["year"]:
        diffs.append(f"year: want {exp['year']!r}, got {rep.get('year')!r}")
    if rep.get("template") != exp["template"]:
        diffs.append(f"template: want {exp['template']!r}, got {rep.get('template')!r}")
    got_metrics = rep.get("metrics") or {}
    for key, want in exp["metrics"].items():
        got = got_metrics.get(key)
        if not same_value(want, got):
            diffs.append(f"metric {key}: want {want!r}, got {got!r}")
    return diffs


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python3 scripts/bench_verify.py CORPUS OUT", file=sys.stderr)
        return 2
    corpus, out = Path(argv[1]), Path(argv[2])
    expected = corpus / "expected.jsonl"
    if not expected.is_file():
        print(f"bench verify: {expected} not found", file=sys.stderr)
        return 2
    # Where each input's JSON went, by the input's file name (bench corpora are
    # flat, so file names are unique).
    json_of = {}
    try:
        with open(out / "reports.jsonl", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    json_of[Path(rec["path"]).name] = out / rec["json"]
    except (OSError, ValueError, KeyError) as e:
        print(f"bench verify: cannot read {out / 'reports.jsonl'}: {e}", file=sys.stderr)
        return 2
    n = mismatches = shown = 0
    with open(expected, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            exp = json.loads(line)
            n += 1
            path = json_of.get(exp["file"], out / "(not in reports.jsonl)" / exp["file"])
            try:
                got = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                diffs = [f"no readable output {path}: {e}"]
            else:
                diffs = compare(exp, got)
            if diffs:
                mismatches += 1
                for d in diffs:
                    if shown < SHOW:
                        print(f"{exp['file']}: {d}")
                    shown += 1
    if shown > SHOW:
        print(f"... {shown - SHOW} more differing fields")
    print(f"bench verify: {n} reports, {mismatches} mismatches")
    return 1 if mismatches or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

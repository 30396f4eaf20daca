#!/usr/bin/env python3
"""Tests for tools/make_samples.py (stdlib unittest).

    python3 -m unittest tools/test_make_samples.py     # or: python3 tools/test_make_samples.py

Regenerates the default set into a temporary directory and compares it byte for byte
with the committed samples/, validates every file (well-formed XML, consistent spans,
tables equal to the expected JSON), and checks a few facts of the expected data.
"""

import io
import json
import re
import statistics
import sys
import tempfile
import unittest
import zipfile
from contextlib import redirect_stderr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_samples as ms  # noqa: E402

SAMPLES = ms.ROOT / "samples"


class DefaultSet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = Path(cls.tmp.name)
        ms.write_default(cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_bytes_equal_committed(self):
        made = sorted(p.relative_to(self.out) for p in self.out.rglob("*") if p.is_file())
        # The .doc/.wps twins are made from the DOCX by LibreOffice
        # (tools/make_doc_samples.sh), not by make_samples.py.
        committed = sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*")
                           if p.is_file() and p.name != "README.md"
                           and p.suffix not in (".doc", ".wps"))
        self.assertEqual(made, committed)
        for rel in made:
            self.assertEqual((self.out / rel).read_bytes(), (SAMPLES / rel).read_bytes(), str(rel))

    def test_check_passes(self):
        self.assertTrue(ms.check_dir(self.out))

    def test_expected_facts(self):
        def exp(name):
            return json.loads((self.out / "expected" / name).read_text(encoding="utf-8"))

        e = exp("hanyang_wenlv_2022.odt.json")
        self.assertEqual(e["failing_checks"], [{"rule": "R1", "column": "natural_person"},
                                               {"rule": "R1", "column": "total"},
                                               {"rule": "R5", "column": "review"}])
        e = exp("wendeng_caizheng_2021.docx.json")
        self.assertEqual(e["title"], "威海市文登區財政局2021年政府信息公開工作年度報告")
        self.assertEqual(e["metrics"]["s2.fee.amount_wan_yuan"], 0.35)
        t3 = e["tables"][1]
        self.assertEqual((t3["n_rows"], t3["n_cols"]), (28, 10))
        self.assertEqual(t3["cells"][0], {"row": 0, "col": 0, "row_span": 3, "col_span": 3,
                                          "text": ms.S3_H1})
        e = exp("wendeng_caizheng_2020.docx.json")
        self.assertEqual((e["tables"][1]["n_rows"], e["tables"][0]["n_cols"]), (26, 5))
        self.assertEqual(e["metrics"]["s2.license.items_delta"], 3)
        self.assertEqual(e["metrics"]["s2.procurement.amount"], 251000)
        e = exp("kaiping_ziranziyuan_2020.docx.json")
        self.assertIsNone(e["metrics"]["s3.granted.total"])
        self.assertIsNotNone(e["metrics"]["s3.new_received.total"])
        e = exp("kaiping_kegongshangwu_2022_seed.docx.json")
        self.assertEqual(e["headings"][0], [1, "一、總體情況"])
        self.assertEqual(e["period"], {"start": "2022-01-01", "end": "2022-12-15", "full_year": False})
        # carry-over (R6) per agency, except the documented mismatch
        for slug in ("wendeng_caizheng", "hanyang_wenlv", "kaiping_ziranziyuan"):
            for year in (2021, 2022):
                prev = exp(f"{slug}_{year - 1}.docx.json")["metrics"]
                cur = exp(f"{slug}_{year}.docx.json")["metrics"]
                same = all(prev[f"s3.carried_forward.{c}"] == cur[f"s3.carried_over.{c}"] for c in ms.COLS)
                self.assertEqual(same, (slug, year) != ("kaiping_ziranziyuan", 2021), (slug, year))

    def test_docx_odt_same_paragraphs(self):
        for d in sorted(self.out.glob("*.docx")):
            a = ms.read_paragraphs(d)
            b = ms.read_paragraphs(d.with_suffix(".odt"))
            self.assertEqual(a, b, d.name)
            self.assertGreater(len(a), 10, d.name)

    def test_docx_odt_equivalent(self):
        for j in sorted((self.out / "expected").glob("*.docx.json")):
            a = json.loads(j.read_text(encoding="utf-8"))
            b = json.loads((j.parent / j.name.replace(".docx.json", ".odt.json")).read_text(encoding="utf-8"))
            for k in ("file", "format"):
                a.pop(k)
                b.pop(k)
            self.assertEqual(a, b, j.name)


class Bench(unittest.TestCase):
    def test_bench_deterministic_and_valid(self):
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            ms.run_bench(40, Path(d1), jobs=1)
            ms.run_bench(40, Path(d2), jobs=2)
            f1 = sorted(p.name for p in Path(d1).iterdir())
            self.assertEqual(len(f1), 41)
            self.assertEqual(f1, sorted(p.name for p in Path(d2).iterdir()))
            for n in f1:
                self.assertEqual((Path(d1) / n).read_bytes(), (Path(d2) / n).read_bytes(), n)
            self.assertTrue(ms.check_dir(Path(d1)))

    def test_small_bench_sizes(self):
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            with redirect_stderr(io.StringIO()):
                ms.run_bench(30, Path(d1), small=True)
                ms.run_bench(30, Path(d2), jobs=4, small=True)
            files = sorted(p for p in Path(d1).iterdir() if p.suffix in (".docx", ".odt"))
            self.assertEqual(len(files), 30)
            self.assertEqual({p.suffix for p in files}, {".docx", ".odt"})
            for p in files:
                self.assertTrue(ms.SMALL_MIN <= p.stat().st_size <= ms.SMALL_MAX, p.name)
                self.assertEqual(p.read_bytes(), (Path(d2) / p.name).read_bytes(), p.name)
            self.assertEqual(len((Path(d1) / "expected.jsonl").read_text().splitlines()), 30)
            self.assertEqual(len({p.read_bytes() for p in files}), 30)
            with redirect_stderr(io.StringIO()):
                self.assertTrue(ms.check_dir(Path(d1)))



def file_text_chars(path):
    """Characters of text in a file, read back: body paragraphs and table cells."""
    paras = "".join(ms.read_paragraphs(path))
    cells = "".join(c["text"] for t in ms.read_tables(path) for c in t)
    return len(paras.replace("\n", "")) + len(cells.replace("\n", ""))


class OfficeMarkup(unittest.TestCase):
    """Bench reports carry the markup and parts of Word/WPS and LibreOffice."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = Path(cls.tmp.name)
        err = io.StringIO()
        with redirect_stderr(err):
            ms.run_bench(60, cls.out, jobs=1)
        cls.summary = err.getvalue()
        cls.docx = sorted(cls.out.glob("*.docx"))
        cls.odt = sorted(cls.out.glob("*.odt"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_text_volume_realistic(self):
        chars = [file_text_chars(p) for p in self.docx + self.odt]
        self.assertEqual(len(chars), 60)
        for p, n in zip(self.docx + self.odt, chars):
            self.assertTrue(2500 <= n <= 16000, f"{p.name}: {n} characters")
        self.assertTrue(4500 <= statistics.median(chars) <= 9000, statistics.median(chars))
        m = re.search(r"avg ([\d.]+) KB, avg (\d+) text characters", self.summary)
        self.assertIsNotNone(m, self.summary)
        self.assertTrue(4500 <= int(m.group(2)) <= 9500, self.summary)

    def test_pad_distribution(self):
        import random
        rng = random.Random(1)
        targets = sorted(ms.BENCH_BASE_CHARS + ms.BENCH_PAD_PARA_CHARS * ms.bench_pad(rng) for _ in range(4000))
        self.assertTrue(6000 <= targets[len(targets) // 2] <= 7000)
        self.assertTrue(3000 <= targets[0] and targets[-1] <= 15000)

    def test_docx_parts(self):
        wps = 0
        seen = {}
        for p in self.docx:
            with zipfile.ZipFile(p) as z:
                names = set(z.namelist())
                for part in ("word/theme/theme1.xml", "word/styles.xml", "word/fontTable.xml", "word/webSettings.xml",
                             "word/settings.xml", "word/numbering.xml", "word/footer1.xml", "docProps/core.xml",
                             "docProps/app.xml"):
                    self.assertIn(part, names, p.name)
                ct = z.read("[Content_Types].xml").decode()
                rels = z.read("word/_rels/document.xml.rels").decode()
                for part in names:
                    if part.endswith(".xml") and part != "[Content_Types].xml":
                        self.assertIn(f'PartName="/{part}"', ct, (p.name, part))
                for target in ("styles.xml", "settings.xml", "webSettings.xml", "fontTable.xml", "theme/theme1.xml",
                               "numbering.xml", "footer1.xml"):
                    self.assertIn(f'Target="{target}"', rels, p.name)
                styles = z.read("word/styles.xml").decode()
                self.assertGreaterEqual(styles.count("<w:lsdException "), 370)
                self.assertTrue(15 <= styles.count("<w:style ") <= 25)
                self.assertIn('w:styleId="Heading1"', styles)
                self.assertGreater(len(z.read("word/theme/theme1.xml")), 5000)
                settings = z.read("word/settings.xml").decode()
                rsids = re.findall(r'<w:rsid w:val="([0-9A-F]{8})"/>', settings)
                self.assertTrue(20 <= len(rsids) <= 150, len(rsids))
                doc = z.read("word/document.xml").decode()
                for mark in ("<w:proofErr ", "<w:bookmarkStart ", "<w:lastRenderedPageBreak/>"):
                    seen[mark] = seen.get(mark, 0) + (mark in doc)
                paras = re.findall(r"<w:p [^>]*>", doc)
                self.assertTrue(all('w:rsidR="' in x and 'w:rsidRDefault="' in x and 'w:rsidP="' in x for x in paras))
                for x in re.findall(r'w:rsid\w*="([^"]*)"', doc):
                    self.assertIn(x, rsids)
                runs = re.findall(r"<w:r(?: [^>]*)?>(.{0,7})", doc)
                self.assertTrue(runs and all(r.startswith("<w:rPr>") for r in runs), p.name)
                self.assertIn("<w:tcPr><w:tcW ", doc)
                self.assertIn('<w:vAlign w:val="center"/>', doc)
                if "docProps/custom.xml" in names:
                    self.assertIn("KSOProductBuildVer", z.read("docProps/custom.xml").decode())
                    wps += 1
        self.assertGreater(wps, 0)
        self.assertTrue(all(seen.values()) and len(seen) == 3, seen)

    def test_odt_parts(self):
        breaks = 0
        for p in self.odt:
            with zipfile.ZipFile(p) as z:
                names = z.namelist()
                for part in ("content.xml", "styles.xml", "meta.xml", "settings.xml", "manifest.rdf",
                             "Thumbnails/thumbnail.png", "META-INF/manifest.xml"):
                    self.assertIn(part, names, p.name)
                self.assertTrue(z.read("Thumbnails/thumbnail.png").startswith(b"\x89PNG\r\n\x1a\n"))
                manifest = z.read("META-INF/manifest.xml").decode()
                for n in names:
                    if not n.endswith("/") and n not in ("mimetype", "META-INF/manifest.xml"):
                        self.assertIn(f'manifest:full-path="{n}"', manifest, (p.name, n))
                settings = z.read("settings.xml").decode()
                self.assertGreater(len(settings), 8000)
                self.assertGreater(settings.count("<config:config-item "), 100)
                self.assertGreater(len(z.read("styles.xml")), 8000)
                content = z.read("content.xml").decode()
                self.assertIn('xmlns:officeooo="http://openoffice.org/2009/office"', content)
                self.assertIn('xmlns:loext=', content)
                self.assertIn('style:name="P1"', content)
                self.assertIn('style:name="T1"', content)
                self.assertIn("officeooo:paragraph-rsid=", content)
                self.assertIn("<text:span ", content)
                breaks += "<text:soft-page-break/>" in content
        self.assertGreater(breaks, 0)

    def test_split_keeps_text(self):
        """The office writers cut text into runs/spans without changing it: every
        default sample (labels with spaces, line breaks, traditional characters,
        the seed text) reads back the same as from the plain writer."""
        for r in ms.default_set():
            for write in (ms.write_docx, ms.write_odt):
                ext = "docx" if write is ms.write_docx else "odt"
                with tempfile.TemporaryDirectory() as d:
                    plain, office = Path(d) / f"a.{ext}", Path(d) / f"b.{ext}"
                    r.office_markup = False
                    plain.write_bytes(write(r))
                    r.office_markup = True
                    office.write_bytes(write(r))
                    self.assertEqual(ms.read_paragraphs(plain), ms.read_paragraphs(office), (r.stem, ext))
                    self.assertEqual(ms.read_tables(plain), ms.read_tables(office), (r.stem, ext))
                    self.assertEqual(ms.check_file(office), [], (r.stem, ext))


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Reproducible generator of sample 政府信息公开工作年度报告 in DOCX and ODT.

Standard library only. Every file is hand-built WordprocessingML / ODF XML in a
zip with fixed timestamps and a fixed member order, so the output is
byte-for-byte deterministic for a given zlib build.

Usage:
    python3 tools/make_samples.py                 # regenerate samples/ in place
    python3 tools/make_samples.py --out DIR       # the same default set into DIR
    python3 tools/make_samples.py --bench N --out DIR   # N varied reports + DIR/expected.jsonl
    python3 tools/make_samples.py --bench N --small --out DIR   # N reports of 20-30 KB
    python3 tools/make_samples.py --check DIR     # validate every .docx/.odt in DIR

The layout of the reports follows ../shared/design/template.md (sections 2-8);
the metric keys come from catalog/metrics.csv. For each sample an expected JSON
(samples/expected/<file>.json) records exactly what was written: title,
headings as displayed, every table cell with its spans, every metric value,
the arithmetic checks that must fail and the deliberate variants.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import sys
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog" / "metrics.csv"
SEED = ROOT.parent / "shared" / "seed" / "000_aefcde8288a9dad5.txt"
SEED_FALLBACK = Path("/work/shared/seed/000_aefcde8288a9dad5.txt")
SEED_COPY = ROOT / "samples" / "seed_source.txt"

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
CN = "一二三四五六七八九十"


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# ---------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------

def load_catalog():
    """Return {version: [cell keys in catalog order]}."""
    out = {"2019": [], "2021": []}
    with open(CATALOG, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if not row["kind"].startswith("cell"):
                continue
            for v in row["versions"].split():
                out[v].append(row["key"])
    return out


CATALOG_KEYS = load_catalog()

# ---------------------------------------------------------------------------
# Traditional characters (labels and titles only)
# ---------------------------------------------------------------------------

_S2T_PAIRS = (
    "开開 报報 请請 数數 结結 转轉 办辦 处處 计計 这這 国國 规規 护護 权權 属屬 类類 务務 过過 执執 询詢"
    " 关關 没沒 现現 补補 确確 访訪 举舉 诉訴 复復 当當 获獲 总總 业業 构構 会會 组組 织織 况況 单單"
    " 万萬 费費 额額 发發 废廢 项項 许許 罚罰 强強 审審 维維 纠糾 讼訟 议議 经經 财財 区區 门門 时時"
    " 间間 与與 为為 应應 级級 认認 据據 条條 来來 读讀 网網 书書 长長 党黨 们們 动動 态態 导導 领領"
    " 责責 负負 实實 贯貫 彻徹 见見 论論 围圍 质質 进進 传傳 统統 体體 众眾 层層 题題 问問 说說 专專"
    " 县縣 镇鎮 乡鄉 华華 际際 险險 稳穩 护護 仍仍 于於 几幾 营營 机機 产產 卫衛 设設 资資 源源 规規"
    " 划劃 旅旅 测測 绘繪 环環 态態 农農 厅廳 观觀 质質 监監 级級 义義 标標 准準 严嚴 优優 线線 编編"
    " 后後 内內 隐隱 预預 决決 算算 护護 险險 码碼 务務 报報 销銷 达達 图圖 频頻 视視"
)
S2T = {}
for _p in _S2T_PAIRS.split():
    S2T[_p[0]] = _p[1]


def to_trad(s: str) -> str:
    return "".join(S2T.get(ch, ch) for ch in s)


# ---------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------

def parse_raw(raw: str):
    """Value a reader must extract from a cell text (None for blank, '/', '—')."""
    t = raw.strip()
    if t in ("", "/", "／", "—", "-", "无"):
        return None
    t = t.replace("元", "").replace(",", "")
    if t.startswith("+"):
        t = t[1:]
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    return float(t)


# ---------------------------------------------------------------------------
# Section 三 row specification
# ---------------------------------------------------------------------------

S3_TOP = "三、本年度办理结果"
S3_H1 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
# (row key, group, label); group None = top-level row (colspan 3),
# "" = directly under 三 (colspan 2), otherwise the group label.
S3_ROWS_COMMON_HEAD = [
    ("new_received", None, "一、本年新收政府信息公开申请数量"),
    ("carried_over", None, "二、上年结转政府信息公开申请数量"),
    ("granted", "", "（一）予以公开"),
    ("partial", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied.law_forbidden", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied.three_security_one_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied.third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied.process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("denied.enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("denied.admin_query", "（三）不予公开", "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable.still_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed.petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed.duplicate", "（五）不予处理", "2.重复申请"),
    ("not_processed.publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed.excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed.confirm_or_reissue", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
]
S3_ROWS_OTHER_2019 = [("other.total", "", "（六）其他处理")]
S3_ROWS_OTHER_2021 = [
    ("other.no_correction", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.no_fee", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.misc", "（六）其他处理", "3.其他"),
]
S3_ROWS_TAIL = [
    ("total_processed", "", "（七）总计"),
    ("carried_forward", None, "四、结转下年度继续办理"),
]


def s3_rows(template):
    other = S3_ROWS_OTHER_2019 if template == "2019" else S3_ROWS_OTHER_2021
    return S3_ROWS_COMMON_HEAD + other + S3_ROWS_TAIL


def outcome_keys(template):
    return [k for k, g, _ in s3_rows(template) if g is not None and k != "total_processed"]


OUTCOME_WEIGHTS = {
    "granted": 45, "partial": 7,
    "denied.state_secret": 0.5, "denied.law_forbidden": 1, "denied.three_security_one_stability": 0.5,
    "denied.third_party": 2, "denied.internal_affairs": 2, "denied.process_info": 3,
    "denied.enforcement_file": 1, "denied.admin_query": 1,
    "unable.not_held": 20, "unable.needs_creation": 3, "unable.still_unclear": 2,
    "not_processed.petition": 3, "not_processed.duplicate": 2, "not_processed.publication": 0.5,
    "not_processed.excessive": 0.5, "not_processed.confirm_or_reissue": 1,
    "other.total": 4, "other.no_correction": 2.5, "other.no_fee": 0.3, "other.misc": 2,
}

# ---------------------------------------------------------------------------
# Metric generation
# ---------------------------------------------------------------------------


class AgencyState:
    """What carries over from one year to the next for one agency."""

    def __init__(self, rng: random.Random, scale: int):
        self.scale = scale
        self.carried = [0] * 6
        base = max(0, scale // 60)
        for i in range(6):
            self.carried[i] = rng.randint(0, base) if i == 0 else (rng.randint(0, 1) if rng.random() < 0.1 else 0)
        self.normative_total = rng.randint(5, 60)
        self.normative_in_force = rng.randint(3, 40)
        self.license_items = rng.randint(0, 80)
        self.other_service_items = rng.randint(0, 30)
        self.penalty_items = rng.randint(0, 300)
        self.coercion_items = rng.randint(0, 20)
        self.fee_items = rng.randint(0, 12)


def gen_s3(rng, st: AgencyState, template):
    """Return {row key: [7 ints]} satisfying R1, R2, R3; updates st.carried."""
    total_new = max(0, int(rng.gauss(st.scale, st.scale * 0.25)))
    np_share = rng.uniform(0.6, 0.97)
    new = [0] * 6
    new[0] = round(total_new * np_share)
    rest = total_new - new[0]
    if rest > 0:
        for c in rng.choices(range(1, 6), weights=[60, 5, 4, 16, 15], k=rest):
            new[c] += 1
    carried = list(st.carried)
    fwd = [0] * 6
    for i in range(6):
        avail = new[i] + carried[i]
        if i == 0 and avail >= 5 and rng.random() < 0.75:
            fwd[i] = rng.randint(1, max(1, avail // 6))
        elif avail > 0 and rng.random() < 0.3:
            fwd[i] = rng.randint(0, max(0, avail // 8))
    keys = outcome_keys(template)
    weights = [OUTCOME_WEIGHTS[k] for k in keys]
    rows = {k: [0] * 7 for k, _, _ in s3_rows(template)}
    for i in range(6):
        processed = new[i] + carried[i] - fwd[i]
        if processed > 0:
            for k in rng.choices(keys, weights=weights, k=processed):
                rows[k][i] += 1
        rows["new_received"][i] = new[i]
        rows["carried_over"][i] = carried[i]
        rows["carried_forward"][i] = fwd[i]
        rows["total_processed"][i] = processed
    for k in rows:
        rows[k][6] = sum(rows[k][:6])
    st.carried = fwd
    return rows


def gen_s4(rng, busy: bool):
    out = {}
    for g in ("review", "suit_direct", "suit_after_review"):
        if busy and rng.random() < 0.7:
            vals = [rng.choice([0, 0, 1, 1, 2, 3, 5]) for _ in range(4)]
            vals[1] = rng.choice([0, 0, 0, 1])
        else:
            vals = [0, 0, 0, 0]
        for name, v in zip(("upheld", "corrected", "other", "pending"), vals):
            out[f"s4.{g}.{name}"] = v
        out[f"s4.{g}.total"] = sum(vals)
    return out


def gen_s2(rng, st: AgencyState, template, government: bool):
    m = {}
    if template == "2021":
        if government:
            m["s2.regulation.issued"] = rng.randint(0, 3)
            m["s2.regulation.repealed"] = rng.randint(0, 1)
            m["s2.regulation.in_force_or_total"] = rng.randint(10, 60)
        else:
            m["s2.regulation.issued"] = 0
            m["s2.regulation.repealed"] = 0
            m["s2.regulation.in_force_or_total"] = 0
        issued = rng.randint(0, 8)
        repealed = rng.randint(0, min(3, st.normative_in_force))
        st.normative_in_force = st.normative_in_force + issued - repealed
        m["s2.normative.issued"] = issued
        m["s2.normative.repealed"] = repealed
        m["s2.normative.in_force_or_total"] = st.normative_in_force
        m["s2.license.decisions"] = rng.choice([0, rng.randint(1, 60), rng.randint(100, 6000)])
        m["s2.penalty.decisions"] = rng.choice([0, rng.randint(1, 30), rng.randint(30, 800)])
        m["s2.coercion.decisions"] = rng.choice([0, 0, rng.randint(1, 40)])
        m["s2.fee.amount_wan_yuan"] = rng.choice([0, round(rng.uniform(0.5, 900), 2)])
    else:
        if government:
            made = rng.randint(0, 3)
            m["s2.regulation.issued"] = made
            m["s2.regulation.published_new"] = made
            m["s2.regulation.in_force_or_total"] = rng.randint(10, 60) + made
        else:
            m["s2.regulation.issued"] = 0
            m["s2.regulation.published_new"] = 0
            m["s2.regulation.in_force_or_total"] = 0
        made = rng.randint(0, 8)
        st.normative_total += made
        m["s2.normative.issued"] = made
        m["s2.normative.published_new"] = made
        m["s2.normative.in_force_or_total"] = st.normative_total
        for key, attr, dec in (("license", "license_items", (0, 3000)),
                               ("other_service", "other_service_items", (0, 500)),
                               ("penalty", "penalty_items", (0, 600)),
                               ("coercion", "coercion_items", (0, 30))):
            prev = getattr(st, attr)
            delta = rng.choice([0, 0, 0, rng.randint(-2, 5)])
            delta = max(delta, -prev)
            setattr(st, attr, prev + delta)
            m[f"s2.{key}.items_prev"] = prev
            m[f"s2.{key}.items_delta"] = delta
            m[f"s2.{key}.decisions"] = rng.choice([0, rng.randint(dec[0], dec[1])]) if prev + delta > 0 else 0
        prev = st.fee_items
        delta = rng.choice([0, 0, rng.randint(-1, 1)])
        delta = max(delta, -prev)
        st.fee_items = prev + delta
        m["s2.fee.items_prev"] = prev
        m["s2.fee.items_delta"] = delta
        m["s2.procurement.projects"] = rng.randint(0, 25)
        m["s2.procurement.amount"] = rng.randint(1, 900) * 1000 if m["s2.procurement.projects"] else 0
    return m


def s3_metrics(rows):
    m = {}
    for k, vals in rows.items():
        for c, v in zip(COLS, vals):
            m[f"s3.{k}.{c}"] = v
    return m


def fmt_num(v):
    if isinstance(v, float):
        s = f"{v:.2f}".rstrip("0").rstrip(".")
        return s if s else "0"
    return str(v)


# ---------------------------------------------------------------------------
# Checks R1, R2, R3, R5 on the expected metrics (None = not given)
# ---------------------------------------------------------------------------

def _check_statuses(g, template):
    """(rule, column) -> "pass" | "fail" | None (not checkable), with g(key) the values.
    A blank 三 总计 is derived from its row for R1/R2 when the six applicant cells are given."""
    sub_keys = [k for k in outcome_keys(template)]

    def ssum(vals):
        return None if any(v is None for v in vals) else sum(vals)

    def s3v(row, c):
        v = g(f"s3.{row}.{c}")
        if v is None and c == "total":
            return ssum([g(f"s3.{row}.{x}") for x in COLS[:6]])
        return v

    def st(a, b):
        return None if a is None or b is None else ("pass" if a == b else "fail")

    out = {}
    for c in COLS:  # R1
        out[("R1", c)] = st(ssum([s3v("new_received", c), s3v("carried_over", c)]),
                            ssum([s3v("total_processed", c), s3v("carried_forward", c)]))
    for c in COLS:  # R2
        out[("R2", c)] = st(ssum([s3v(k, c) for k in sub_keys]), s3v("total_processed", c))
    for k, _, _ in s3_rows(template):  # R3
        out[("R3", k)] = st(ssum([g(f"s3.{k}.{c}") for c in COLS[:6]]), g(f"s3.{k}.total"))
    for grp in ("review", "suit_direct", "suit_after_review"):  # R5
        out[("R5", grp)] = st(ssum([g(f"s4.{grp}.{n}") for n in ("upheld", "corrected", "other", "pending")]),
                              g(f"s4.{grp}.total"))
    return out


def failing_checks(metrics, template):
    """Failing R1/R2/R3/R5 checks. A check that lacks an operand is run again with the blank cells
    counted as 0 when the tables hold numbers (blanks_as_zero; a blank 三 总计 whose row has an
    applicant value stays blank, to be derived from its row)."""
    first = _check_statuses(metrics.get, template)
    filled = any(v is not None for v in metrics.values())
    zeroed = dict(metrics)
    for k, v in metrics.items():
        if v is not None or not filled:
            continue
        if k.startswith("s3.") and k.endswith(".total"):
            row = k[3:-len(".total")]
            if any(metrics.get(f"s3.{row}.{c}") is not None for c in COLS[:6]):
                continue
        zeroed[k] = 0
    second = _check_statuses(zeroed.get, template)
    return [{"rule": r, "column": c} for (r, c), v in first.items()
            if (v if v is not None else second[(r, c)]) == "fail"]


# ---------------------------------------------------------------------------
# Tables (grid with anchor cells)
# ---------------------------------------------------------------------------

class BrText(str):
    """Cell text whose '\n' is a line break inside one paragraph (w:br / text:line-break),
    not a paragraph break."""


class Table:
    def __init__(self, n_cols, widths):
        self.n_cols = n_cols
        self.widths = widths  # twips per grid column
        self.cells = []  # dicts row, col, row_span, col_span, text, br
        self.n_rows = 0
        self.header_rows = 0

    def add(self, row, col, text, rs=1, cs=1, br=False):
        br = br or isinstance(text, BrText)
        self.cells.append({"row": row, "col": col, "row_span": rs, "col_span": cs, "text": str(text), "br": br})
        self.n_rows = max(self.n_rows, row + rs)

    def sorted_cells(self):
        return sorted(self.cells, key=lambda c: (c["row"], c["col"]))

    def expected(self):
        return {
            "n_rows": self.n_rows,
            "n_cols": self.n_cols,
            "cells": [{k: c[k] for k in ("row", "col", "row_span", "col_span", "text")} for c in self.sorted_cells()],
        }

    def layout(self):
        """Per row: list of (kind, cell) with kind 'anchor' | 'vcont' (DOCX continuation,
        carrying the anchor) | 'covered' (one grid position hidden by a span)."""
        owner = {}
        for c in self.cells:
            for r in range(c["row"], c["row"] + c["row_span"]):
                for k in range(c["col"], c["col"] + c["col_span"]):
                    if (r, k) in owner:
                        raise ValueError(f"overlap at {(r, k)}")
                    owner[(r, k)] = c
        rows = []
        for r in range(self.n_rows):
            items = []
            for k in range(self.n_cols):
                c = owner.get((r, k))
                if c is None:
                    raise ValueError(f"hole at {(r, k)}")
                if c["row"] == r and c["col"] == k:
                    items.append(("anchor", c))
                elif c["col"] == k:
                    items.append(("vcont", c))
                else:
                    items.append(("covered", c))
            rows.append(items)
        return rows


def val(raw, key):
    return raw.get(key, "")


def build_s2_table(template, raw, lab):
    if template == "2021":
        t = Table(4, [2600, 2066, 2066, 2068])
        r = 0
        t.add(r, 0, lab("第二十条第（一）项"), cs=4); r += 1
        t.add(r, 0, lab("信息内容")); t.add(r, 1, lab("本年制发件数")); t.add(r, 2, lab("本年废止件数")); t.add(r, 3, lab("现行有效件数")); r += 1
        for key, label in (("regulation", "规章"), ("normative", "行政规范性文件")):
            t.add(r, 0, lab(label))
            for i, f in enumerate(("issued", "repealed", "in_force_or_total")):
                t.add(r, 1 + i, val(raw, f"s2.{key}.{f}"))
            r += 1
        for item, rowsdef, head in (("（五）", [("license", "行政许可")], "本年处理决定数量"),
                                    ("（六）", [("penalty", "行政处罚"), ("coercion", "行政强制")], "本年处理决定数量")):
            t.add(r, 0, lab(f"第二十条第{item}项"), cs=4); r += 1
            t.add(r, 0, lab("信息内容")); t.add(r, 1, lab(head), cs=3); r += 1
            for key, label in rowsdef:
                t.add(r, 0, lab(label)); t.add(r, 1, val(raw, f"s2.{key}.decisions"), cs=3); r += 1
        t.add(r, 0, lab("第二十条第（八）项"), cs=4); r += 1
        t.add(r, 0, lab("信息内容")); t.add(r, 1, lab("本年收费金额（单位：万元）"), cs=3); r += 1
        t.add(r, 0, lab("行政事业性收费")); t.add(r, 1, val(raw, "s2.fee.amount_wan_yuan"), cs=3); r += 1
        return t
    t = Table(5, [2600, 1550, 1050, 1050, 2550])
    r = 0
    t.add(r, 0, lab("第二十条第（一）项"), cs=5); r += 1
    t.add(r, 0, lab("信息内容")); t.add(r, 1, lab("本年新制作数量")); t.add(r, 2, lab("本年新公开数量"), cs=2); t.add(r, 4, lab("对外公开总数量")); r += 1
    for key, label in (("regulation", "规章"), ("normative", "规范性文件")):
        t.add(r, 0, lab(label)); t.add(r, 1, val(raw, f"s2.{key}.issued")); t.add(r, 2, val(raw, f"s2.{key}.published_new"), cs=2)
        t.add(r, 4, val(raw, f"s2.{key}.in_force_or_total")); r += 1
    for item, rowsdef in (("（五）", [("license", "行政许可"), ("other_service", "其他对外管理服务事项")]),
                          ("（六）", [("penalty", "行政处罚"), ("coercion", "行政强制")])):
        t.add(r, 0, lab(f"第二十条第{item}项"), cs=5); r += 1
        t.add(r, 0, lab("信息内容")); t.add(r, 1, lab("上一年项目数量")); t.add(r, 2, lab("本年增/减"), cs=2); t.add(r, 4, lab("处理决定数量")); r += 1
        for key, label in rowsdef:
            t.add(r, 0, lab(label)); t.add(r, 1, val(raw, f"s2.{key}.items_prev")); t.add(r, 2, val(raw, f"s2.{key}.items_delta"), cs=2)
            t.add(r, 4, val(raw, f"s2.{key}.decisions")); r += 1
    t.add(r, 0, lab("第二十条第（八）项"), cs=5); r += 1
    t.add(r, 0, lab("信息内容")); t.add(r, 1, lab("上一年项目数量"), cs=2); t.add(r, 3, lab("本年增/减"), cs=2); r += 1
    t.add(r, 0, lab("行政事业性收费")); t.add(r, 1, val(raw, "s2.fee.items_prev"), cs=2); t.add(r, 3, val(raw, "s2.fee.items_delta"), cs=2); r += 1
    t.add(r, 0, lab("第二十条第（九）项"), cs=5); r += 1
    t.add(r, 0, lab("信息内容")); t.add(r, 1, lab("采购项目数量"), cs=2); t.add(r, 3, lab("采购总金额"), cs=2); r += 1
    t.add(r, 0, lab("政府集中采购")); t.add(r, 1, val(raw, "s2.procurement.projects"), cs=2); t.add(r, 3, val(raw, "s2.procurement.amount"), cs=2); r += 1
    return t


def build_s3_table(template, raw, lab, split_labels=False):
    t = Table(10, [480, 700, 2300] + [760] * 7)
    t.header_rows = 3
    t.add(0, 0, lab(S3_H1), rs=3, cs=3)
    t.add(0, 3, lab("申请人情况"), cs=7)
    t.add(1, 3, lab("自然人"), rs=2)
    t.add(1, 4, lab("法人或其他组织"), cs=5)
    t.add(1, 9, lab("总计"), rs=2)
    for i, h in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        t.add(2, 4 + i, lab(h))
    rows = s3_rows(template)
    first = 3
    under3 = [i for i, (k, g, _) in enumerate(rows) if g is not None]
    if not split_labels:
        t.add(first + under3[0], 0, lab(S3_TOP), rs=len(under3))
    i = 0
    while i < len(rows):
        k, g, label = rows[i]
        r = first + i
        if g is None:
            t.add(r, 0, lab(label), cs=3)
        elif g == "":
            if split_labels:
                t.add(r, 0, lab(S3_TOP))
            t.add(r, 1, lab(label), cs=2)
        else:
            j = i
            while j < len(rows) and rows[j][1] == g:
                j += 1
            if split_labels:
                for q in range(i, j):
                    t.add(first + q, 0, lab(S3_TOP))
                    t.add(first + q, 1, lab(g))
            else:
                t.add(r, 1, lab(g), rs=j - i)
            for q in range(i, j):
                t.add(first + q, 2, lab(rows[q][2]))
                for ci, c in enumerate(COLS):
                    t.add(first + q, 3 + ci, val(raw, f"s3.{rows[q][0]}.{c}"))
            i = j
            continue
        for ci, c in enumerate(COLS):
            t.add(r, 3 + ci, val(raw, f"s3.{k}.{c}"))
        i += 1
    return t


def build_s4_table(raw, lab, br_labels=False):
    t = Table(15, [586] * 15)
    t.header_rows = 3
    t.add(0, 0, lab("行政复议"), cs=5)
    t.add(0, 5, lab("行政诉讼"), cs=10)
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

    def hl(h):
        if br_labels and h != "总计":
            return lab(h[:2] + "\n" + h[2:])
        return lab(h)

    for i, h in enumerate(heads):
        t.add(1, i, hl(h), rs=2, br=br_labels)
    t.add(1, 5, lab("未经复议直接起诉"), cs=5)
    t.add(1, 10, lab("复议后起诉"), cs=5)
    for g in range(2):
        for i, h in enumerate(heads):
            t.add(2, 5 + 5 * g + i, hl(h), br=br_labels)
    names = ["upheld", "corrected", "other", "pending", "total"]
    for gi, grp in enumerate(("review", "suit_direct", "suit_after_review")):
        for i, n in enumerate(names):
            t.add(3, 5 * gi + i, val(raw, f"s4.{grp}.{n}"))
    return t


# ---------------------------------------------------------------------------
# Prose
# ---------------------------------------------------------------------------

P_ACTIVE = [
    "{Y}年，{we}严格落实《条例》要求，坚持“以公开为常态、不公开为例外”原则，全年通过政府网站主动公开政府信息{n_pub}条，其中政策文件{n_doc}条，工作动态{n_news}条。",
    "围绕中心工作，及时发布通知公告和政策解读，坚持政策文件与解读材料同步起草、同步审签、同步发布，全年发布政策解读{n_jd}篇，其中图文解读{n_tw}篇。",
    "持续做好财政预决算、“三公”经费等重点领域信息公开，部门预决算及时公开率达到100%。",
    "加强政务新媒体建设，通过政务微信公众号发布信息{n_wx}条，进一步拓宽信息公开渠道。",
    "按照主动公开基本目录要求，动态更新机构职能、领导分工、权责清单等基础信息，确保信息准确、完整、及时。",
    "全年制发行政规范性文件{n_norm}件，均按要求在政府信息公开平台公开，并同步做好文件解读。",
]
P_REQUEST = [
    "{Y}年，{we}共新收政府信息公开申请{new}件，上年结转{car}件，均在法定期限内予以答复，按时答复率100%。",
    "进一步规范依申请公开办理流程，严格落实登记、审核、办理、答复、归档等环节要求，做到依法依规、规范高效。",
    "对申请内容不明确的，及时与申请人沟通，一次性告知需要补正的事项；对涉及第三方合法权益的，依法书面征求第三方意见。",
    "完善依申请公开答复文书模板，规范答复格式和告知内容，切实保障申请人合法权益。",
]
P_MANAGE = [
    "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，明确审查主体和审查程序，全年未发生泄密事件。",
    "开展行政规范性文件清理工作，对现行有效的规范性文件进行全面梳理，及时公布清理结果。",
    "规范信息发布流程，实行信息公开“三审三校”制度，确保发布信息内容准确、格式规范。",
    "加强政府信息公开属性源头认定，公文在拟制环节明确公开属性，提升信息管理规范化水平。",
]
P_PLATFORM = [
    "充分发挥政府门户网站信息公开第一平台作用，优化完善政府信息公开专栏，及时调整栏目设置，方便群众查阅。",
    "加强政务新媒体规范管理，每季度开展一次自查，及时整改错别字、链接失效等问题。",
    "依托政务服务大厅设置政府信息公开查阅点，配备电脑查询终端，为群众提供便捷的查阅服务。",
    "全年对信息公开专栏进行常态化巡查{n_xc}次，发现并整改问题{n_zg}个。",
]
P_SUPERVISE = [
    "成立以主要负责同志为组长的政务公开工作领导小组，明确分管领导和具体工作人员，形成主要领导亲自抓、分管领导具体抓、业务科室协同配合的工作格局。",
    "将政务公开工作纳入年度目标考核，定期开展督促检查，对发现的问题及时通报整改。",
    "组织开展政务公开专题培训{n_tr}次，参训人员{n_trp}人次，不断提升工作人员业务能力。",
    "{Y}年，{we}未发生因政府信息公开工作被责任追究的情况。",
]
P_PROBLEMS = [
    "信息公开的及时性和全面性还有待加强，个别栏目更新不够及时。",
    "政策解读形式较为单一，图解、视频等多样化解读形式运用不足。",
    "工作人员业务水平有待进一步提高，对《条例》的理解和把握还不够深入。",
    "依申请公开办理的规范化水平仍需提升，答复文书格式有待进一步统一。",
]
P_MEASURES = [
    "加强统筹协调，进一步明确各科室信息公开职责，做到信息发布及时、准确、全面。",
    "丰富解读形式，综合运用图片图表、音频视频等多种形式，提高政策解读的可读性。",
    "加强业务培训，定期组织工作人员学习政府信息公开相关法规政策，提升业务能力。",
    "规范依申请公开办理工作，完善办理流程和答复模板，不断提升依申请公开工作质量。",
]
PAD_OPEN = ["一年来，", "与此同时，", "在此基础上，", "按照上级部署，", "对照年度工作要点，", "围绕群众关切，",
            "结合部门职责，", "为进一步提升公开质效，", "在日常工作中，", "针对年初排查发现的问题，", "根据考核评估意见，",
            "聚焦重点领域，", "坚持问题导向，", "在疫情防控常态化背景下，", "结合优化营商环境工作，"]
PAD_ACT = ["{we}进一步加强", "{we}持续深化", "{we}认真落实", "{we}扎实推进", "{we}全面规范", "{we}统筹推进",
           "{we}积极探索", "{we}不断完善", "{we}着力抓好", "{we}主动做好", "{we}切实强化", "{we}稳步推进"]
PAD_OBJ = ["政策文件解读工作", "重点领域信息公开", "政务公开标准目录编制", "政府网站内容保障", "政务新媒体运维管理",
           "依申请公开答复规范化建设", "行政执法公示制度落实", "财政资金信息公开", "民生实事项目信息发布",
           "基层政务公开标准化规范化建设", "政策咨询和回应关切", "政府开放日活动组织", "公开属性源头认定",
           "信息发布保密审查", "政务服务事项办事指南更新", "“双随机、一公开”监管信息发布", "公共资源配置信息公开",
           "重大建设项目批准和实施信息公开", "社会公益事业建设信息公开", "惠民惠农补贴政策公开"]
PAD_DETAIL = ["，全年累计发布相关信息{r1}条", "，共梳理事项{r1}项", "，召开专题会议{r2}次", "，印发工作方案{r2}份",
              "，开展督导检查{r2}次", "，更新办事指南{r1}项", "，回应群众关切{r1}次", "，整改各类问题{r2}个", ""]
PAD_END = ["，取得了明显成效。", "，推动政务公开工作提质增效。", "，群众满意度不断提升。", "，工作规范化水平进一步提高。",
           "，切实保障了人民群众的知情权、参与权、表达权和监督权。", "，为经济社会高质量发展提供了有力支撑。",
           "，确保各项工作要求落到实处。", "，形成了可复制、可推广的经验做法。"]


PAD_MEET = ["政务公开工作推进会", "党组会议", "局务会议", "专题培训会", "工作部署会", "业务座谈会", "政府开放日活动",
            "政策解读发布会", "信息公开工作例会", "网站与政务新媒体工作会议"]
PAD_WHO = ["各科室负责人", "全体干部职工", "班子成员及各股室负责同志", "各镇街信息公开工作人员", "二级单位分管领导",
           "群众代表和人大代表", "新闻媒体记者", "信息员及网站编辑"]
PAD_WHAT = ["传达学习了上级政务公开工作要点", "研究部署了年度信息公开重点任务", "通报了网站和新媒体检查情况",
            "解读了《政府信息公开信息处理费管理办法》", "听取了各科室信息公开工作情况汇报", "就依申请公开答复规范进行了专题辅导",
            "围绕群众关心的热点问题进行了现场答疑", "明确了政策解读的责任分工和时限要求"]
PAD_DOC = ["政务公开工作要点", "政府信息公开保密审查办法", "依申请公开办理工作规程", "政策解读工作实施细则",
           "政务新媒体管理办法", "信息发布审核制度", "主动公开基本目录", "政务公开考核评估办法", "行政执法公示实施方案"]
PAD_ABBR = ["办发", "财发", "政办发", "字", "办字", "发", "综发"]


def pad_event(rng, we, year):
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    k = rng.random()
    if k < 0.5:
        return (f"{m}月{d}日，{we}组织召开{rng.choice(PAD_MEET)}，{rng.choice(PAD_WHO)}共{rng.randint(8, 160)}人参加，"
                f"会议{rng.choice(PAD_WHAT)}。")
    return (f"{m}月{d}日，印发《{rng.choice(['关于印发', '关于进一步规范', '关于做好'])}{rng.choice(PAD_DOC)}的通知》"
            f"（{rng.choice(PAD_ABBR)}〔{year}〕{rng.randint(1, 160)}号），明确了{rng.randint(3, 25)}项具体措施。")


def pad_para(rng, we, year):
    out = []
    for _ in range(rng.randint(3, 6)):
        out.append(pad_event(rng, we, year) if rng.random() < 0.4 else pad_sentence(rng, we))
    return "".join(out)


_PAD_POOL = []


def pad_pool_para(rng, we, year):
    """A padding paragraph drawn from a pool built once (fast path for bench mode)."""
    if not _PAD_POOL:
        prng = random.Random(7)
        for _ in range(4000):
            _PAD_POOL.append(pad_para(prng, "\x01", 9999).replace("9999", "\x02"))
    return _PAD_POOL[rng.randrange(len(_PAD_POOL))].replace("\x01", we).replace("\x02", str(year))


def pad_sentence(rng, we):
    return (rng.choice(PAD_OPEN) + rng.choice(PAD_ACT).format(we=we) + rng.choice(PAD_OBJ)
            + rng.choice(PAD_DETAIL).format(r1=rng.randint(3, 480), r2=rng.randint(2, 36)) + rng.choice(PAD_END))


def pick(rng, bank, n, **kw):
    sel = rng.sample(bank, min(n, len(bank)))
    order = sorted(sel, key=bank.index)
    return "".join(s.format(**kw) for s in order)


# ---------------------------------------------------------------------------
# Report model
# ---------------------------------------------------------------------------

class Report:
    def __init__(self, stem, agency, agency_as_written, year, template, heading_style):
        self.stem = stem
        self.agency = agency
        self.agency_as_written = agency_as_written
        self.year = year
        self.template = template
        self.heading_style = heading_style  # style | numbering | bold | plain
        self.blocks = []
        self.title_lines = []
        self.headings = []
        self.tables = []
        self.period = None
        self.fee = None
        self.metrics = {}
        self.variants = []
        self.failing = []
        self.extra = {}
        self.h_counters = [0, 0]
        self.creator = "Administrator"
        self.created = f"{year + 1}-01-15T08:30:00Z"
        self.seal = None
        self.odt_repeat_cols = False  # ODT table-column runs with number-columns-repeated
        self.odt_repeat_covered = False  # ODT adjacent covered cells as one repeated element
        self.vmerge_explicit = False  # DOCX continuation written w:val="continue"
        self.office_markup = False  # write the parts and markup of Word/WPS/LibreOffice (bench)

    def title(self, *lines):
        self.title_lines = list(lines)
        for ln in lines:
            self.blocks.append(("title", ln))

    def h(self, level, text, number=None):
        if number is None:
            if level == 1:
                self.h_counters[0] += 1
                self.h_counters[1] = 0
                number = CN[self.h_counters[0] - 1] + "、"
            else:
                self.h_counters[1] += 1
                number = "（" + CN[self.h_counters[1] - 1] + "）"
        self.blocks.append(("h", level, number, text))
        self.headings.append([level, number + text])

    def p(self, text, kind="body"):
        self.blocks.append((kind, text))

    def table(self, t: Table):
        self.blocks.append(("table", t))
        self.tables.append(t)

    def text_chars(self):
        """Characters of text in the report: title, headings as displayed, paragraphs
        and table cells (line breaks not counted)."""
        n = 0
        for b in self.blocks:
            if b[0] == "table":
                n += sum(len(c["text"]) - c["text"].count("\n") for c in b[1].cells)
            elif b[0] == "h":
                n += len(b[2]) + len(b[3])
            elif b[0] != "image":
                n += len(b[1])
        return n

    def expected(self, fmt):
        return {
            "file": f"{self.stem}.{fmt}",
            "format": fmt,
            "agency": self.agency,
            "agency_as_written": self.agency_as_written,
            "year": self.year,
            "template": self.template,
            "template_inferred": not self.tables,
            "period": self.period,
            "fee": self.fee,
            "title": "".join(self.title_lines),
            "headings": self.headings,
            "heading_style": self.heading_style,
            "tables": [t.expected() for t in self.tables],
            "metrics": self.metrics,
            "failing_checks": self.failing,
            "variant": self.variants,
            "seal_image": self.seal is not None,
            "footers": [FOOTER_TEXT],
            **self.extra,
        }


# ---------------------------------------------------------------------------
# Building a standard report
# ---------------------------------------------------------------------------

PERIOD_FORMS = [
    "本报告中所列数据的统计期限自{Y}年1月1日起至{Y}年12月31日止。",
    "本报告所列数据的统计期限为{Y}年1月1日至{Y}年12月31日。",
    "报告中所列数据统计期限从{Y}年1月1日到12月31日止。",
    "数据统计时限为{Y}年1月1日至{Y}年12月31日。",
]


class Spec:
    """Options of one generated report."""

    def __init__(self, **kw):
        self.stem = kw["stem"]
        self.agency = kw["agency"]
        self.year = kw["year"]
        self.heading_style = kw.get("heading_style", "style")
        self.title_form = kw.get("title_form", "normal")  # normal | year_first | two_lines | trad
        self.we = kw.get("we", "本机关")
        self.period_form = kw.get("period_form", 0)
        self.intro_in_preamble = kw.get("intro_in_preamble", True)
        self.s5_title = kw.get("s5_title", "存在的主要问题及改进情况")
        self.s5_style = kw.get("s5_style", "sub")  # sub | list
        self.s6_style = kw.get("s6_style", "plain")  # plain | sub
        self.sign_date = kw.get("sign_date", f"{self.year + 1}年1月16日")
        self.site = kw.get("site", "政府门户网站")
        self.pad = kw.get("pad", 0)  # extra prose paragraphs (bench)
        self.seal = kw.get("seal")  # index of a seal image before the signature, or None
        self.variants = list(kw.get("variants", []))


def template_of(year):
    return "2019" if year <= 2020 else "2021"


def label_fn(trad=False, halfwidth=False, item_sep=None, fullwidth_digits=False, overrides=None):
    overrides = overrides or {}

    def lab(s):
        if s in overrides:
            return overrides[s]
        out = s
        if item_sep is not None:
            out = re.sub(r"^(\d)\.", lambda m: m.group(1) + item_sep, out)
        if fullwidth_digits:
            out = re.sub(r"^(\d)\.", lambda m: chr(0xFF10 + int(m.group(1))) + "．", out)
        if halfwidth:
            out = out.replace("（", "(").replace("）", ")").replace("：", ":").replace("“", '"').replace("”", '"')
        if trad:
            out = to_trad(out)
        return out

    return lab


def build_report(spec: Spec, values: dict, raw_over: dict, table_opts: dict, rng: random.Random) -> Report:
    """values: true generated metrics; raw_over: cell text overrides (key -> raw)."""
    year, template = spec.year, template_of(spec.year)
    agency = spec.agency
    written = agency
    if spec.title_form == "trad":
        written = to_trad(agency)
    r = Report(spec.stem, agency, written, year, template, spec.heading_style)
    r.variants = spec.variants
    we = spec.we
    if spec.title_form == "year_first":
        r.title(f"{year}年{agency}政府信息公开工作年度报告")
    elif spec.title_form == "two_lines":
        r.title(agency, f"{year}年政府信息公开工作年度报告")
    elif spec.title_form == "trad":
        r.title(to_trad(f"{agency}{year}年政府信息公开工作年度报告"))
    else:
        r.title(f"{agency}{year}年政府信息公开工作年度报告")

    notice = ("《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
              if template == "2021" else
              "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）")
    period = PERIOD_FORMS[spec.period_form % len(PERIOD_FORMS)].format(Y=year)
    intro = (f"本报告由{agency}根据《中华人民共和国政府信息公开条例》和{notice}要求编制。"
             f"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、"
             f"存在的主要问题及改进情况、其他需要报告的事项。{period}"
             f"本报告电子版可在{spec.site}查阅或下载。如对本报告有疑问，请与{agency}联系。")
    r.period = {"start": f"{year}-01-01", "end": f"{year}-12-31", "full_year": True}
    if spec.intro_in_preamble:
        r.p(intro)

    # raw cell texts
    raw = {k: fmt_num(v) for k, v in values.items()}
    raw.update(raw_over)
    keys = CATALOG_KEYS[template]
    metrics = {}
    for k in keys:
        if k.startswith("s3.other.total.") and template == "2021":
            c = k.rsplit(".", 1)[-1]
            parts = [parse_raw(raw[f"s3.other.{s}.{c}"]) for s in ("no_correction", "no_fee", "misc")]
            metrics[k] = None if any(p is None for p in parts) else sum(parts)
        else:
            metrics[k] = parse_raw(raw[k])
    r.metrics = metrics
    r.failing = failing_checks(metrics, template)

    v = values
    np_new = v["s3.new_received.natural_person"]
    nums = dict(
        Y=year, we=we, new=v["s3.new_received.total"], car=v["s3.carried_over.total"],
        n_pub=rng.randint(80, 1500), n_doc=rng.randint(5, 80), n_news=rng.randint(30, 600),
        n_jd=rng.randint(2, 30), n_tw=rng.randint(1, 10), n_wx=rng.randint(50, 900),
        n_norm=v.get("s2.normative.issued", 0), n_xc=rng.randint(4, 52), n_zg=rng.randint(0, 20),
        n_tr=rng.randint(1, 6), n_trp=rng.randint(20, 300),
    )

    # 一
    r.h(1, "总体情况")
    if not spec.intro_in_preamble:
        r.p(intro)
    r.p(f"{year}年，{we}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于政务公开工作的部署要求，"
        f"紧紧围绕中心工作，持续深化政务公开，不断提升政府工作透明度，现将有关情况报告如下。")
    themes = [("主动公开", P_ACTIVE, 3), ("依申请公开", P_REQUEST, 2), ("政府信息管理", P_MANAGE, 2),
              ("政府信息公开平台建设", P_PLATFORM, 2), ("监督保障", P_SUPERVISE, 2)]
    for i, (name, bank, n) in enumerate(themes):
        r.h(2, name)
        r.p(pick(rng, bank, n + 1, **nums))
        if name == "依申请公开":
            org = v["s3.new_received.total"] - np_new
            r.p(f"从申请主体看，自然人申请{np_new}件，法人或其他组织申请{org}件。"
                f"从办理结果看，予以公开{v['s3.granted.total']}件，部分公开{v['s3.partial.total']}件，"
                f"本机关不掌握相关政府信息{v['s3.unable.not_held.total']}件。")
        for _ in range(spec.pad // 5):
            r.p(pad_pool_para(rng, we, year), "pad")

    # 二
    r.h(1, "主动公开政府信息情况")
    if rng.random() < 0.6:
        r.p(f"{year}年，{we}主动公开政府信息情况如下：")
    lab2 = table_opts.get("s2_label", label_fn())
    r.table(build_s2_table(template, raw, lab2))

    # 三
    r.h(1, "收到和处理政府信息公开申请情况")
    d = sum(v[f"s3.{k}.total"] for k in outcome_keys(template) if k.startswith("denied."))
    u = sum(v[f"s3.{k}.total"] for k in outcome_keys(template) if k.startswith("unable."))
    n = sum(v[f"s3.{k}.total"] for k in outcome_keys(template) if k.startswith("not_processed."))
    o = sum(v[f"s3.{k}.total"] for k in outcome_keys(template) if k.startswith("other."))
    r.p(f"{year}年，{we}共新收政府信息公开申请{v['s3.new_received.total']}件，上年结转{v['s3.carried_over.total']}件。"
        f"全年办结{v['s3.total_processed.total']}件，其中予以公开{v['s3.granted.total']}件，部分公开{v['s3.partial.total']}件，"
        f"不予公开{d}件，无法提供{u}件，不予处理{n}件，其他处理{o}件；结转下年度继续办理{v['s3.carried_forward.total']}件。")
    lab3 = table_opts.get("s3_label", label_fn())
    r.table(build_s3_table(template, raw, lab3, split_labels=table_opts.get("split_labels", False)))

    # 四
    r.h(1, "政府信息公开行政复议、行政诉讼情况")
    rv, sd, sa = v["s4.review.total"], v["s4.suit_direct.total"], v["s4.suit_after_review.total"]
    if rv + sd + sa == 0:
        r.p(f"{year}年，{we}未发生因政府信息公开工作引起的行政复议、行政诉讼案件。")
    else:
        r.p(f"{year}年，{we}共发生政府信息公开行政复议案件{rv}件，行政诉讼案件{sd + sa}件，具体情况如下：")
    r.table(build_s4_table(raw, table_opts.get("s4_label", label_fn()), br_labels=table_opts.get("s4_br", False)))

    # 五
    r.h(1, spec.s5_title)
    probs = rng.sample(P_PROBLEMS, 2)
    meas = rng.sample(P_MEASURES, 3)
    if spec.s5_style == "sub":
        r.h(2, "存在的主要问题")
        r.p(f"{year}年，{we}政府信息公开工作取得了一定成效，但也存在一些不足：一是{probs[0]}二是{probs[1]}")
        r.h(2, "改进情况")
        r.p(f"{year + 1}年，{we}将重点做好以下工作：一是{meas[0]}二是{meas[1]}三是{meas[2]}")
    else:
        r.p(f"{year}年，{we}政府信息公开工作取得了一定成效，但也存在一些不足，主要表现在：")
        for i, s in enumerate(probs):
            r.p(f"{CN[i]}是{s}")
        r.p("针对上述问题，下一步将采取以下改进措施：")
        for i, s in enumerate(meas):
            r.p(f"{CN[i]}是{s}")
    for _ in range(spec.pad - 5 * (spec.pad // 5)):
        r.p(pad_pool_para(rng, we, year), "pad")

    # 六
    r.h(1, "其他需要报告的事项")
    fee = table_opts.get("fee")  # (cases, amount) or None
    if fee:
        fee_s = f"{year}年有{fee[0]}件政府信息公开申请案件收取信息处理费共计{fee[1]}元。"
        r.fee = {"collected": True, "amount_yuan": fee[1], "cases": fee[0]}
    else:
        fee_s = (f"{year}年本机关未收取信息处理费。" if template == "2021"
                 else f"{year}年，{we}依申请公开政府信息未收取任何费用。")
        r.fee = {"collected": False, "amount_yuan": 0, "cases": 0}
    if spec.s6_style == "sub":
        r.h(2, "信息处理费收取情况")
        r.p(fee_s)
        r.h(2, "人大代表建议和政协提案办理结果公开情况")
        r.p(f"{year}年，{we}共承办人大代表建议{rng.randint(1, 30)}件、政协提案{rng.randint(1, 30)}件，均已按期办结，"
            f"办理结果已按规定在政府门户网站公开。")
        r.h(2, "政务公开工作创新情况")
        r.p(f"{year}年，{we}积极推进基层政务公开标准化规范化建设，探索开展“政府开放日”活动，邀请群众代表走进机关，"
            f"面对面听取意见建议，增进社会各界对政府工作的了解和支持。")
    else:
        r.p(fee_s)
        r.p("无其他需要报告的事项。")
    if spec.seal is not None:
        r.blocks.append(("image", spec.seal))
        r.seal = spec.seal
    r.p(agency, "sign")
    r.p(spec.sign_date, "sign")
    return r


# ---------------------------------------------------------------------------
# Seal image (a scanned-looking red stamp, PNG built with zlib)
# ---------------------------------------------------------------------------

_SEALS = {}


def seal_png(idx: int) -> bytes:
    """Deterministic RGBA PNG of a red official seal with scan noise (about 10-20 KB)."""
    if idx in _SEALS:
        return _SEALS[idx]
    import math
    import struct
    size = 180 + 20 * (idx % 3)
    rng = random.Random(1000 + idx)
    cx = cy = size / 2
    r_out, r_in = size / 2 - 4, size / 2 - 14
    raw = bytearray()
    for y in range(size):
        raw.append(0)
        for x in range(size):
            d = math.hypot(x - cx, y - cy)
            ang = math.atan2(y - cy, x - cx)
            star = d < size * 0.16 and (d < size * 0.16 * (0.55 + 0.45 * abs(math.cos(2.5 * ang))))
            ring = r_in <= d <= r_out
            text = size * 0.24 < d < r_in - 6 and (int((ang + math.pi) * 9) % 2 == 0) and rng.random() < 0.7
            if ring or star or text:
                raw += bytes((220, 30, 36, rng.choice((170, 200, 230, 255, 255, 255))))
            else:
                raw += bytes((255, 255, 255, 0)) if rng.random() < 0.995 else bytes((220, 30, 36, 40))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))
    _SEALS[idx] = png
    return png


# ---------------------------------------------------------------------------
# DOCX writer
# ---------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"


def docx_run(text, bold=False, size=None):
    rpr = ""
    if bold or size:
        rpr = "<w:rPr>" + ("<w:b/><w:bCs/>" if bold else "") + (f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size else "") + "</w:rPr>"
    parts = text.split("\n")
    inner = '<w:br/>'.join(f'<w:t xml:space="preserve">{esc(s)}</w:t>' for s in parts)
    return f"<w:r>{rpr}{inner}</w:r>"


_DIGITS = re.compile(r"(\d+)")
_TNR = '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr>'
_DOCX_DIGIT_RUN = r'</w:t></w:r><w:r>' + _TNR + r'<w:t xml:space="preserve">\1</w:t></w:r><w:r><w:t xml:space="preserve">'
_EMPTY_RUN = '<w:r><w:t xml:space="preserve"></w:t></w:r>'
_ODT_DIGIT_SPAN = r'<text:span text:style-name="T1">\1</text:span>'


def docx_body_para(text, ppr):
    """Body paragraph the way Word writes it: digits in their own runs (Times New Roman)."""
    body = _DIGITS.sub(_DOCX_DIGIT_RUN, esc(text))
    runs = ('<w:r><w:t xml:space="preserve">' + body + "</w:t></w:r>").replace(_EMPTY_RUN, "")
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def docx_para(text, ppr="", bold=False, size=None):
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{docx_run(text, bold, size)}</w:p>"


def docx_table(t: Table, vmerge_explicit=False):
    o = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
         '<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
         '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
         '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>'
         '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    o.extend(f'<w:gridCol w:w="{w}"/>' for w in t.widths)
    o.append("</w:tblGrid>")
    for ri, items in enumerate(t.layout()):
        o.append("<w:tr>")
        if ri < t.header_rows:
            o.append("<w:trPr><w:tblHeader/></w:trPr>")
        for kind, c in items:
            if kind == "covered":
                continue
            w = sum(t.widths[c["col"]:c["col"] + c["col_span"]])
            pr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
            if c["col_span"] > 1:
                pr += f'<w:gridSpan w:val="{c["col_span"]}"/>'
            if kind == "vcont":
                pr += '<w:vMerge w:val="continue"/>' if vmerge_explicit else "<w:vMerge/>"
            elif c["row_span"] > 1:
                pr += '<w:vMerge w:val="restart"/>'
            pr += '<w:vAlign w:val="center"/>'
            o.append(f"<w:tc><w:tcPr>{pr}</w:tcPr>")
            if kind == "vcont":
                o.append('<w:p><w:pPr><w:jc w:val="center"/></w:pPr></w:p>')
            else:
                if c["br"]:
                    o.append(docx_para(c["text"], '<w:jc w:val="center"/>'))
                else:
                    for line in c["text"].split("\n"):
                        o.append(docx_para(line, '<w:jc w:val="center"/>'))
            o.append("</w:tc>")
        o.append("</w:tr>")
    o.append("</w:tbl>")
    return "".join(o)


def docx_document(r: Report):
    o = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:pic="{PIC_NS}"><w:body>']
    for b in r.blocks:
        kind = b[0]
        if kind == "title":
            o.append(docx_para(b[1], '<w:spacing w:after="120"/><w:jc w:val="center"/>', bold=True, size=44))
        elif kind == "title_h1":
            o.append(docx_para(b[1], '<w:pStyle w:val="Heading1"/><w:jc w:val="center"/>', bold=True, size=44))
        elif kind == "h":
            _, level, number, text = b
            if r.heading_style == "style":
                o.append(docx_para(number + text, f'<w:pStyle w:val="Heading{level}"/>'))
            elif r.heading_style == "numbering":
                o.append(docx_para(text, f'<w:pStyle w:val="Heading{level}"/><w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr>'))
            elif r.heading_style == "bold":
                o.append(docx_para(number + text, '<w:ind w:firstLineChars="200" w:firstLine="640"/>', bold=True))
            else:
                o.append(docx_para(number + text))
        elif kind == "body":
            o.append(docx_body_para(b[1], '<w:ind w:firstLineChars="200" w:firstLine="640"/>'))
        elif kind == "pad":
            o.append(docx_para(b[1], '<w:ind w:firstLineChars="200" w:firstLine="640"/>'))
        elif kind == "plain":
            o.append(docx_para(b[1]))
        elif kind == "sign":
            o.append(docx_para(b[1], '<w:jc w:val="right"/>'))
        elif kind == "table":
            o.append(docx_table(b[1], r.vmerge_explicit))
            o.append("<w:p/>")
        elif kind == "image":
            emu = 1440000
            o.append('<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
                     f'<wp:extent cx="{emu}" cy="{emu}"/><wp:docPr id="1" name="图片 1"/>'
                     '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                     '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                     '<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="seal.png"/><pic:cNvPicPr/></pic:nvPicPr>'
                     '<pic:blipFill><a:blip r:embed="rId10"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                     f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="{emu}"/></a:xfrm>'
                     '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
                     '</wp:inline></w:drawing></w:r></w:p>')
    o.append('<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>')
    o.append('<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
             'w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>')
    o.append("</w:body></w:document>")
    return "".join(o)


DOCX_STYLES = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:link w:val="Heading1Char"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:kern w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:link w:val="Heading2Char"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style><w:style w:type="character" w:customStyle="1" w:styleId="Heading1Char"><w:name w:val="标题 1 字符"/><w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Heading1"/><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style><w:style w:type="character" w:customStyle="1" w:styleId="Heading2Char"><w:name w:val="标题 2 字符"/><w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Heading2"/><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style><w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style></w:styles>'''

DOCX_NUMBERING = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'''

DOCX_CT = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'''

DOCX_RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'''

DOCX_DOC_RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>'''

DOCX_FOOTER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
               '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>'
               '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT </w:instrText></w:r>'
               '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
               '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r>'
               '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
               '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>')
FOOTER_TEXT = "— 1 —"

DOCX_SETTINGS = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:drawingGridVerticalSpacing w:val="156"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'''


def docx_core(r: Report):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{esc("".join(r.title_lines))}</dc:title><dc:creator>{esc(r.creator)}</dc:creator>'
            f'<cp:lastModifiedBy>{esc(r.creator)}</cp:lastModifiedBy><cp:revision>3</cp:revision>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{r.created}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{r.created}</dcterms:modified></cp:coreProperties>')


def docx_app(r: Report):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            '<Template>Normal.dotm</Template><TotalTime>12</TotalTime><Pages>6</Pages><Application>Microsoft Office Word</Application>'
            '<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company></Company><LinksUpToDate>false</LinksUpToDate>'
            '<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>')


def zip_bytes(members, level=6):
    """members: list of (name, bytes, stored?)."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, stored in members:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.create_system = 0
            zi.external_attr = 0
            zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(zi, data, compresslevel=None if stored else level)
    return buf.getvalue()


def write_docx(r: Report, level=6) -> bytes:
    if r.office_markup:
        return write_docx_office(r, level)
    ct, rels, media = DOCX_CT, DOCX_DOC_RELS, []
    if r.seal is not None:
        ct = ct.replace('<Default Extension="xml"', '<Default Extension="png" ContentType="image/png"/><Default Extension="xml"')
        rels = rels.replace("</Relationships>", '<Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>')
        media = [("word/media/image1.png", seal_png(r.seal), True)]
    return zip_bytes([
        ("[Content_Types].xml", ct.encode(), False),
        ("_rels/.rels", DOCX_RELS.encode(), False),
        ("word/document.xml", docx_document(r).encode(), False),
        ("word/_rels/document.xml.rels", rels.encode(), False),
        ("word/styles.xml", DOCX_STYLES.encode(), False),
        ("word/numbering.xml", DOCX_NUMBERING.encode(), False),
        ("word/settings.xml", DOCX_SETTINGS.encode(), False),
        ("word/footer1.xml", DOCX_FOOTER.encode(), False),
        ("docProps/core.xml", docx_core(r).encode(), False),
        ("docProps/app.xml", docx_app(r).encode(), False),
    ] + media, level)


# ---------------------------------------------------------------------------
# ODT writer
# ---------------------------------------------------------------------------

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:xlink="http://www.w3.org/1999/xlink" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"')

ODT_FONTS = ('<office:font-face-decls><style:font-face style:name="Times New Roman" svg:font-family="&apos;Times New Roman&apos;" '
             'style:font-family-generic="roman"/><style:font-face style:name="仿宋_GB2312" svg:font-family="仿宋_GB2312" '
             'style:font-family-generic="system"/><style:font-face style:name="黑体" svg:font-family="黑体" '
             'style:font-family-generic="system"/></office:font-face-decls>')


def odt_text(s):
    """Escape text for ODF; '\n' becomes text:line-break; runs of spaces use text:s."""
    out = []
    for i, line in enumerate(s.split("\n")):
        if i:
            out.append("<text:line-break/>")
        e = esc(line)
        e = re.sub(r"  +", lambda m: " " + f'<text:s text:c="{len(m.group(0)) - 1}"/>', e)
        if e.startswith(" "):
            e = "<text:s/>" + e[1:]
        out.append(e)
    return "".join(out)


def cm(twips):
    return f"{twips / 567:.3f}cm"


def odt_table(t: Table, idx, repeat_cols=False, repeat_covered=False):
    """repeat_cols / repeat_covered: write runs of equal columns / adjacent covered cells
    as one element with table:number-columns-repeated, as LibreOffice does."""
    name = f"Table{idx}"
    o = [f'<table:table table:name="表格{idx}" table:style-name="{name}">']
    ci = 0
    while ci < t.n_cols:
        n = 1
        while repeat_cols and ci + n < t.n_cols and t.widths[ci + n] == t.widths[ci]:
            n += 1
        rp = f' table:number-columns-repeated="{n}"' if n > 1 else ""
        o.append(f'<table:table-column table:style-name="{name}.C{ci}"{rp}/>')
        ci += n
    layout = t.layout()
    for ri, items in enumerate(layout):
        if ri == 0 and t.header_rows:
            o.append("<table:table-header-rows>")
        o.append("<table:table-row>")
        run = 0
        for pos, (kind, c) in enumerate(items):
            if kind != "anchor":
                run += 1
                if not repeat_covered or pos + 1 == len(items) or items[pos + 1][0] == "anchor":
                    if repeat_covered and run > 1:
                        o.append(f'<table:covered-table-cell table:number-columns-repeated="{run}"/>')
                    else:
                        o.extend(["<table:covered-table-cell/>"] * run)
                    run = 0
                continue
            attrs = f' table:style-name="{name}.Cell" office:value-type="string"'
            if c["col_span"] > 1:
                attrs += f' table:number-columns-spanned="{c["col_span"]}"'
            if c["row_span"] > 1:
                attrs += f' table:number-rows-spanned="{c["row_span"]}"'
            o.append(f"<table:table-cell{attrs}>")
            if c["br"]:
                o.append(f'<text:p text:style-name="PCell">{odt_text(c["text"])}</text:p>')
            else:
                for line in c["text"].split("\n"):
                    o.append(f'<text:p text:style-name="PCell">{odt_text(line)}</text:p>')
            o.append("</table:table-cell>")
        o.append("</table:table-row>")
        if t.header_rows and ri == t.header_rows - 1:
            o.append("</table:table-header-rows>")
    o.append("</table:table>")
    return "".join(o)


def odt_content(r: Report):
    auto = ['<style:style style:name="PTitle" style:family="paragraph" style:parent-style-name="Standard">'
            '<style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.2cm"/>'
            '<style:text-properties fo:font-size="22pt" fo:font-weight="bold" style:font-size-asian="22pt" style:font-weight-asian="bold"/></style:style>',
            '<style:style style:name="PBody" style:family="paragraph" style:parent-style-name="Text_20_body">'
            '<style:paragraph-properties fo:text-indent="1.129cm"/></style:style>',
            '<style:style style:name="PBold" style:family="paragraph" style:parent-style-name="Standard">'
            '<style:paragraph-properties fo:text-indent="1.129cm"/>'
            '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"/></style:style>',
            '<style:style style:name="PSign" style:family="paragraph" style:parent-style-name="Standard">'
            '<style:paragraph-properties fo:text-align="end"/></style:style>',
            '<style:style style:name="PCell" style:family="paragraph" style:parent-style-name="Standard">'
            '<style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="9pt" style:font-size-asian="9pt"/></style:style>',
            '<style:style style:name="T1" style:family="text"><style:text-properties style:font-name="Times New Roman"/></style:style>']
    for i, t in enumerate(r.tables, 1):
        total = sum(t.widths)
        auto.append(f'<style:style style:name="Table{i}" style:family="table"><style:table-properties style:width="{cm(total)}" table:align="center"/></style:style>')
        for ci, w in enumerate(t.widths):
            auto.append(f'<style:style style:name="Table{i}.C{ci}" style:family="table-column"><style:table-column-properties style:column-width="{cm(w)}"/></style:style>')
        auto.append(f'<style:style style:name="Table{i}.Cell" style:family="table-cell"><style:table-cell-properties style:vertical-align="middle" '
                    'fo:padding="0.05cm" fo:border="0.5pt solid #000000"/></style:style>')
    body = []
    ti = 0
    for b in r.blocks:
        kind = b[0]
        if kind == "title":
            body.append(f'<text:p text:style-name="PTitle">{odt_text(b[1])}</text:p>')
        elif kind == "title_h1":
            body.append(f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{odt_text(b[1])}</text:h>')
        elif kind == "h":
            _, level, number, text = b
            if r.heading_style in ("style", "numbering"):
                shown = text if r.heading_style == "numbering" else number + text
                body.append(f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">{odt_text(shown)}</text:h>')
            elif r.heading_style == "bold":
                body.append(f'<text:p text:style-name="PBold">{odt_text(number + text)}</text:p>')
            else:
                body.append(f'<text:p text:style-name="Standard">{odt_text(number + text)}</text:p>')
        elif kind == "pad":
            body.append(f'<text:p text:style-name="PBody">{esc(b[1])}</text:p>')
        elif kind == "body":
            inner = _DIGITS.sub(_ODT_DIGIT_SPAN, esc(b[1]))
            body.append(f'<text:p text:style-name="PBody">{inner}</text:p>')
        elif kind == "plain":
            body.append(f'<text:p text:style-name="Standard">{odt_text(b[1])}</text:p>')
        elif kind == "sign":
            body.append(f'<text:p text:style-name="PSign">{odt_text(b[1])}</text:p>')
        elif kind == "image":
            body.append('<text:p text:style-name="PSign"><draw:frame draw:name="图像1" text:anchor-type="as-char" '
                        'svg:width="4cm" svg:height="4cm" draw:z-index="0"><draw:image xlink:href="Pictures/seal.png" '
                        'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>')
        elif kind == "table":
            ti += 1
            body.append(odt_table(b[1], ti, r.odt_repeat_cols, r.odt_repeat_covered))
            body.append('<text:p text:style-name="Standard"/>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document-content {ODF_NS} office:version="1.3">{ODT_FONTS}'
            f'<office:automatic-styles>{"".join(auto)}</office:automatic-styles>'
            f'<office:body><office:text>{"".join(body)}</office:text></office:body></office:document-content>')


def odt_styles(numbered: bool):
    levels = []
    for lvl in range(1, 11):
        if numbered and lvl == 1:
            fmt = 'style:num-suffix="、" style:num-format="一, 二, 三, ..."'
        elif numbered and lvl == 2:
            fmt = 'style:num-prefix="（" style:num-suffix="）" style:num-format="一, 二, 三, ..."'
        else:
            fmt = 'style:num-format=""'
        levels.append(f'<text:outline-level-style text:level="{lvl}" {fmt}><style:list-level-properties '
                      'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment '
                      'text:label-followed-by="nothing" fo:text-indent="0cm" fo:margin-left="0cm"/></style:list-level-properties>'
                      '</text:outline-level-style>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document-styles {ODF_NS} office:version="1.3">{ODT_FONTS}<office:styles>'
            '<style:default-style style:family="paragraph"><style:paragraph-properties fo:line-height="0.988cm"/>'
            '<style:text-properties style:font-name="Times New Roman" fo:font-size="16pt" style:font-name-asian="仿宋_GB2312" '
            'style:font-size-asian="16pt" fo:language="en" fo:country="US" style:language-asian="zh" style:country-asian="CN"/></style:default-style>'
            '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
            '<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" '
            'style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:keep-with-next="always"/></style:style>'
            '<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">'
            '<style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="14pt" style:font-size-asian="14pt"/></style:style>'
            '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"/>'
            '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" '
            'style:next-style-name="Text_20_body" style:default-outline-level="1" style:class="text">'
            '<style:paragraph-properties fo:text-indent="1.129cm"/><style:text-properties style:font-name-asian="黑体"/></style:style>'
            '<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" '
            'style:next-style-name="Text_20_body" style:default-outline-level="2" style:class="text">'
            '<style:paragraph-properties fo:text-indent="1.129cm"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>'
            f'<text:outline-style style:name="Outline">{"".join(levels)}</text:outline-style>'
            '</office:styles><office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties '
            'fo:page-width="21.001cm" fo:page-height="29.7cm" fo:margin-top="3.7cm" fo:margin-bottom="3.5cm" fo:margin-left="2.8cm" '
            'fo:margin-right="2.6cm" style:print-orientation="portrait"/><style:footer-style><style:header-footer-properties '
            'fo:min-height="0cm" fo:margin-top="0.5cm"/></style:footer-style></style:page-layout></office:automatic-styles>'
            '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"><style:footer>'
            '<text:p text:style-name="Footer">— <text:page-number text:select-page="current">1</text:page-number> —</text:p>'
            '</style:footer></style:master-page></office:master-styles>'
            '</office:document-styles>')


def odt_meta(r: Report):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document-meta {ODF_NS} office:version="1.3"><office:meta>'
            '<meta:generator>LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</meta:generator>'
            f'<dc:title>{esc("".join(r.title_lines))}</dc:title>'
            f'<meta:initial-creator>{esc(r.creator)}</meta:initial-creator><dc:creator>{esc(r.creator)}</dc:creator>'
            f'<meta:creation-date>{r.created[:-1]}</meta:creation-date><dc:date>{r.created[:-1]}</dc:date>'
            '<dc:language>zh-CN</dc:language><meta:editing-cycles>3</meta:editing-cycles></office:meta></office:document-meta>')


ODT_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')


def write_odt(r: Report, level=6) -> bytes:
    if r.office_markup:
        return write_odt_office(r, level)
    manifest, media = ODT_MANIFEST, []
    if r.seal is not None:
        manifest = manifest.replace("</manifest:manifest>", '<manifest:file-entry manifest:full-path="Pictures/seal.png" '
                                    'manifest:media-type="image/png"/></manifest:manifest>')
        media = [("Pictures/seal.png", seal_png(r.seal), True)]
    return zip_bytes([
        ("mimetype", b"application/vnd.oasis.opendocument.text", True),
        ("content.xml", odt_content(r).encode(), False),
        ("styles.xml", odt_styles(r.heading_style == "numbering").encode(), False),
        ("meta.xml", odt_meta(r).encode(), False),
    ] + media + [
        ("META-INF/manifest.xml", manifest.encode(), False),
    ], level)


# ---------------------------------------------------------------------------
# Office markup (bench mode): the parts and markup that Word 2016 / WPS and
# LibreOffice 7 write, around the same report model
# ---------------------------------------------------------------------------
#
# A real report reaches 30-60 KB through markup, not text: every run carries its
# rPr, text is cut into runs by editing session (rsids), paragraphs carry pPr and
# rsids, and the package holds a theme, full styles with latent styles, a font
# table, settings with the rsid list. The choices below are drawn from a random
# generator seeded by the file stem, so a file does not depend on which process
# writes it. Nothing here changes the text: every writer cuts a paragraph's text
# into pieces and writes each piece once, in order.

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
WORD_ROOT_NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    f'xmlns:mc="{MC_NS}" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:r="{R_NS}" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    f'xmlns:wp="{WP_NS}" xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="{W_NS}" '
    f'xmlns:w14="{W14_NS}" xmlns:w15="{W15_NS}" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
WPS_ROOT_NS = WORD_ROOT_NS + ' xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData"'


def cut(rng, text, lo=5, hi=40):
    """Cut text into consecutive pieces of lo..hi characters (the last may be shorter)."""
    out, i, n = [], 0, len(text)
    while i < n:
        k = rng.randint(lo, hi)
        out.append(text[i:i + k])
        i += k
    return out


def digit_segments(text):
    """[(is_digits, piece)] in order; the pieces concatenate to text."""
    return [(k % 2 == 1, s) for k, s in enumerate(_DIGITS.split(text)) if s]


def rsid_pool(rng, lo, hi, fmt="%08X", top=0x00FFFFFF):
    pool = set()
    n = rng.randint(lo, hi)
    while len(pool) < n:
        pool.add(rng.randrange(0x00010000, top))
    return [fmt % v for v in sorted(pool)]


class DocxMarkup:
    """Random but reproducible habits of one Word 2016 or WPS document."""

    def __init__(self, r: Report):
        rng = self.rng = random.Random(zlib.crc32(b"docx-markup:" + r.stem.encode()))
        self.wps = rng.random() < 0.35
        self.rsids = rsid_pool(rng, 20, 150)
        # sessions early in the list wrote most of the text
        self.hot = self.rsids[:max(3, len(self.rsids) // 4)]
        self.root = rng.choice(self.hot)
        self.para_ids = set()
        self.bookmark_id = 0
        self.page_left = rng.randint(550, 800)
        self.break_due = False
        hint = self.wps or rng.random() < 0.5
        body_font = rng.choice(["仿宋_GB2312", "仿宋_GB2312", "仿宋"])
        self.body_font = body_font

        def fonts(name, latin=None):
            latin = latin or name
            if self.wps:
                h = "default" if latin != name else "eastAsia"
                return f'<w:rFonts w:hint="{h}" w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{name}" w:cs="{latin}"/>'
            h = ' w:hint="eastAsia"' if hint and latin == name else ""
            return f'<w:rFonts{h} w:ascii="{latin}" w:eastAsia="{name}" w:hAnsi="{latin}"/>'

        def sz(v):
            return f'<w:sz w:val="{v}"/><w:szCs w:val="{v}"/>'

        lang = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
        color = '<w:color w:val="000000"/>'
        kern0 = '<w:kern w:val="0"/>'
        bold = "<w:b/><w:bCs/>"

        def variants(f, b="", size=32):
            # rPr contents of the runs of one kind: mostly the same, now and then with
            # the w:lang, w:kern or w:color that Word keeps from pasted text
            base = f + b
            return [base + sz(size)] * 12 + [base + sz(size) + lang] * 3 + [base + kern0 + sz(size)] * 2 + [
                base + color + sz(size), base + color + kern0 + sz(size) + lang]

        title_font = rng.choice(["方正小标宋简体", "方正小标宋_GBK", "小标宋"])
        self.rpr = {
            "body": variants(fonts(body_font)),
            "digit": variants(fonts(body_font, "Times New Roman")),
            "title": variants(fonts(title_font), bold, 44),
            "h1": variants(fonts("黑体")),
            "h2": variants(fonts("楷体_GB2312")),
            "hbold1": variants(fonts("黑体" if rng.random() < 0.5 else body_font), bold),
            "hbold2": variants(fonts("楷体_GB2312" if rng.random() < 0.5 else body_font), bold),
        }
        cell_size = rng.choice([18, 20, 21, 24])
        cell_font = rng.choice([body_font, "宋体", "仿宋_GB2312"])
        head_bold = bold if rng.random() < 0.4 else ""
        self.rpr["cell"] = [fonts(cell_font) + kern0 + sz(cell_size)] * 5 + [
            fonts(cell_font) + color + kern0 + sz(cell_size), fonts(cell_font) + kern0 + sz(cell_size) + lang]
        self.rpr["cellhead"] = [fonts(cell_font) + head_bold + kern0 + sz(cell_size)] * 4 + [
            fonts(cell_font) + head_bold + color + kern0 + sz(cell_size)]
        self.rpr["celldigit"] = [fonts(cell_font, "Times New Roman") + kern0 + sz(cell_size)] * 3 + [
            fonts(cell_font, "Times New Roman") + color + kern0 + sz(cell_size)]
        line = '<w:spacing w:line="560" w:lineRule="exact"/>'
        ind = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
        adj = '<w:adjustRightInd w:val="0"/><w:snapToGrid w:val="0"/>'
        both = '<w:jc w:val="both"/>'
        self.ppr = {
            "body": [line + ind] * 3 + [adj + line + ind, line + ind + both, "<w:widowControl/>" + line + ind + both],
            "title": ['<w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="center"/>',
                      '<w:spacing w:after="156" w:line="560" w:lineRule="exact"/><w:jc w:val="center"/>',
                      adj + '<w:spacing w:line="600" w:lineRule="exact"/><w:jc w:val="center"/>'],
            "sign": [line + '<w:jc w:val="right"/>',
                     ('<w:wordWrap w:val="0"/>' if self.wps else adj) + line + '<w:ind w:right="640"/><w:jc w:val="right"/>'],
            "plain": [line, line + both],
        }
        if self.wps:
            cell_ppr = ('<w:keepNext w:val="0"/><w:keepLines w:val="0"/><w:widowControl/><w:suppressLineNumbers w:val="0"/>'
                        '<w:spacing w:before="0" w:beforeAutospacing="0" w:after="0" w:afterAutospacing="0" w:line="240" '
                        'w:lineRule="exact"/><w:ind w:left="0" w:right="0"/><w:jc w:val="center"/><w:textAlignment w:val="center"/>')
            self.ppr["cell"] = [cell_ppr]
        else:
            self.ppr["cell"] = ['<w:spacing w:line="280" w:lineRule="exact"/><w:jc w:val="center"/>'] * 3 + [
                '<w:widowControl/><w:spacing w:line="280" w:lineRule="exact"/><w:jc w:val="center"/>',
                adj + '<w:spacing w:line="280" w:lineRule="exact"/><w:jc w:val="center"/>']
        self.cell_borders = self.wps or rng.random() < 0.3
        self.cell_shade = self.wps or rng.random() < 0.3

    # -- identifiers ---------------------------------------------------------
    def session(self):
        rng = self.rng
        return rng.choice(self.hot) if rng.random() < 0.7 else rng.choice(self.rsids)

    def para_attrs(self, empty=False):
        """w14 ids (Word only) and the four rsids of a w:p."""
        rng = self.rng
        a = ""
        if not self.wps:
            pid = rng.randrange(0x00100000, 0x7FFFFFFF)
            while pid in self.para_ids:
                pid = rng.randrange(0x00100000, 0x7FFFFFFF)
            self.para_ids.add(pid)
            tid = "77777777" if empty or rng.random() < 0.3 else "%08X" % rng.randrange(0x10000000, 0x7FFFFFFF)
            a = f' w14:paraId="{pid:08X}" w14:textId="{tid}"'
        r_ = self.session()
        rd = r_ if rng.random() < 0.7 else self.session()
        rp = r_ if rng.random() < 0.5 else self.session()
        a += f' w:rsidR="{r_}"'
        if rng.random() < 0.75:  # the paragraph mark's formatting was changed in a session
            a += f' w:rsidRPr="{self.session()}"'
        a += f' w:rsidRDefault="{rd}" w:rsidP="{rp}"'
        return a

    def next_bookmark(self):
        self.bookmark_id += 1
        return self.bookmark_id

    # -- runs and paragraphs --------------------------------------------------
    def runs(self, text, kind, digits=None, lo=5, hi=40, count=True):
        """Runs of text; kind selects the rPr; digits (a kind) puts digit groups in
        their own runs with that rPr. Never changes the text."""
        rng = self.rng
        o = []
        open_proof = None
        for li, line in enumerate(text.split("\n")):
            if li:
                o.append(f"<w:r><w:rPr>{self.rpr[kind][0]}</w:rPr><w:br/></w:r>")
            segs = digit_segments(line) if digits else [(False, line)]
            for is_digit, seg in segs:
                pieces = [seg] if is_digit else cut(rng, seg, lo, hi)
                rprs = self.rpr[digits if is_digit else kind]
                for piece in pieces:
                    # a run without w:rsidR was typed in the paragraph's w:rsidRDefault session
                    attrs = f' w:rsidR="{self.session()}"' if rng.random() < 0.45 else ""
                    if rng.random() < 0.8:
                        attrs += f' w:rsidRPr="{self.session()}"'
                    if open_proof is None and len(piece) > 1 and rng.random() < 0.04:
                        open_proof = "spell" if rng.random() < 0.7 else "gram"
                        o.append(f'<w:proofErr w:type="{open_proof}Start"/>')
                        close_now = True
                    else:
                        close_now = False
                    lrpb = ""
                    if self.break_due:
                        lrpb = "<w:lastRenderedPageBreak/>"
                        self.break_due = False
                    sp = ' xml:space="preserve"' if piece[:1] == " " or piece[-1:] == " " else ""
                    o.append(f'<w:r{attrs}><w:rPr>{rng.choice(rprs)}</w:rPr>{lrpb}<w:t{sp}>{esc(piece)}</w:t></w:r>')
                    if open_proof and not close_now:
                        o.append(f'<w:proofErr w:type="{open_proof}End"/>')
                        open_proof = None
                    if count:
                        self.advance(len(piece))
        if open_proof:
            o.append(f'<w:proofErr w:type="{open_proof}End"/>')
        return o

    def advance(self, n):
        self.page_left -= n
        if self.page_left <= 0:
            self.break_due = True
            self.page_left += self.rng.randint(550, 800)

    def para(self, ppr, mark, run_list, bookmark=None):
        """One w:p: ppr = pPr children before the mark rPr, mark = rPr children of the
        paragraph mark, run_list = run XML pieces; bookmark = name prefix or None."""
        attrs = self.para_attrs(empty=not run_list)
        if bookmark and run_list:
            bid = self.next_bookmark()
            name = f"{bookmark}{self.rng.randrange(10 ** 8, 10 ** 9)}"
            if bookmark == "_Hlk" and len(run_list) > 2:
                a = self.rng.randrange(len(run_list) - 1)
                b = self.rng.randrange(a + 1, len(run_list) + 1)
                # proofErr marks stay where they were: insert around whole runs only
                while a < len(run_list) and not run_list[a].startswith("<w:r"):
                    a += 1
                run_list = (run_list[:a] + [f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>'] + run_list[a:b]
                            + [f'<w:bookmarkEnd w:id="{bid}"/>'] + run_list[b:])
            else:
                run_list = ([f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>'] + run_list
                            + [f'<w:bookmarkEnd w:id="{bid}"/>'])
        return f'<w:p{attrs}><w:pPr>{ppr}<w:rPr>{mark}</w:rPr></w:pPr>{"".join(run_list)}</w:p>'


def docx_office_document(r: Report, m: DocxMarkup, image_rid, footer_rid):
    rng = m.rng
    o = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
         f'{WPS_ROOT_NS if m.wps else WORD_ROOT_NS} mc:Ignorable="w14 w15 wp14"><w:body>']
    for b in r.blocks:
        kind = b[0]
        if kind == "title":
            rl = m.runs(b[1], "title", lo=4, hi=20)
            o.append(m.para(rng.choice(m.ppr["title"]), m.rpr["title"][0], rl))
        elif kind == "title_h1":
            rl = m.runs(b[1], "title", lo=4, hi=20)
            o.append(m.para('<w:pStyle w:val="Heading1"/><w:jc w:val="center"/>', m.rpr["title"][0], rl))
        elif kind == "h":
            _, level, number, text = b
            bm = "_Toc" if rng.random() < 0.35 else None
            if r.heading_style in ("style", "numbering"):
                k = f"h{min(level, 2)}"
                ppr = f'<w:pStyle w:val="Heading{level}"/>'
                shown = number + text
                if r.heading_style == "numbering":
                    ppr += f'<w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr>'
                    shown = text
                    ppr += '<w:spacing w:line="560" w:lineRule="exact"/>'
                else:
                    ppr += '<w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="640"/>'
                o.append(m.para(ppr, m.rpr[k][0], m.runs(shown, k, lo=3, hi=16), bm))
            elif r.heading_style == "bold":
                k = f"hbold{min(level, 2)}"
                ppr = rng.choice(m.ppr["body"])
                o.append(m.para(ppr, m.rpr[k][0], m.runs(number + text, k, lo=3, hi=16), bm))
            else:
                o.append(m.para(rng.choice(m.ppr["plain"]), m.rpr["body"][0], m.runs(number + text, "body")))
        elif kind in ("body", "pad"):
            rl = m.runs(b[1], "body", digits="digit")
            o.append(m.para(rng.choice(m.ppr["body"]), m.rpr["body"][0], rl, "_Hlk" if rng.random() < 0.03 else None))
        elif kind == "plain":
            o.append(m.para(rng.choice(m.ppr["plain"]), m.rpr["body"][0], m.runs(b[1], "body")))
        elif kind == "sign":
            o.append(m.para(rng.choice(m.ppr["sign"]), m.rpr["body"][0], m.runs(b[1], "body", lo=4, hi=12)))
        elif kind == "table":
            o.append(docx_office_table(b[1], m, r.vmerge_explicit))
            o.append(m.para(rng.choice(m.ppr["plain"]), m.rpr["body"][0], []))
        elif kind == "image":
            emu = 1440000
            o.append(m.para('<w:jc w:val="right"/>', m.rpr["body"][0], [
                '<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
                f'<wp:extent cx="{emu}" cy="{emu}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                '<wp:docPr id="1" name="图片 1"/>'
                f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{A_NS}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                f'<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<pic:pic xmlns:pic="{PIC_NS}"><pic:nvPicPr><pic:cNvPr id="1" name="图片 1"/>'
                '<pic:cNvPicPr><a:picLocks noChangeAspect="1" noChangeArrowheads="1"/></pic:cNvPicPr></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{image_rid}"><a:extLst><a:ext uri="{{28A0092B-C50C-407E-A947-70E740481C1C}}">'
                '<a14:useLocalDpi xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" val="0"/></a:ext></a:extLst>'
                '</a:blip><a:srcRect/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="{emu}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></pic:spPr></pic:pic>'
                '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>']))
    o.append('<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>')
    o.append(f'<w:sectPr w:rsidR="{m.root}" w:rsidSect="{m.session()}"><w:footerReference w:type="default" r:id="{footer_rid}"/>'
             '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
             'w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/>'
             '<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/></w:sectPr>')
    o.append("</w:body></w:document>")
    return "".join(o)


def docx_office_table(t: Table, m: DocxMarkup, vmerge_explicit=False):
    rng = m.rng
    bd = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(bd.format(s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    o = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(t.widths)}" w:type="dxa"/><w:jc w:val="center"/>'
         f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
         '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
         '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
         '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
         '</w:tblPr><w:tblGrid>']
    o.extend(f'<w:gridCol w:w="{w}"/>' for w in t.widths)
    o.append("</w:tblGrid>")
    cell_borders = "".join(f'<w:{s} w:val="single" w:color="000000" w:sz="4" w:space="0"/>'
                           for s in ("top", "left", "bottom", "right"))
    tr_rsid = m.session()
    for ri, items in enumerate(t.layout()):
        head = ri < t.header_rows
        wid = ""
        if not m.wps:
            wid = f' w14:paraId="{rng.randrange(0x00100000, 0x7FFFFFFF):08X}" w14:textId="77777777"'
        o.append(f'<w:tr w:rsidR="{m.session()}"{wid} w:rsidTr="{tr_rsid}"><w:trPr>'
                 + ("<w:tblHeader/>" if head else "")
                 + f'<w:trHeight w:val="{rng.choice([397, 454, 510])}" w:hRule="atLeast"/><w:jc w:val="center"/></w:trPr>')
        m.advance(30)
        for kind, c in items:
            if kind == "covered":
                continue
            w = sum(t.widths[c["col"]:c["col"] + c["col_span"]])
            pr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
            if c["col_span"] > 1:
                pr += f'<w:gridSpan w:val="{c["col_span"]}"/>'
            if kind == "vcont":
                pr += '<w:vMerge w:val="continue"/>' if vmerge_explicit else "<w:vMerge/>"
            elif c["row_span"] > 1:
                pr += '<w:vMerge w:val="restart"/>'
            if m.cell_borders and (m.wps or rng.random() < 0.5):
                pr += f"<w:tcBorders>{cell_borders}</w:tcBorders>"
            if m.cell_shade and (m.wps or head):
                pr += '<w:shd w:val="clear" w:color="auto" w:fill="FFFFFF"/>'
            if m.wps:
                pr += ('<w:noWrap w:val="0"/><w:tcMar><w:top w:w="15" w:type="dxa"/><w:left w:w="15" w:type="dxa"/>'
                       '<w:right w:w="15" w:type="dxa"/></w:tcMar>')
            pr += '<w:vAlign w:val="center"/>'
            o.append(f"<w:tc><w:tcPr>{pr}</w:tcPr>")
            rk = "cellhead" if head else "cell"
            ppr = rng.choice(m.ppr["cell"])
            if kind == "vcont":
                o.append(m.para(ppr, m.rpr[rk][0], []))
            else:
                digits = None if head else "celldigit"
                if c["br"]:
                    o.append(m.para(ppr, m.rpr[rk][0], m.runs(c["text"], rk, digits=digits, lo=2, hi=12)))
                else:
                    for line in c["text"].split("\n"):
                        o.append(m.para(ppr, m.rpr[rk][0], m.runs(line, rk, digits=digits, lo=2, hi=12)))
            o.append("</w:tc>")
        o.append("</w:tr>")
    o.append("</w:tbl>")
    return "".join(o)


# -- the other parts of a Word / WPS package ---------------------------------

_THEME_SCRIPTS = (  # script, major typeface, minor typeface (Office 2013+ theme)
    "Jpan:游ゴシック Light:游明朝|Hang:맑은 고딕:맑은 고딕|Hans:等线 Light:等线|Hant:新細明體:新細明體|"
    "Arab:Times New Roman:Arial|Hebr:Times New Roman:Arial|Thai:Angsana New:Cordia New|Ethi:Nyala:Nyala|"
    "Beng:Vrinda:Vrinda|Gujr:Shruti:Shruti|Khmr:MoolBoran:DaunPenh|Knda:Tunga:Tunga|Guru:Raavi:Raavi|"
    "Cans:Euphemia:Euphemia|Cher:Plantagenet Cherokee:Plantagenet Cherokee|Yiii:Microsoft Yi Baiti:Microsoft Yi Baiti|"
    "Tibt:Microsoft Himalaya:Microsoft Himalaya|Thaa:MV Boli:MV Boli|Deva:Mangal:Mangal|Telu:Gautami:Gautami|"
    "Taml:Latha:Latha|Syrc:Estrangelo Edessa:Estrangelo Edessa|Orya:Kalinga:Kalinga|Mlym:Kartika:Kartika|"
    "Laoo:DokChampa:DokChampa|Sinh:Iskoola Pota:Iskoola Pota|Mong:Mongolian Baiti:Mongolian Baiti|"
    "Viet:Times New Roman:Arial|Uigh:Microsoft Uighur:Microsoft Uighur|Geor:Sylfaen:Sylfaen|Armn:Arial:Arial|"
    "Bugi:Leelawadee UI:Leelawadee UI|Bopo:Microsoft JhengHei:Microsoft JhengHei|Java:Javanese Text:Javanese Text|"
    "Lisu:Segoe UI:Segoe UI|Mymr:Myanmar Text:Myanmar Text|Nkoo:Ebrima:Ebrima|Olck:Nirmala UI:Nirmala UI|"
    "Osma:Ebrima:Ebrima|Phag:Phagspa:Phagspa|Syrn:Estrangelo Edessa:Estrangelo Edessa|"
    "Syrj:Estrangelo Edessa:Estrangelo Edessa|Syre:Estrangelo Edessa:Estrangelo Edessa|Sora:Nirmala UI:Nirmala UI|"
    "Tale:Microsoft Tai Le:Microsoft Tai Le|Talu:Microsoft New Tai Lue:Microsoft New Tai Lue|Tfng:Ebrima:Ebrima")


def _theme_xml():
    scripts = [s.split(":") for s in _THEME_SCRIPTS.split("|")]

    def font(kind, latin, panose):
        col = 1 if kind == "major" else 2
        fs = "".join(f'<a:font script="{s[0]}" typeface="{s[col]}"/>' for s in scripts)
        return (f'<a:{kind}Font><a:latin typeface="{latin}" panose="{panose}"/><a:ea typeface=""/><a:cs typeface=""/>'
                f'{fs}</a:{kind}Font>')

    def clr(mods):
        return "".join(f'<a:{k} val="{v}"/>' for k, v in mods)

    def gs(pos, mods):
        return f'<a:gs pos="{pos}"><a:schemeClr val="phClr">{clr(mods)}</a:schemeClr></a:gs>'

    def grad(stops):
        return ('<a:gradFill rotWithShape="1"><a:gsLst>' + "".join(gs(p, m) for p, m in stops)
                + '</a:gsLst><a:lin ang="5400000" scaled="0"/></a:gradFill>')

    def ln(w):
        return (f'<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
                '<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>')

    colors = [("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'), ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>')]
    colors += [(k, f'<a:srgbClr val="{v}"/>') for k, v in (
        ("dk2", "44546A"), ("lt2", "E7E6E6"), ("accent1", "4472C4"), ("accent2", "ED7D31"), ("accent3", "A5A5A5"),
        ("accent4", "FFC000"), ("accent5", "5B9BD5"), ("accent6", "70AD47"), ("hlink", "0563C1"), ("folHlink", "954F72"))]
    fills = ('<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
             + grad([(0, [("lumMod", 110000), ("satMod", 105000), ("tint", 67000)]),
                     (50000, [("lumMod", 105000), ("satMod", 103000), ("tint", 73000)]),
                     (100000, [("lumMod", 105000), ("satMod", 109000), ("tint", 81000)])])
             + grad([(0, [("satMod", 103000), ("lumMod", 102000), ("tint", 94000)]),
                     (50000, [("satMod", 110000), ("lumMod", 100000), ("shade", 100000)]),
                     (100000, [("lumMod", 99000), ("satMod", 120000), ("shade", 78000)])]))
    bg = ('<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
          '<a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/><a:satMod val="170000"/></a:schemeClr></a:solidFill>'
          + grad([(0, [("tint", 93000), ("satMod", 150000), ("shade", 98000), ("lumMod", 102000)]),
                  (50000, [("tint", 98000), ("satMod", 130000), ("shade", 90000), ("lumMod", 103000)]),
                  (100000, [("shade", 63000), ("satMod", 120000)])]))
    effects = ('<a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>'
               '<a:effectStyle><a:effectLst><a:outerShdw blurRad="57150" dist="19050" dir="5400000" algn="ctr" '
               'rotWithShape="0"><a:srgbClr val="000000"><a:alpha val="63000"/></a:srgbClr></a:outerShdw></a:effectLst>'
               '</a:effectStyle>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<a:theme xmlns:a="{A_NS}" name="Office 主题​"><a:themeElements><a:clrScheme name="Office">'
            + "".join(f"<a:{k}>{v}</a:{k}>" for k, v in colors)
            + '</a:clrScheme><a:fontScheme name="Office">'
            + font("major", "Calibri Light", "020F0302020204030204") + font("minor", "Calibri", "020F0502020204030204")
            + f'</a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst>{fills}</a:fillStyleLst><a:lnStyleLst>'
            + ln(6350) + ln(12700) + ln(19050)
            + f'</a:lnStyleLst><a:effectStyleLst>{effects}</a:effectStyleLst><a:bgFillStyleLst>{bg}</a:bgFillStyleLst>'
            '</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/><a:extLst>'
            '<a:ext uri="{05A4C25C-085E-4340-85A3-A5531E510DB2}"><thm15:themeFamily '
            'xmlns:thm15="http://schemas.microsoft.com/office/thememl/2012/main" name="Office Theme" '
            'id="{62F939B6-93AF-4DB8-9C6B-D6C7DFDC589F}" vid="{4A3C46E8-61CC-4603-A589-7422A47A8E4A}"/></a:ext>'
            '</a:extLst></a:theme>')


def _latent_styles():
    """The w:latentStyles block of Word 2016's Normal.dotm (376 entries)."""
    out = []
    SH = ' w:semiHidden="1" w:unhideWhenUsed="1"'

    def e(name, attrs=SH):
        out.append(f'<w:lsdException w:name="{name}"{attrs}/>')

    def pri(p, q=False, hidden=False):
        s = ' w:semiHidden="1"' if hidden else ""
        s += f' w:uiPriority="{p}"'
        if hidden:
            s += ' w:unhideWhenUsed="1"'
        return s + (' w:qFormat="1"' if q else "")

    e("Normal", pri(0, True))
    e("heading 1", pri(9, True))
    for i in range(2, 10):
        e(f"heading {i}", pri(9, True, True))
    for i in range(1, 10):
        e(f"index {i}")
    for i in range(1, 10):
        e(f"toc {i}", pri(39, hidden=True))
    for n in ("Normal Indent", "footnote text", "annotation text", "header", "footer", "index heading"):
        e(n)
    e("caption", pri(35, True, True))
    for n in ("table of figures", "envelope address", "envelope return", "footnote reference", "annotation reference",
              "line number", "page number", "endnote reference", "endnote text", "table of authorities", "macro",
              "toa heading", "List", "List Bullet", "List Number"):
        e(n)
    for kind in ("List", "List Bullet", "List Number"):
        for i in range(2, 6):
            e(f"{kind} {i}")
    e("Title", pri(10, True))
    e("Closing")
    e("Signature")
    e("Default Paragraph Font", pri(1, hidden=True))
    for n in ("Body Text", "Body Text Indent", "List Continue"):
        e(n)
    for i in range(2, 6):
        e(f"List Continue {i}")
    e("Message Header")
    e("Subtitle", pri(11, True))
    for n in ("Salutation", "Date", "Body Text First Indent", "Body Text First Indent 2", "Note Heading", "Body Text 2",
              "Body Text 3", "Body Text Indent 2", "Body Text Indent 3", "Block Text", "Hyperlink", "FollowedHyperlink"):
        e(n)
    e("Strong", pri(22, True))
    e("Emphasis", pri(20, True))
    for n in ("Document Map", "Plain Text", "E-mail Signature", "HTML Top of Form", "HTML Bottom of Form", "Normal (Web)",
              "HTML Acronym", "HTML Address", "HTML Cite", "HTML Code", "HTML Definition", "HTML Keyboard",
              "HTML Preformatted", "HTML Sample", "HTML Typewriter", "HTML Variable", "Normal Table",
              "annotation subject", "No List"):
        e(n)
    for kind, k in (("Outline List", 3), ("Table Simple", 3), ("Table Classic", 4), ("Table Colorful", 3),
                    ("Table Columns", 5), ("Table Grid", 8), ("Table List", 8), ("Table 3D effects", 3)):
        for i in range(1, k + 1):
            e(f"{kind} {i}")
    for n in ("Table Contemporary", "Table Elegant", "Table Professional", "Table Subtle 1", "Table Subtle 2",
              "Table Web 1", "Table Web 2", "Table Web 3", "Balloon Text"):
        e(n)
    e("Table Grid", ' w:uiPriority="39"')
    e("Table Theme")
    e("Placeholder Text", ' w:semiHidden="1"')
    e("No Spacing", pri(1, True))
    old = ("Light Shading", "Light List", "Light Grid", "Medium Shading 1", "Medium Shading 2", "Medium List 1",
           "Medium List 2", "Medium Grid 1", "Medium Grid 2", "Medium Grid 3", "Dark List", "Colorful Shading",
           "Colorful List", "Colorful Grid")
    for i, n in enumerate(old):
        e(n, pri(60 + i))
    for a in range(1, 7):
        for i, n in enumerate(old):
            if a == 1 and i == 6:
                e("Revision", ' w:semiHidden="1"')
                e("List Paragraph", pri(34, True))
                e("Quote", pri(29, True))
                e("Intense Quote", pri(30, True))
            e(f"{n} Accent {a}", pri(60 + i))
    for n, p in (("Subtle Emphasis", 19), ("Intense Emphasis", 21), ("Subtle Reference", 31),
                 ("Intense Reference", 32), ("Book Title", 33)):
        e(n, pri(p, True))
    e("Bibliography", pri(37, hidden=True))
    e("TOC Heading", pri(39, True, True))
    for i in range(1, 6):
        e(f"Plain Table {i}", pri(40 + i))
    e("Grid Table Light", pri(40))
    for kind in ("Grid Table", "List Table"):
        names = (f"{kind} 1 Light", f"{kind} 2", f"{kind} 3", f"{kind} 4", f"{kind} 5 Dark", f"{kind} 6 Colorful",
                 f"{kind} 7 Colorful")
        for suffix in [""] + [f" Accent {a}" for a in range(1, 7)]:
            for i, n in enumerate(names):
                e(n + suffix, pri(46 + i))
    for n in ("Mention", "Smart Hyperlink", "Hashtag", "Unresolved Mention", "Smart Link"):
        e(n)
    return ('<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" w:defUnhideWhenUsed="0" '
            f'w:defQFormat="0" w:count="{len(out)}">' + "".join(out) + "</w:latentStyles>")


def _docx_office_styles(body_font):
    f = body_font

    def style(kind, sid, name, inner, default=False, custom=False):
        d = ' w:default="1"' if default else ""
        c = ' w:customStyle="1"' if custom else ""
        return f'<w:style w:type="{kind}"{d}{c} w:styleId="{sid}"><w:name w:val="{name}"/>{inner}</w:style>'

    hid = '<w:semiHidden/><w:unhideWhenUsed/>'
    tbl_mar = ('<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
               '<w:right w:w="108" w:type="dxa"/></w:tblCellMar>')
    grid_borders = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                           for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    styles = [
        style("paragraph", "Normal", "Normal", '<w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>'
              f'<w:rPr><w:rFonts w:eastAsia="{f}"/></w:rPr>', default=True),
        style("paragraph", "Heading1", "heading 1", '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
              '<w:link w:val="Heading1Char"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>'
              '<w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr>'
              '<w:rPr><w:rFonts w:eastAsia="黑体"/><w:kern w:val="44"/></w:rPr>'),
        style("paragraph", "Heading2", "heading 2", '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
              '<w:link w:val="Heading2Char"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/>'
              '<w:keepLines/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="1"/></w:pPr>'
              '<w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr>'),
        style("paragraph", "Heading3", "heading 3", '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
              '<w:link w:val="Heading3Char"/><w:uiPriority w:val="9"/><w:semiHidden/><w:unhideWhenUsed/><w:qFormat/>'
              '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="260" w:after="260" w:line="416" w:lineRule="auto"/>'
              '<w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>'),
        style("character", "DefaultParagraphFont", "Default Paragraph Font", f'<w:uiPriority w:val="1"/>{hid}',
              default=True),
        style("table", "TableNormal", "Normal Table", f'<w:uiPriority w:val="99"/>{hid}<w:tblPr>'
              f'<w:tblInd w:w="0" w:type="dxa"/>{tbl_mar}</w:tblPr>', default=True),
        style("numbering", "NoList", "No List", f'<w:uiPriority w:val="99"/>{hid}', default=True),
        style("paragraph", "Header", "header", '<w:basedOn w:val="Normal"/><w:link w:val="HeaderChar"/>'
              '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" '
              'w:color="auto"/></w:pBdr><w:tabs><w:tab w:val="center" w:pos="4153"/><w:tab w:val="right" w:pos="8306"/>'
              '</w:tabs><w:snapToGrid w:val="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
        style("character", "HeaderChar", "页眉 字符", '<w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Header"/>'
              '<w:uiPriority w:val="99"/><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', custom=True),
        style("paragraph", "Footer", "footer", '<w:basedOn w:val="Normal"/><w:link w:val="FooterChar"/>'
              '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:tabs><w:tab w:val="center" w:pos="4153"/>'
              '<w:tab w:val="right" w:pos="8306"/></w:tabs><w:snapToGrid w:val="0"/><w:jc w:val="left"/></w:pPr>'
              '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
        style("character", "FooterChar", "页脚 字符", '<w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Footer"/>'
              '<w:uiPriority w:val="99"/><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', custom=True),
        style("character", "Heading1Char", "标题 1 字符", '<w:basedOn w:val="DefaultParagraphFont"/>'
              '<w:link w:val="Heading1"/><w:uiPriority w:val="9"/><w:rPr><w:rFonts w:eastAsia="黑体"/><w:kern w:val="44"/>'
              '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>', custom=True),
        style("character", "Heading2Char", "标题 2 字符", '<w:basedOn w:val="DefaultParagraphFont"/>'
              '<w:link w:val="Heading2"/><w:uiPriority w:val="9"/><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/>'
              '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>', custom=True),
        style("character", "Heading3Char", "标题 3 字符", '<w:basedOn w:val="DefaultParagraphFont"/>'
              '<w:link w:val="Heading3"/><w:uiPriority w:val="9"/><w:semiHidden/><w:rPr><w:b/><w:bCs/>'
              '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>', custom=True),
        style("paragraph", "Date", "Date", '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:link w:val="DateChar"/>'
              f'<w:uiPriority w:val="99"/>{hid}<w:pPr><w:ind w:leftChars="2500" w:left="100"/></w:pPr>'),
        style("character", "DateChar", "日期 字符", '<w:basedOn w:val="DefaultParagraphFont"/><w:link w:val="Date"/>'
              '<w:uiPriority w:val="99"/><w:semiHidden/>', custom=True),
        style("paragraph", "BalloonText", "Balloon Text", '<w:basedOn w:val="Normal"/><w:link w:val="BalloonTextChar"/>'
              f'<w:uiPriority w:val="99"/>{hid}<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
        style("character", "BalloonTextChar", "批注框文本 字符", '<w:basedOn w:val="DefaultParagraphFont"/>'
              '<w:link w:val="BalloonText"/><w:uiPriority w:val="99"/><w:semiHidden/><w:rPr><w:sz w:val="18"/>'
              '<w:szCs w:val="18"/></w:rPr>', custom=True),
        style("paragraph", "NormalWeb", "Normal (Web)", f'<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>{hid}'
              '<w:pPr><w:widowControl/><w:spacing w:before="100" w:beforeAutospacing="1" w:after="100" w:afterAutospacing="1"/>'
              '<w:jc w:val="left"/></w:pPr><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体"/>'
              '<w:kern w:val="0"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>'),
        style("character", "Strong", "Strong", '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="22"/>'
              '<w:qFormat/><w:rPr><w:b/><w:bCs/></w:rPr>'),
        style("character", "Hyperlink", "Hyperlink", '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>'
              f'{hid}<w:rPr><w:color w:val="0563C1" w:themeColor="hyperlink"/><w:u w:val="single"/></w:rPr>'),
        style("paragraph", "ListParagraph", "List Paragraph", '<w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/>'
              '<w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="420"/></w:pPr>'),
        style("table", "TableGrid", "Table Grid", '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>'
              '<w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>'
              '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
              f'<w:tblPr><w:tblBorders>{grid_borders}</w:tblBorders></w:tblPr>'),
    ]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:styles xmlns:mc="{MC_NS}" xmlns:r="{R_NS}" xmlns:w="{W_NS}" xmlns:w14="{W14_NS}" xmlns:w15="{W15_NS}" '
            'mc:Ignorable="w14 w15"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" '
            f'w:eastAsia="{f}" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="32"/>'
            '<w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            '<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>'
            + _latent_styles() + "".join(styles) + "</w:styles>")


_FONTS = [  # name, altName, panose, charset, family, pitch, sig (usb0-3, csb0-1)
    ("Times New Roman", None, "02020603050405020304", "00", "roman", "variable",
     ("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000")),
    ("宋体", "SimSun", "02010600030101010101", "86", "auto", "variable",
     ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")),
    ("仿宋_GB2312", None, "02010609030101010101", "86", "modern", "fixed",
     ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")),
    ("仿宋", None, "02010609060101010101", "86", "modern", "fixed",
     ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")),
    ("黑体", "SimHei", "02010609060101010101", "86", "modern", "fixed",
     ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")),
    ("楷体_GB2312", None, "02010609030101010101", "86", "modern", "fixed",
     ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")),
    ("方正小标宋简体", None, "02000000000000000000", "86", "auto", "variable",
     ("00000001", "08000000", "00000000", "00000000", "00040000", "00000000")),
    ("方正小标宋_GBK", None, "02000000000000000000", "86", "script", "variable",
     ("00000001", "08000000", "00000000", "00000000", "00040000", "00000000")),
    ("小标宋", None, "02010600010101010101", "86", "auto", "variable",
     ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")),
    ("等线", "DengXian", "02010600030101010101", "86", "auto", "variable",
     ("A00002BF", "38CF7CFA", "00000016", "00000000", "0004000F", "00000000")),
    ("等线 Light", None, "02010600030101010101", "86", "auto", "variable",
     ("A00002BF", "38CF7CFA", "00000016", "00000000", "0004000F", "00000000")),
    ("Calibri", None, "020F0502020204030204", "00", "swiss", "variable",
     ("E4002EFF", "C000247B", "00000009", "00000000", "000001FF", "00000000")),
    ("Cambria Math", None, "02040503050406030204", "00", "roman", "variable",
     ("E00006FF", "420024FF", "02000000", "00000000", "0000019F", "00000000")),
]


def _docx_font_table(wps):
    o = []
    for name, alt, panose, charset, family, pitch, sig in _FONTS:
        a = f'<w:altName w:val="{alt}"/>' if alt else ""
        if wps and pitch == "fixed":
            pitch = "default"
        o.append(f'<w:font w:name="{name}">{a}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                 f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/><w:sig w:usb0="{sig[0]}" w:usb1="{sig[1]}" '
                 f'w:usb2="{sig[2]}" w:usb3="{sig[3]}" w:csb0="{sig[4]}" w:csb1="{sig[5]}"/></w:font>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts xmlns:mc="{MC_NS}" xmlns:r="{R_NS}" xmlns:w="{W_NS}" xmlns:w14="{W14_NS}" xmlns:w15="{W15_NS}" '
            f'mc:Ignorable="w14 w15">{"".join(o)}</w:fonts>')


DOCX_WEB_SETTINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     f'<w:webSettings xmlns:mc="{MC_NS}" xmlns:r="{R_NS}" xmlns:w="{W_NS}" xmlns:w14="{W14_NS}" '
                     f'xmlns:w15="{W15_NS}" mc:Ignorable="w14 w15"><w:optimizeForBrowser/><w:allowPNG/></w:webSettings>')


def _guid(rng):
    h = "%032X" % rng.getrandbits(128)
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}}}"


def _docx_office_settings(m: DocxMarkup):
    rng = m.rng
    compat = ("<w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/>"
              "<w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>"
              + "".join(f'<w:compatSetting w:name="{n}" w:uri="http://schemas.microsoft.com/office/word" w:val="{v}"/>'
                        for n, v in (("compatibilityMode", 15), ("overrideTableStyleFontSizeAndJustification", 1),
                                     ("enableOpenTypeFeatures", 1), ("doNotFlipMirrorIndents", 1),
                                     ("differentiateMultirowTableHeaders", 1))))
    rsids = f'<w:rsids><w:rsidRoot w:val="{m.root}"/>' + "".join(f'<w:rsid w:val="{x}"/>' for x in m.rsids) + "</w:rsids>"
    doc_vars = ""
    if m.wps:
        hdid = "%032x" % rng.getrandbits(128)
        import base64
        b64 = base64.b64encode(('{"hdid":"%s"}' % hdid).encode()).decode()
        doc_vars = f'<w:docVars><w:docVar w:name="commondata" w:val="{b64}"/></w:docVars>'
    math = ('<m:mathPr><m:mathFont m:val="Cambria Math"/><m:brkBin m:val="before"/><m:brkBinSub m:val="--"/>'
            '<m:smallFrac m:val="0"/><m:dispDef/><m:lMargin m:val="0"/><m:rMargin m:val="0"/><m:defJc m:val="centerGroup"/>'
            '<m:wrapIndent m:val="1440"/><m:intLim m:val="subSup"/><m:naryLim m:val="undOvr"/></m:mathPr>')
    clr = ('<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" '
           'w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" '
           'w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>')
    shapes = ('<w:shapeDefaults><o:shapedefaults v:ext="edit" spidmax="2049"/><o:shapelayout v:ext="edit">'
              '<o:idmap v:ext="edit" data="1"/></o:shapelayout></w:shapeDefaults>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:settings xmlns:mc="{MC_NS}" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:r="{R_NS}" '
            'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml" '
            f'xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="{W_NS}" xmlns:w14="{W14_NS}" xmlns:w15="{W15_NS}" '
            'xmlns:sl="http://schemas.openxmlformats.org/schemaLibrary/2006/main" mc:Ignorable="w14 w15">'
            f'<w:zoom w:percent="{rng.choice([100, 100, 110, 120, 130, 90])}"/><w:bordersDoNotSurroundHeader/>'
            '<w:bordersDoNotSurroundFooter/><w:proofState w:spelling="clean" w:grammar="clean"/>'
            '<w:defaultTabStop w:val="420"/><w:drawingGridHorizontalSpacing w:val="160"/>'
            '<w:drawingGridVerticalSpacing w:val="579"/><w:displayHorizontalDrawingGridEvery w:val="0"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/><w:hdrShapeDefaults><o:shapedefaults v:ext="edit" '
            f'spidmax="2049"/></w:hdrShapeDefaults><w:compat>{compat}</w:compat>{doc_vars}{rsids}{math}'
            f'<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>{clr}{shapes}<w:decimalSymbol w:val="."/>'
            f'<w:listSeparator w:val=","/><w14:docId w14:val="{rng.randrange(0x10000000, 0x7FFFFFFF):08X}"/>'
            f'<w15:chartTrackingRefBased/><w15:docId w15:val="{_guid(rng)}"/></w:settings>')


def _docx_office_numbering(rng):
    lvls = []
    for i in range(9):
        if i == 0:
            fmt, text = "chineseCounting", "%1、"
        elif i == 1:
            fmt, text = "chineseCounting", "（%2）"
        else:
            fmt, text = "decimal", f"%{i + 1}."
        lvls.append(f'<w:lvl w:ilvl="{i}" w:tplc="{rng.randrange(0x04090000, 0x0409FFFF):08X}"><w:start w:val="1"/>'
                    f'<w:numFmt w:val="{fmt}"/>' + ('<w:suff w:val="nothing"/>' if i < 2 else "")
                    + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr>'
                    + ('<w:ind w:left="0" w:firstLine="640"/>' if i < 2 else
                       f'<w:ind w:left="{420 * i + 420}" w:hanging="420"/>') + "</w:pPr></w:lvl>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:numbering xmlns:mc="{MC_NS}" xmlns:r="{R_NS}" xmlns:w="{W_NS}" xmlns:w14="{W14_NS}" xmlns:w15="{W15_NS}" '
            f'mc:Ignorable="w14 w15"><w:abstractNum w:abstractNumId="0" w15:restartNumberingAfterBreak="0">'
            f'<w:nsid w:val="{rng.getrandbits(32):08X}"/><w:multiLevelType w:val="multilevel"/>'
            f'<w:tmpl w:val="{rng.getrandbits(32):08X}"/>{"".join(lvls)}</w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')


def _docx_office_app(r: Report, m: DocxMarkup, chars):
    pages = 3 + chars // 900
    words = chars * 95 // 100
    if m.wps:
        app = (f"<Application>WPS Office_11.1.0.{m.rng.choice([11830, 12313, 12763, 13703, 14309])}"
               "_F1E327BC-269C-435d-A152-05C5408002CA</Application>")
        version = ""
    else:
        app = "<Application>Microsoft Office Word</Application>"
        version = "<AppVersion>16.0000</AppVersion>"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<Template>Normal.dotm</Template><TotalTime>{m.rng.randint(3, 400)}</TotalTime><Pages>{pages}</Pages>'
            f'<Words>{words}</Words><Characters>{chars}</Characters>{app}<DocSecurity>0</DocSecurity>'
            f'<Lines>{chars // 28 + 10}</Lines><Paragraphs>{chars // 300 + 5}</Paragraphs><ScaleCrop>false</ScaleCrop>'
            '<Company></Company><LinksUpToDate>false</LinksUpToDate>'
            f'<CharactersWithSpaces>{chars + chars // 50}</CharactersWithSpaces><SharedDoc>false</SharedDoc>'
            f'<HyperlinksChanged>false</HyperlinksChanged>{version}</Properties>')


def _docx_custom(m: DocxMarkup):
    rng = m.rng
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    build = f"2052-11.1.0.{rng.choice([11830, 12313, 12763, 13703, 14309])}"
    icv = "%032X_%d" % (rng.getrandbits(128), rng.choice([11, 12, 13]))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<property fmtid="{fmtid}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>{build}</vt:lpwstr></property>'
            f'<property fmtid="{fmtid}" pid="3" name="ICV"><vt:lpwstr>{icv}</vt:lpwstr></property></Properties>')


_DOCX_STATIC = {}


def _docx_static(key, make):
    """Parts that are the same in every file of one kind, built once per process."""
    if key not in _DOCX_STATIC:
        _DOCX_STATIC[key] = make().encode()
    return _DOCX_STATIC[key]


def write_docx_office(r: Report, level=6) -> bytes:
    """The report as Word 2016 or WPS writes it (bench mode)."""
    m = DocxMarkup(r)
    rng = m.rng
    custom = m.wps or rng.random() < 0.1  # WPS writes docProps/custom.xml; a few Word files keep one from WPS
    parts = ["numbering", "styles", "settings", "webSettings"] + (["image"] if r.seal is not None else []) + [
        "footer", "fontTable", "theme"]
    rid = {p: f"rId{i}" for i, p in enumerate(parts, 1)}
    targets = {"numbering": ("numbering", "numbering.xml"), "styles": ("styles", "styles.xml"),
               "settings": ("settings", "settings.xml"), "webSettings": ("webSettings", "webSettings.xml"),
               "image": ("image", "media/image1.png"), "footer": ("footer", "footer1.xml"),
               "fontTable": ("fontTable", "fontTable.xml"), "theme": ("theme", "theme/theme1.xml")}
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="{rid[p]}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/{targets[p][0]}" Target="{targets[p][1]}"/>' for p in parts)
            + "</Relationships>")
    pkg_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" '
                'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
                'Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                + ('<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'custom-properties" Target="docProps/custom.xml"/>' if custom else "")
                + "</Relationships>")
    ov = "application/vnd.openxmlformats-officedocument"
    overrides = [("/word/document.xml", f"{ov}.wordprocessingml.document.main+xml"),
                 ("/word/numbering.xml", f"{ov}.wordprocessingml.numbering+xml"),
                 ("/word/styles.xml", f"{ov}.wordprocessingml.styles+xml"),
                 ("/word/settings.xml", f"{ov}.wordprocessingml.settings+xml"),
                 ("/word/webSettings.xml", f"{ov}.wordprocessingml.webSettings+xml"),
                 ("/word/footer1.xml", f"{ov}.wordprocessingml.footer+xml"),
                 ("/word/fontTable.xml", f"{ov}.wordprocessingml.fontTable+xml"),
                 ("/word/theme/theme1.xml", f"{ov}.theme+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", f"{ov}.extended-properties+xml")]
    if custom:
        overrides.append(("/docProps/custom.xml", f"{ov}.custom-properties+xml"))
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          + ('<Default Extension="png" ContentType="image/png"/>' if r.seal is not None else "")
          + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")
    document = docx_office_document(r, m, rid.get("image"), rid["footer"])
    media = [("word/media/image1.png", seal_png(r.seal), True)] if r.seal is not None else []
    members = [
        ("[Content_Types].xml", ct.encode(), False),
        ("_rels/.rels", pkg_rels.encode(), False),
        ("word/document.xml", document.encode(), False),
        ("word/_rels/document.xml.rels", rels.encode(), False),
        ("word/footer1.xml", DOCX_FOOTER.encode(), False),
    ] + media + [
        ("word/theme/theme1.xml", _docx_static("theme", _theme_xml), False),
        ("word/settings.xml", _docx_office_settings(m).encode(), False),
        ("word/styles.xml", _docx_static(("styles", m.body_font), lambda: _docx_office_styles(m.body_font)), False),
        ("word/numbering.xml", _docx_office_numbering(rng).encode(), False),
        ("word/webSettings.xml", DOCX_WEB_SETTINGS.encode(), False),
        ("word/fontTable.xml", _docx_static(("fonts", m.wps), lambda: _docx_font_table(m.wps)), False),
        ("docProps/core.xml", docx_core(r).encode(), False),
        ("docProps/app.xml", _docx_office_app(r, m, r.text_chars()).encode(), False),
    ]
    if custom:
        members.append(("docProps/custom.xml", _docx_custom(m).encode(), False))
    return zip_bytes(members, level)


# -- LibreOffice 7 ---------------------------------------------------------------

LO_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:ooo="http://openoffice.org/2004/office" '
         'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
         'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
         'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:rpt="http://openoffice.org/2005/report" '
         'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
         'xmlns:dr3d="urn:oasis:names:tc:opendocument:xmlns:dr3d:1.0" '
         'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
         'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" '
         'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
         'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:ooow="http://openoffice.org/2004/writer" '
         'xmlns:oooc="http://openoffice.org/2004/calc" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
         'xmlns:xforms="http://www.w3.org/2002/xforms" xmlns:tableooo="http://openoffice.org/2009/table" '
         'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
         'xmlns:drawooo="http://openoffice.org/2010/draw" xmlns:xhtml="http://www.w3.org/1999/xhtml" '
         'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" '
         'xmlns:field="urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0" '
         'xmlns:math="http://www.w3.org/1998/Math/MathML" xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" '
         'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
         'xmlns:formx="urn:openoffice:names:experimental:ooxml-odf-interop:xmlns:form:1.0" '
         'xmlns:dom="http://www.w3.org/2001/xml-events" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:grddl="http://www.w3.org/2003/g/data-view#" '
         'xmlns:css3t="http://www.w3.org/TR/css3-text/" xmlns:officeooo="http://openoffice.org/2009/office"')

LO_FONTS = [  # style:name, family, generic, pitch
    ("Times New Roman", "&apos;Times New Roman&apos;", "roman", "variable"),
    ("Liberation Serif", "&apos;Liberation Serif&apos;", "roman", "variable"),
    ("Liberation Sans", "&apos;Liberation Sans&apos;", "swiss", "variable"),
    ("Lucida Sans", "&apos;Lucida Sans&apos;", "swiss", None),
    ("Lucida Sans1", "&apos;Lucida Sans&apos;", "system", "variable"),
    ("Noto Sans CJK SC", "&apos;Noto Sans CJK SC&apos;", "system", "variable"),
    ("NSimSun", "NSimSun", "system", "variable"),
    ("仿宋", "仿宋", "system", "variable"),
    ("仿宋_GB2312", "仿宋_GB2312", "system", "variable"),
    ("宋体", "宋体", "system", "variable"),
    ("方正小标宋简体", "方正小标宋简体", "system", "variable"),
    ("楷体_GB2312", "楷体_GB2312", "system", "variable"),
    ("黑体", "黑体", "system", "variable"),
]


def _lo_font_decls():
    o = []
    for name, fam, gen, pitch in LO_FONTS:
        p = f' style:font-pitch="{pitch}"' if pitch else ""
        o.append(f'<style:font-face style:name="{name}" svg:font-family="{fam}" style:font-family-generic="{gen}"{p}/>')
    return f'<office:font-face-decls>{"".join(o)}</office:font-face-decls>'


def col_letter(i):
    s = ""
    i += 1
    while i:
        i, k = divmod(i - 1, 26)
        s = chr(65 + k) + s
    return s


class OdtMarkup:
    """Random but reproducible habits of one LibreOffice 7 document: automatic
    paragraph styles P1..Pn and text styles T1..Tn that carry editing-session rsids."""

    def __init__(self, r: Report):
        rng = self.rng = random.Random(zlib.crc32(b"odt-markup:" + r.stem.encode()))
        self.rsids = rsid_pool(rng, 8, 60, "%08x", 0x00200000)
        self.hot = self.rsids[:max(2, len(self.rsids) // 4)]
        self.pnames, self.pdefs = {}, []
        self.tnames, self.tdefs = {}, []
        self.page_left = rng.randint(550, 800)
        self.break_due = False
        self.body_font = rng.choice(["仿宋_GB2312", "仿宋_GB2312", "仿宋"])
        self.title_font = rng.choice(["方正小标宋简体", "宋体", "黑体"])
        self.cell_size = rng.choice(["9pt", "10pt", "10.5pt"])
        self.head_bold = rng.random() < 0.4
        self.version = rng.choice([("7.3.7.2", "e114eadc50a9ff8d8c8a0567d6da8f454beeb84f"),
                                   ("7.4.7.2", "723314e595e8007d3cf785c16538505a1c878ca5"),
                                   ("7.5.9.2", "cdeefe45c17511d326101eed8008ac4092f278a9"),
                                   ("7.6.4.1", "e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1")])

    def session(self):
        rng = self.rng
        return rng.choice(self.hot) if rng.random() < 0.7 else rng.choice(self.rsids)

    def advance(self, n):
        self.page_left -= n
        if self.page_left <= 0:
            self.break_due = True
            self.page_left += self.rng.randint(550, 800)

    def pstyle(self, kind):
        """Name of an automatic paragraph style of this kind for a paragraph typed in a
        random session, and the session's rsid."""
        prsid = self.session()
        rsid = prsid if self.rng.random() < 0.6 else self.session()
        key = (kind, prsid, rsid)
        name = self.pnames.get(key)
        if name is None:
            name = self.pnames[key] = f"P{len(self.pnames) + 1}"
            rs = f'officeooo:rsid="{rsid}" officeooo:paragraph-rsid="{prsid}"'
            bold = 'fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"'
            indent = '<style:paragraph-properties fo:text-indent="1.129cm" style:auto-text-indent="false"/>'
            parent, props = {
                "title": ("Standard", '<style:paragraph-properties fo:margin-bottom="0.2cm" fo:text-align="center" '
                          'style:justify-single-word="false"/><style:text-properties style:font-name="'
                          f'{self.title_font}" fo:font-size="22pt" fo:font-weight="bold" {rs} style:font-name-asian="'
                          f'{self.title_font}" style:font-size-asian="22pt" style:font-weight-asian="bold"/>'),
                "body": ("Text_20_body", f"{indent}<style:text-properties {rs}/>"),
                "bold": ("Standard", f"{indent}<style:text-properties {rs} {bold}/>"),
                "h1": ("Heading_20_1", f"<style:text-properties {rs}/>"),
                "h2": ("Heading_20_2", f"<style:text-properties {rs}/>"),
                "sign": ("Standard", '<style:paragraph-properties fo:text-align="end" style:justify-single-word="false"/>'
                         f"<style:text-properties {rs}/>"),
                "plain": ("Standard", f"<style:text-properties {rs}/>"),
                "cell": ("Table_20_Contents", '<style:paragraph-properties fo:text-align="center" '
                         f'style:justify-single-word="false"/><style:text-properties fo:font-size="{self.cell_size}" '
                         f'{rs} style:font-size-asian="{self.cell_size}"/>'),
                "cellhead": ("Table_20_Contents", '<style:paragraph-properties fo:text-align="center" '
                             f'style:justify-single-word="false"/><style:text-properties fo:font-size="{self.cell_size}" '
                             f'{rs} style:font-size-asian="{self.cell_size}"'
                             + (f" {bold}" if self.head_bold else "") + "/>"),
            }[kind]
            self.pdefs.append(f'<style:style style:name="{name}" style:family="paragraph" '
                              f'style:parent-style-name="{parent}">{props}</style:style>')
        return name, rsid

    def tstyle(self, kind, rsid):
        key = (kind, rsid)
        name = self.tnames.get(key)
        if name is None:
            name = self.tnames[key] = f"T{len(self.tnames) + 1}"
            extra = {"plain": "", "digit": ' style:font-name="Times New Roman"',
                     "bold": ' fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"'}[kind]
            rs = f'officeooo:rsid="{rsid}"'
            props = f"{extra[1:]} {rs}" if kind == "digit" else (f"{rs}{extra}" if extra else rs)
            self.tdefs.append(f'<style:style style:name="{name}" style:family="text"><style:text-properties {props}/>'
                              "</style:style>")
        return name

    def text(self, text, prsid, digits=False, bold=False, lo=5, hi=40):
        """Paragraph content: text cut into bare pieces (typed in the paragraph's session)
        and text:span pieces with T styles; digit groups in Times New Roman spans."""
        rng = self.rng
        o = []
        kind = "bold" if bold else "plain"
        for li, line in enumerate(text.split("\n")):
            if li:
                o.append("<text:line-break/>")
            segs = digit_segments(line) if digits else [(False, line)]
            for is_digit, seg in segs:
                for piece in ([seg] if is_digit else cut(rng, seg, lo, hi)):
                    if self.break_due:
                        o.append("<text:soft-page-break/>")
                        self.break_due = False
                    body = odt_text(piece)
                    if is_digit:
                        o.append(f'<text:span text:style-name="{self.tstyle("digit", self.session())}">{body}</text:span>')
                    elif rng.random() < 0.5:
                        o.append(body)
                    else:
                        rs = self.session()
                        if rs == prsid:
                            o.append(body)
                        else:
                            o.append(f'<text:span text:style-name="{self.tstyle(kind, rs)}">{body}</text:span>')
                    self.advance(len(piece))
        return "".join(o)

    def para(self, kind, text, digits=False, bold=False, lo=5, hi=40, tag="p", attrs=""):
        name, rsid = self.pstyle(kind)
        inner = self.text(text, rsid, digits, bold, lo, hi)
        if not inner:
            return f'<text:{tag} text:style-name="{name}"{attrs}/>'
        return f'<text:{tag} text:style-name="{name}"{attrs}>{inner}</text:{tag}>'


def odt_office_table(t: Table, idx, m: OdtMarkup, auto, repeat_cols=False, repeat_covered=False):
    name = f"表格{idx}"
    total = sum(t.widths)
    auto.append(f'<style:style style:name="{name}" style:family="table"><style:table-properties style:width="{cm(total)}" '
                'fo:margin-left="0cm" table:align="center" style:writing-mode="lr-tb"/></style:style>')
    col_style = {}
    for ci, w in enumerate(t.widths):
        if w not in col_style:
            col_style[w] = f"{name}.{col_letter(ci)}"
            auto.append(f'<style:style style:name="{col_style[w]}" style:family="table-column">'
                        f'<style:table-column-properties style:column-width="{cm(w)}" style:rel-column-width="{w}*"/>'
                        "</style:style>")
    auto.append(f'<style:style style:name="{name}.1" style:family="table-row"><style:table-row-properties '
                'style:min-row-height="0.801cm"/></style:style>')
    line = "0.5pt solid #000000"
    for cname, top, left in (("A1", line, line), ("B1", line, "none"), ("A2", "none", line), ("B2", "none", "none")):
        auto.append(f'<style:style style:name="{name}.{cname}" style:family="table-cell"><style:table-cell-properties '
                    f'style:vertical-align="middle" fo:padding="0.049cm" fo:border-left="{left}" fo:border-right="{line}" '
                    f'fo:border-top="{top}" fo:border-bottom="{line}"/></style:style>')
    o = [f'<table:table table:name="{name}" table:style-name="{name}">']
    ci = 0
    while ci < t.n_cols:
        n = 1
        while repeat_cols and ci + n < t.n_cols and t.widths[ci + n] == t.widths[ci]:
            n += 1
        rp = f' table:number-columns-repeated="{n}"' if n > 1 else ""
        o.append(f'<table:table-column table:style-name="{col_style[t.widths[ci]]}"{rp}/>')
        ci += n
    for ri, items in enumerate(t.layout()):
        head = ri < t.header_rows
        if ri == 0 and t.header_rows:
            o.append("<table:table-header-rows>")
        m.advance(30)
        if m.break_due and not head:
            o.append("<text:soft-page-break/>")
            m.break_due = False
        o.append(f'<table:table-row table:style-name="{name}.1">')
        run = 0
        for pos, (kind, c) in enumerate(items):
            if kind != "anchor":
                run += 1
                if not repeat_covered or pos + 1 == len(items) or items[pos + 1][0] == "anchor":
                    if repeat_covered and run > 1:
                        o.append(f'<table:covered-table-cell table:number-columns-repeated="{run}"/>')
                    else:
                        o.extend(["<table:covered-table-cell/>"] * run)
                    run = 0
                continue
            cs = ("A" if c["col"] == 0 else "B") + ("1" if c["row"] == 0 else "2")
            attrs = f' table:style-name="{name}.{cs}" office:value-type="string"'
            if c["col_span"] > 1:
                attrs += f' table:number-columns-spanned="{c["col_span"]}"'
            if c["row_span"] > 1:
                attrs += f' table:number-rows-spanned="{c["row_span"]}"'
            o.append(f"<table:table-cell{attrs}>")
            pk = "cellhead" if head else "cell"
            lines = [c["text"]] if c["br"] else c["text"].split("\n")
            for ln in lines:
                o.append(m.para(pk, ln, digits=not head, lo=2, hi=12))
            o.append("</table:table-cell>")
        o.append("</table:table-row>")
        if t.header_rows and ri == t.header_rows - 1:
            o.append("</table:table-header-rows>")
    o.append("</table:table>")
    return "".join(o)


def odt_picture_name(r: Report, m: OdtMarkup):
    size = 180 + 20 * (r.seal % 3)
    return f"Pictures/10000001000000{size:02X}000000{size:02X}{zlib.crc32(seal_png(r.seal)):08X}{m.rng.getrandbits(32):08X}.png"


def odt_office_content(r: Report, m: OdtMarkup, picture):
    auto_tables = []
    body = ['<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Illustration"/>'
            '<text:sequence-decl text:display-outline-level="0" text:name="Table"/>'
            '<text:sequence-decl text:display-outline-level="0" text:name="Text"/>'
            '<text:sequence-decl text:display-outline-level="0" text:name="Drawing"/>'
            '<text:sequence-decl text:display-outline-level="0" text:name="Figure"/></text:sequence-decls>']
    ti = 0
    for b in r.blocks:
        kind = b[0]
        if kind == "title":
            body.append(m.para("title", b[1], lo=4, hi=20))
        elif kind == "title_h1":
            body.append(m.para("h1", b[1], lo=4, hi=20, tag="h", attrs=' text:outline-level="1"'))
        elif kind == "h":
            _, level, number, text = b
            if r.heading_style in ("style", "numbering"):
                shown = text if r.heading_style == "numbering" else number + text
                body.append(m.para(f"h{min(level, 2)}", shown, lo=3, hi=16, tag="h",
                                   attrs=f' text:outline-level="{level}"'))
            elif r.heading_style == "bold":
                body.append(m.para("bold", number + text, bold=True, lo=3, hi=16))
            else:
                body.append(m.para("plain", number + text))
        elif kind in ("body", "pad"):
            body.append(m.para("body", b[1], digits=True))
        elif kind == "plain":
            body.append(m.para("plain", b[1]))
        elif kind == "sign":
            body.append(m.para("sign", b[1], lo=4, hi=12))
        elif kind == "image":
            name, _ = m.pstyle("sign")
            body.append(f'<text:p text:style-name="{name}"><draw:frame draw:style-name="fr1" draw:name="图像1" '
                        'text:anchor-type="as-char" svg:width="4cm" svg:height="4cm" draw:z-index="0">'
                        f'<draw:image xlink:href="{picture}" xlink:type="simple" xlink:show="embed" '
                        'xlink:actuate="onLoad" draw:mime-type="image/png"/></draw:frame></text:p>')
        elif kind == "table":
            ti += 1
            body.append(odt_office_table(b[1], ti, m, auto_tables, r.odt_repeat_cols, r.odt_repeat_covered))
            body.append(m.para("plain", ""))
    graphic = ('<style:style style:name="fr1" style:family="graphic" style:parent-style-name="Graphics">'
               '<style:graphic-properties style:vertical-pos="top" style:vertical-rel="baseline" style:mirror="none" '
               'fo:clip="rect(0cm, 0cm, 0cm, 0cm)" draw:luminance="0%" draw:contrast="0%" draw:red="0%" draw:green="0%" '
               'draw:blue="0%" draw:gamma="100%" draw:color-inversion="false" draw:image-opacity="100%" '
               'draw:color-mode="standard"/></style:style>') if r.seal is not None else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document-content {LO_NS} office:version="1.3"><office:scripts/>{_lo_font_decls()}'
            f'<office:automatic-styles>{"".join(auto_tables)}{"".join(m.pdefs)}{"".join(m.tdefs)}{graphic}'
            f'</office:automatic-styles><office:body><office:text>{"".join(body)}</office:text></office:body>'
            '</office:document-content>')


def odt_office_styles(numbered: bool, m: OdtMarkup):
    levels = []
    for lvl in range(1, 11):
        if numbered and lvl == 1:
            fmt = 'loext:num-list-format="%1%、" style:num-suffix="、" style:num-format="一, 二, 三, ..."'
        elif numbered and lvl == 2:
            fmt = 'loext:num-list-format="（%2%）" style:num-prefix="（" style:num-suffix="）" style:num-format="一, 二, 三, ..."'
        else:
            fmt = f'loext:num-list-format="%{lvl}%" style:num-format=""'
        levels.append(f'<text:outline-level-style text:level="{lvl}" {fmt}><style:list-level-properties '
                      'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment '
                      'text:label-followed-by="nothing" fo:text-indent="0cm" fo:margin-left="0cm"/></style:list-level-properties>'
                      '</text:outline-level-style>')
    f = m.body_font
    hy = ('fo:hyphenate="false" fo:hyphenation-remain-char-count="2" fo:hyphenation-push-char-count="2" '
          'loext:hyphenation-no-caps="false" loext:hyphenation-no-last-word="false" '
          'loext:hyphenation-word-char-count="5" loext:hyphenation-zone="no-limit"')
    styles = (
        '<style:default-style style:family="graphic"><style:graphic-properties svg:stroke-color="#3465a4" '
        'draw:fill-color="#729fcf" fo:wrap-option="no-wrap" draw:shadow-offset-x="0.3cm" draw:shadow-offset-y="0.3cm" '
        'draw:start-line-spacing-horizontal="0.283cm" draw:start-line-spacing-vertical="0.283cm" '
        'draw:end-line-spacing-horizontal="0.283cm" draw:end-line-spacing-vertical="0.283cm" style:flow-with-text="false"/>'
        '<style:paragraph-properties style:text-autospace="ideograph-alpha" style:line-break="strict" '
        'loext:tab-stop-distance="0cm" style:writing-mode="lr-tb" style:font-independent-line-spacing="false">'
        '<style:tab-stops/></style:paragraph-properties><style:text-properties style:use-window-font-color="true" '
        'loext:opacity="0%" style:font-name="Times New Roman" fo:font-size="16pt" fo:language="en" fo:country="US" '
        f'style:letter-kerning="true" style:font-name-asian="{f}" style:font-size-asian="16pt" style:language-asian="zh" '
        'style:country-asian="CN" style:font-name-complex="Lucida Sans1" style:font-size-complex="12pt" '
        'style:language-complex="hi" style:country-complex="IN"/></style:default-style>'
        '<style:default-style style:family="paragraph"><style:paragraph-properties fo:orphans="2" fo:widows="2" '
        'fo:hyphenation-ladder-count="no-limit" fo:line-height="0.988cm" style:text-autospace="ideograph-alpha" '
        'style:punctuation-wrap="hanging" style:line-break="strict" style:tab-stop-distance="1.251cm" '
        'style:writing-mode="page"/><style:text-properties style:use-window-font-color="true" loext:opacity="0%" '
        'style:font-name="Times New Roman" fo:font-size="16pt" fo:language="en" fo:country="US" style:letter-kerning="true" '
        f'style:font-name-asian="{f}" style:font-size-asian="16pt" style:language-asian="zh" style:country-asian="CN" '
        'style:font-name-complex="Lucida Sans1" style:font-size-complex="12pt" style:language-complex="hi" '
        f'style:country-complex="IN" {hy}/></style:default-style>'
        '<style:default-style style:family="table"><style:table-properties table:border-model="collapsing"/>'
        '</style:default-style><style:default-style style:family="table-row"><style:table-row-properties '
        'fo:keep-together="auto"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        '<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" '
        'style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.423cm" '
        'fo:margin-bottom="0.212cm" style:contextual-spacing="false" fo:keep-with-next="always"/><style:text-properties '
        'style:font-name="Liberation Sans" fo:font-family="&apos;Liberation Sans&apos;" style:font-family-generic="swiss" '
        'style:font-pitch="variable" fo:font-size="16pt" style:font-name-asian="黑体" style:font-family-asian="黑体" '
        'style:font-family-generic-asian="system" style:font-pitch-asian="variable" style:font-size-asian="16pt" '
        'style:font-name-complex="Lucida Sans1" style:font-family-complex="&apos;Lucida Sans&apos;" '
        'style:font-family-generic-complex="system" style:font-pitch-complex="variable" style:font-size-complex="14pt"/>'
        '</style:style>'
        '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0cm" '
        'fo:margin-bottom="0cm" style:contextual-spacing="false"/></style:style>'
        '<style:style style:name="List" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list">'
        '<style:text-properties style:font-size-asian="12pt" style:font-name-complex="Lucida Sans" '
        'style:font-family-complex="&apos;Lucida Sans&apos;" style:font-family-generic-complex="swiss"/></style:style>'
        '<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">'
        '<style:paragraph-properties fo:margin-top="0.212cm" fo:margin-bottom="0.212cm" style:contextual-spacing="false" '
        'text:number-lines="false" text:line-number="0"/><style:text-properties fo:font-size="12pt" fo:font-style="italic" '
        'style:font-size-asian="12pt" style:font-style-asian="italic" style:font-name-complex="Lucida Sans" '
        'style:font-family-complex="&apos;Lucida Sans&apos;" style:font-family-generic-complex="swiss" '
        'style:font-size-complex="12pt" style:font-style-complex="italic"/></style:style>'
        '<style:style style:name="Index" style:family="paragraph" style:parent-style-name="Standard" style:class="index">'
        '<style:paragraph-properties text:number-lines="false" text:line-number="0"/><style:text-properties '
        'style:font-size-asian="12pt" style:font-name-complex="Lucida Sans" style:font-family-complex="&apos;Lucida Sans&apos;" '
        'style:font-family-generic-complex="swiss"/></style:style>'
        '<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" '
        'style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="1" '
        'style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" fo:text-indent="1.129cm" '
        'style:contextual-spacing="false" style:auto-text-indent="false"/><style:text-properties '
        'style:font-name-asian="黑体" style:font-size-asian="16pt"/></style:style>'
        '<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" '
        'style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="2" '
        'style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" fo:text-indent="1.129cm" '
        'style:contextual-spacing="false" style:auto-text-indent="false"/><style:text-properties fo:font-weight="bold" '
        'style:font-name-asian="楷体_GB2312" style:font-weight-asian="bold"/></style:style>'
        '<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:orphans="0" fo:widows="0" '
        'fo:line-height="100%" text:number-lines="false" text:line-number="0"/></style:style>'
        '<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" '
        'style:parent-style-name="Table_20_Contents" style:class="extra"><style:paragraph-properties fo:text-align="center" '
        'style:justify-single-word="false" text:number-lines="false" text:line-number="0"/><style:text-properties '
        'fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"/></style:style>'
        '<style:style style:name="Header_20_and_20_Footer" style:display-name="Header and Footer" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties text:number-lines="false" '
        'text:line-number="0"><style:tab-stops><style:tab-stop style:position="7.8cm" style:type="center"/>'
        '<style:tab-stop style:position="15.601cm" style:type="right"/></style:tab-stops></style:paragraph-properties>'
        '</style:style>'
        '<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Header_20_and_20_Footer" '
        'style:class="extra"><style:paragraph-properties fo:text-align="center" style:justify-single-word="false" '
        'text:number-lines="false" text:line-number="0"/><style:text-properties fo:font-size="14pt" '
        'style:font-size-asian="14pt"/></style:style>'
        '<style:style style:name="Frame_20_contents" style:display-name="Frame contents" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="extra"/>'
        '<style:style style:name="Numbering_20_Symbols" style:display-name="Numbering Symbols" style:family="text"/>'
        '<style:style style:name="Graphics" style:family="graphic"><style:graphic-properties text:anchor-type="paragraph" '
        'svg:x="0cm" svg:y="0cm" style:wrap="dynamic" style:number-wrapped-paragraphs="no-limit" '
        'style:wrap-contour="false" style:vertical-pos="top" style:vertical-rel="paragraph" style:horizontal-pos="center" '
        'style:horizontal-rel="paragraph"/></style:style>'
        f'<text:outline-style style:name="Outline">{"".join(levels)}</text:outline-style>'
        '<text:notes-configuration text:note-class="footnote" style:num-format="1" text:start-value="0" '
        'text:footnotes-position="page" text:start-numbering-at="document"/><text:notes-configuration '
        'text:note-class="endnote" style:num-format="i" text:start-value="0"/><text:linenumbering-configuration '
        'text:number-lines="false" text:offset="0.499cm" style:num-format="1" text:number-position="left" '
        'text:increment="5"/>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document-styles {LO_NS} office:version="1.3">{_lo_font_decls()}<office:styles>{styles}'
            '</office:styles><office:automatic-styles><style:style style:name="MP1" style:family="paragraph" '
            f'style:parent-style-name="Footer"><style:text-properties officeooo:rsid="{m.rsids[0]}" '
            f'officeooo:paragraph-rsid="{m.rsids[0]}"/>'
            '</style:style><style:page-layout style:name="Mpm1"><style:page-layout-properties fo:page-width="21.001cm" '
            'fo:page-height="29.7cm" style:num-format="1" style:print-orientation="portrait" fo:margin-top="3.7cm" '
            'fo:margin-bottom="2.7cm" fo:margin-left="2.8cm" fo:margin-right="2.6cm" style:writing-mode="lr-tb" '
            'style:layout-grid-color="#c0c0c0" style:layout-grid-lines="22" style:layout-grid-base-height="0.988cm" '
            'style:layout-grid-ruby-height="0cm" style:layout-grid-mode="none" style:layout-grid-ruby-below="false" '
            'style:layout-grid-print="false" style:layout-grid-display="false" style:footnote-max-height="0cm" '
            'loext:margin-gutter="0cm"><style:footnote-sep style:width="0.018cm" style:distance-before-sep="0.101cm" '
            'style:distance-after-sep="0.101cm" style:line-style="solid" style:adjustment="left" '
            'style:rel-width="25%" style:color="#000000"/></style:page-layout-properties><style:header-style/>'
            '<style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.5cm"/>'
            '</style:footer-style></style:page-layout><style:style style:name="Mdp1" style:family="drawing-page">'
            '<style:drawing-page-properties draw:background-size="full"/></style:style></office:automatic-styles>'
            '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="Mpm1" '
            'draw:style-name="Mdp1"><style:footer><text:p text:style-name="MP1">— <text:page-number '
            'text:select-page="current">1</text:page-number> —</text:p></style:footer></style:master-page>'
            '</office:master-styles></office:document-styles>')


# name, type, value; "$x" values are filled in per document
_LO_VIEW = ("ViewAreaTop:long:0|ViewAreaLeft:long:0|ViewAreaWidth:long:$w|ViewAreaHeight:long:$h|"
            "ShowRedlineChanges:boolean:true|InBrowseMode:boolean:false")
_LO_VIEW_ENTRY = ("ViewId:string:view2|ViewLeft:long:$vl|ViewTop:long:$vt|VisibleLeft:long:0|VisibleTop:long:0|"
                  "VisibleRight:long:$w|VisibleBottom:long:$h|ZoomType:short:0|ViewLayoutColumns:short:1|"
                  "ViewLayoutBookMode:boolean:false|ZoomFactor:short:$z|IsSelectedFrame:boolean:false|"
                  "KeepRatio:boolean:false|AnchoredTextOverflowLegacy:boolean:false|"
                  "LegacySingleLineFontwork:boolean:false|ConnectorUseSnapRect:boolean:false|"
                  "IgnoreBreakAfterMultilineField:boolean:false")
_LO_CONFIG = (
    "PrintControls:boolean:true|PrintLeftPages:boolean:true|PrintTextPlaceholder:boolean:false|"
    "PrintAnnotationMode:short:0|PrintHiddenText:boolean:false|PrintPaperFromSetup:boolean:false|"
    "PrintRightPages:boolean:true|PrintFaxName:string:|PrintSingleJobs:boolean:false|PrintProspectRTL:boolean:false|"
    "PrintEmptyPages:boolean:false|PrintReversed:boolean:false|PrintTables:boolean:true|PrintBlackFonts:boolean:false|"
    "PrintPageBackground:boolean:true|PrintGraphics:boolean:true|PrintProspect:boolean:false|PrintDrawings:boolean:true|"
    "AlignTabStopPosition:boolean:true|PrinterSetup:base64Binary:|AddParaTableSpacing:boolean:true|"
    "IgnoreFirstLineIndentInNumbering:boolean:false|TabAtLeftIndentForParagraphsInList:boolean:false|"
    "IsKernAsianPunctuation:boolean:false|ChartAutoUpdate:boolean:true|LinkUpdateMode:short:1|"
    "FieldAutoUpdate:boolean:true|UnxForceZeroExtLeading:boolean:false|UseOldNumbering:boolean:false|"
    "AddParaTableSpacingAtStart:boolean:true|PrinterName:string:|InvertBorderSpacing:boolean:false|"
    "RedlineProtectionKey:base64Binary:|UseFormerTextWrapping:boolean:false|PrinterPaperFromSetup:boolean:false|"
    "BackgroundParaOverDrawings:boolean:false|CurrentDatabaseCommand:string:|CharacterCompressionType:short:0|"
    "DisableOffPagePositioning:boolean:false|ApplyUserData:boolean:true|SaveThumbnail:boolean:true|"
    "SaveVersionOnClose:boolean:false|StylesNoDefault:boolean:false|SaveGlobalDocumentLinks:boolean:false|"
    "CurrentDatabaseDataSource:string:|CurrentDatabaseCommandType:int:0|EmbeddedDatabaseName:string:|"
    "UpdateFromTemplate:boolean:true|PrinterIndependentLayout:string:high-resolution|IsLabelDocument:boolean:false|"
    "ClippedPictures:boolean:false|AddFrameOffsets:boolean:false|AddVerticalFrameOffsets:boolean:false|"
    "AddExternalLeading:boolean:true|UnbreakableNumberings:boolean:false|HeaderSpacingBelowLastPara:boolean:false|"
    "TabsRelativeToIndent:boolean:true|TableRowKeep:boolean:false|OutlineLevelYieldsNumbering:boolean:false|"
    "AllowPrintJobCancel:boolean:true|TabOverflow:boolean:true|UseFormerLineSpacing:boolean:false|"
    "AddParaSpacingToTableCells:boolean:true|DoNotCaptureDrawObjsOnPage:boolean:false|"
    "ConsiderTextWrapOnObjPos:boolean:false|AddParaLineSpacingToTableCells:boolean:true|"
    "CollapseEmptyCellPara:boolean:true|UseFormerObjectPositioning:boolean:false|EmbedSystemFonts:boolean:false|"
    "DoNotJustifyLinesWithManualBreak:boolean:false|DoNotResetParaAttrsForNumFont:boolean:false|"
    "FloattableNomargins:boolean:false|IgnoreTabsAndBlanksForLineCalculation:boolean:false|LoadReadonly:boolean:false|"
    "ClipAsCharacterAnchoredWriterFlyFrames:boolean:false|UseOldPrinterMetrics:boolean:false|Rsid:int:$rsid|"
    "RsidRoot:int:$root|ProtectForm:boolean:false|MsWordCompTrailingBlanks:boolean:false|"
    "MsWordCompMinLineHeightByFly:boolean:false|MathBaselineAlignment:boolean:true|"
    "SmallCapsPercentage66:boolean:false|EmbedFonts:boolean:false|EmbedComplexScriptFonts:boolean:true|"
    "EmbedOnlyUsedFonts:boolean:false|EmbedLatinScriptFonts:boolean:true|EmbedAsianScriptFonts:boolean:true|"
    "TabOverMargin:boolean:false|ApplyParagraphMarkFormatToNumbering:boolean:false|TabOverSpacing:boolean:false|"
    "TreatSingleColumnBreakAsPageBreak:boolean:false|SurroundTextWrapSmall:boolean:false|"
    "PropLineSpacingShrinksFirstLine:boolean:true|SubtractFlysAnchoredAtFlys:boolean:false|"
    "EmptyDbFieldHidesPara:boolean:true|ContinuousEndnotes:boolean:false|ProtectBookmarks:boolean:false|"
    "ProtectFields:boolean:false|FrameAutowidthWithMorePara:boolean:false|GutterAtTop:boolean:false|"
    "FootnoteInColumnToPageEnd:boolean:true|ImagePreferredDPI:int:0|AutoFirstLineIndentDisregardLineSpace:boolean:true|"
    "HyphenateURLs:boolean:false|NoNumberingShowFollowBy:boolean:false|DropCapPunctuation:boolean:true")


def _lo_items(spec, vals):
    o = []
    for item in spec.split("|"):
        name, typ, v = item.split(":", 2)
        if v.startswith("$"):
            v = str(vals[v[1:]])
        o.append(f'<config:config-item config:name="{name}" config:type="{typ}">{v}</config:config-item>' if v else
                 f'<config:config-item config:name="{name}" config:type="{typ}"/>')
    return "".join(o)


def odt_office_settings(m: OdtMarkup):
    rng = m.rng
    vals = {"w": rng.randint(26000, 42000), "h": rng.randint(12000, 20000), "vl": rng.randint(5000, 16000),
            "vt": rng.randint(2000, 90000), "z": rng.choice([100, 100, 110, 120, 90]),
            "rsid": int(m.rsids[-1], 16), "root": int(m.rsids[0], 16)}
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:ooo="http://openoffice.org/2004/office" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3"><office:settings>'
            f'<config:config-item-set config:name="ooo:view-settings">{_lo_items(_LO_VIEW, vals)}'
            '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
            f'{_lo_items(_LO_VIEW_ENTRY, vals)}</config:config-item-map-entry></config:config-item-map-indexed>'
            '</config:config-item-set><config:config-item-set config:name="ooo:configuration-settings">'
            f'{_lo_items(_LO_CONFIG, vals)}</config:config-item-set></office:settings></office:document-settings>')


def odt_office_meta(r: Report, m: OdtMarkup, n_pages):
    rng = m.rng
    ver, build = m.version
    chars = r.text_chars()
    mins = rng.randint(5, 300)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:ooo="http://openoffice.org/2004/office" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
            'xmlns:grddl="http://www.w3.org/2003/g/data-view#" office:version="1.3"><office:meta>'
            f'<meta:initial-creator>{esc(r.creator)}</meta:initial-creator>'
            f'<meta:creation-date>{r.created[:-1]}</meta:creation-date><dc:date>{r.created[:-1]}</dc:date>'
            f'<dc:creator>{esc(r.creator)}</dc:creator><meta:editing-duration>PT{mins // 60}H{mins % 60}M{rng.randint(0, 59)}S'
            f'</meta:editing-duration><meta:editing-cycles>{rng.randint(2, 40)}</meta:editing-cycles>'
            f'<meta:generator>LibreOffice/{ver}$Windows_X86_64 LibreOffice_project/{build}</meta:generator>'
            f'<dc:title>{esc("".join(r.title_lines))}</dc:title><dc:language>zh-CN</dc:language>'
            f'<meta:document-statistic meta:table-count="{len(r.tables)}" meta:image-count="{int(r.seal is not None)}" '
            f'meta:object-count="0" meta:page-count="{n_pages}" meta:paragraph-count="{len(r.blocks)}" '
            f'meta:word-count="{chars}" meta:character-count="{chars}" meta:non-whitespace-character-count="{chars}"/>'
            '</office:meta></office:document-meta>')


ODT_MANIFEST_RDF = '''<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="styles.xml">
    <rdf:type rdf:resource="http://docs.oasis-open.org/ns/office/1.2/meta/odf#StylesFile"/>
  </rdf:Description>
  <rdf:Description rdf:about="">
    <ns0:hasPart xmlns:ns0="http://docs.oasis-open.org/ns/office/1.2/meta/pkg#" rdf:resource="styles.xml"/>
  </rdf:Description>
  <rdf:Description rdf:about="content.xml">
    <rdf:type rdf:resource="http://docs.oasis-open.org/ns/office/1.2/meta/odf#ContentFile"/>
  </rdf:Description>
  <rdf:Description rdf:about="">
    <ns0:hasPart xmlns:ns0="http://docs.oasis-open.org/ns/office/1.2/meta/pkg#" rdf:resource="content.xml"/>
  </rdf:Description>
  <rdf:Description rdf:about="">
    <rdf:type rdf:resource="http://docs.oasis-open.org/ns/office/1.2/meta/pkg#Document"/>
  </rdf:Description>
</rdf:RDF>
'''

_LO_CONFIG_DIRS = ["Configurations2/toolbar/", "Configurations2/floater/", "Configurations2/menubar/",
                   "Configurations2/popupmenu/", "Configurations2/progressbar/", "Configurations2/toolpanel/",
                   "Configurations2/statusbar/", "Configurations2/images/Bitmaps/", "Configurations2/accelerator/"]

_THUMBS = {}


def thumbnail_png(idx: int) -> bytes:
    """A LibreOffice-like first-page thumbnail (181 x 256, 8-bit gray): a white page with
    grey text lines and, for some, a table grid. Built once per index and process."""
    if idx in _THUMBS:
        return _THUMBS[idx]
    import struct
    rng = random.Random(5000 + idx)
    w, h = 181, 256
    px = [bytearray(b"\xff" * w) for _ in range(h)]
    y = 22
    # title: one or two short dark centred lines
    for _ in range(rng.choice([1, 2])):
        half = rng.randint(40, 70)
        for yy in range(y, y + 4):
            for x in range(90 - half, 90 + half):
                px[yy][x] = rng.choice((40, 60, 90, 140, 200, 255))
        y += 9
    y += 6
    table_at = rng.choice([None, 120, 150, 170])
    while y < 236:
        if table_at is not None and table_at <= y < table_at + 50:
            for yy in range(y, min(y + 50, 236), 7):
                px[yy][20:161] = b"\x50" * 141
            for x in range(20, 162, 14):
                for yy in range(y, min(y + 50, 236)):
                    px[yy][x] = 0x50
            y += 54
            continue
        start = 30 if rng.random() < 0.25 else 20
        end = rng.randint(60, 160) if rng.random() < 0.2 else 161
        for yy in range(y, y + 3):
            row = px[yy]
            for x in range(start, end):
                if rng.random() < 0.8:
                    row[x] = rng.choice((70, 110, 150, 190, 220))
        y += 7
    raw = b"".join(b"\x00" + bytes(r) for r in px)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    _THUMBS[idx] = png
    return png


def write_odt_office(r: Report, level=6) -> bytes:
    """The report as LibreOffice 7 writes it (bench mode)."""
    m = OdtMarkup(r)
    picture = odt_picture_name(r, m) if r.seal is not None else None
    content = odt_office_content(r, m, picture)
    n_pages = 3 + r.text_chars() // 900
    styles = odt_office_styles(r.heading_style == "numbering", m)
    entries = ([("/", "application/vnd.oasis.opendocument.text"),
                ("Configurations2/", "application/vnd.sun.xml.ui.configuration")]
               + ([(picture, "image/png")] if picture else [])
               + [("manifest.rdf", "application/rdf+xml"), ("meta.xml", "text/xml"), ("settings.xml", "text/xml"),
                  ("styles.xml", "text/xml"), ("content.xml", "text/xml"), ("Thumbnails/thumbnail.png", "image/png")])
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3" '
                'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0">\n'
                + "".join(f' <manifest:file-entry manifest:full-path="{p}"'
                          + (' manifest:version="1.3"' if p == "/" else "")
                          + f' manifest:media-type="{t}"/>\n' for p, t in entries)
                + "</manifest:manifest>\n")
    members = [("mimetype", b"application/vnd.oasis.opendocument.text", True)]
    members += [(d, b"", True) for d in _LO_CONFIG_DIRS]
    members += [("manifest.rdf", ODT_MANIFEST_RDF.encode(), False),
                ("meta.xml", odt_office_meta(r, m, n_pages).encode(), False),
                ("settings.xml", odt_office_settings(m).encode(), False),
                ("content.xml", content.encode(), False)]
    if picture:
        members.append((picture, seal_png(r.seal), True))
    members += [("styles.xml", styles.encode(), False),
                ("Thumbnails/thumbnail.png", thumbnail_png(m.rng.randrange(6)), True),
                ("META-INF/manifest.xml", manifest.encode(), False)]
    return zip_bytes(members, level)


# ---------------------------------------------------------------------------
# Default sample set
# ---------------------------------------------------------------------------

AGENCIES = {
    "A": dict(name="威海市文登区财政局", slug="wendeng_caizheng", heading_style="style", we="本机关", period_form=0,
              sign_day="1月16日", scale=40, government=False, s6_style="sub", site="威海市文登区人民政府门户网站"),
    "B": dict(name="武汉市汉阳区文化和旅游局", slug="hanyang_wenlv", heading_style="numbering", we="我局", period_form=1,
              sign_day="1月20日", scale=12, government=False, s6_style="plain", site="武汉市汉阳区人民政府门户网站",
              s5_title="存在问题和改进措施"),
    "C": dict(name="开平市自然资源局", slug="kaiping_ziranziyuan", heading_style="bold", we="我局", period_form=2,
              sign_day="1月28日", scale=150, government=False, s6_style="plain", site="开平市人民政府门户网站"),
}


def default_set():
    """Return list of (Report) for the committed samples."""
    reports = []
    for code in "ABC":
        a = AGENCIES[code]
        rng = random.Random(zlib.crc32(a["slug"].encode()))
        st = AgencyState(rng, a["scale"])
        prev_fwd = None
        for year in (2020, 2021, 2022):
            template = template_of(year)
            stem = f"{a['slug']}_{year}"
            kw = dict(stem=stem, agency=a["name"], year=year, heading_style=a["heading_style"], we=a["we"],
                      period_form=a["period_form"], sign_date=f"{year + 1}年{a['sign_day']}", site=a["site"],
                      s6_style=a["s6_style"] if template == "2021" else "plain",
                      s5_title=a.get("s5_title", "存在的主要问题及改进情况"),
                      s5_style="list" if code == "C" else "sub",
                      intro_in_preamble=(code != "C"))
            variants = []
            over = {}
            topts = {}
            rows = gen_s3(rng, st, template)
            # carry-over mismatch: C 2021 claims a different 上年结转 (R1 kept by raising 结转下年度)
            if code == "C" and year == 2021:
                for c, d in (("natural_person", 3),):
                    rows["carried_over"][0] += d
                    rows["carried_over"][6] += d
                    rows["carried_forward"][0] += d
                    rows["carried_forward"][6] += d
                st.carried = rows["carried_forward"][:6]
                variants.append("carryover_mismatch")
            values = s3_metrics(rows)
            values.update(gen_s4(rng, busy=(code == "C")))
            values.update(gen_s2(rng, st, template, a["government"]))
            # -------- per-file variants
            if code == "A" and year == 2020:
                values["s2.license.items_delta"] = 3
                values["s2.penalty.items_delta"] = -1
                values["s2.procurement.projects"] = max(values["s2.procurement.projects"], 2)
                values["s2.procurement.amount"] = 251000
                over["s2.license.items_delta"] = "+3"
                over["s2.penalty.items_delta"] = "-1"
                over["s2.procurement.amount"] = "251000元"
                variants.append("signed_delta_and_amount_unit")
            if code == "A" and year == 2021:
                values["s2.fee.amount_wan_yuan"] = 0.35
                kw["title_form"] = "trad"
                variants += ["traditional_title", "decimal_wan_yuan"]
            if code == "A" and year == 2022:
                for f in ("issued", "repealed", "in_force_or_total"):
                    over[f"s2.regulation.{f}"] = "/"
                over["s2.coercion.decisions"] = "—"
                topts["fee"] = (2, 300)
                variants.append("slash_and_dash_cells")
            if code == "B" and year == 2020:
                kw["title_form"] = "year_first"
                topts["s2_label"] = label_fn(overrides={"本年新制作数量": "本年新 制作数量", "本年新公开数量": "本年新\n公开数量"})
                topts["s3_label"] = label_fn(fullwidth_digits=True)
                variants += ["year_first_title", "label_variants"]
            if code == "B" and year == 2021:
                topts["s2_label"] = label_fn(overrides={"本年收费金额（单位：万元）": "本年收费金额(单位:万元)",
                                                        "现行有效件数": "现行有效件", "本年制发件数": BrText("本年制发\n件数")})
                topts["s3_label"] = label_fn(trad=True, halfwidth=True, item_sep="、",
                                             overrides={"商业企业": "商業 企業"})
                topts["s4_br"] = True
                variants.append("label_variants")
            if code == "B" and year == 2022:
                values["s3.new_received.natural_person"] += 2
                values["s3.new_received.total"] += 2
                values["s4.review.total"] += 1
                variants.append("inconsistent_arithmetic")
            if code == "C" and year == 2020:
                for k, g, _ in s3_rows(template):
                    if k not in ("new_received", "carried_over", "total_processed", "carried_forward"):
                        over[f"s3.{k}.total"] = ""
                variants.append("blank_total_column")
            if code == "C" and year == 2022:
                kw["title_form"] = "two_lines"
                topts["split_labels"] = True
                variants += ["two_line_title", "split_merged_labels", "seal_image"]
                kw["seal"] = 0
            if code == "B":
                variants.append("section5_title_variant")
            kw["variants"] = variants
            spec = Spec(**kw)
            rep = build_report(spec, values, over, topts, random.Random(zlib.crc32(stem.encode())))
            set_layout_flags(rep, code)
            if prev_fwd is not None:
                rep.extra["carryover_from_previous_consistent"] = (code != "C" or year != 2021)
            reports.append(rep)
            prev_fwd = rows["carried_forward"]
            # conflict: a corrected re-issue of A 2022 with one different number
            if code == "A" and year == 2022:
                v2 = dict(values)
                v2["s2.license.decisions"] = values["s2.license.decisions"] + 1
                kw2 = dict(kw, stem=stem + "_reissue", variants=variants + ["conflict_reissue"])
                rep2 = build_report(Spec(**kw2), v2, over, topts, random.Random(zlib.crc32(stem.encode())))
                set_layout_flags(rep2, code)
                rep2.extra["conflicts_with"] = f"{stem}"
                rep2.extra["differs"] = {"s2.license.decisions": [values["s2.license.decisions"], v2["s2.license.decisions"]]}
                rep2.created = f"{year + 1}-02-03T09:00:00Z"
                reports.append(rep2)
    reports += drift_and_blank_zero_set()
    reports.append(seed_report())
    reports.extend(layout_set())
    reports += prose_reports()
    return reports


# ---------------------------------------------------------------------------
# Layout samples (issue 12, points 3-4): a leading publication-metadata table
# with the title after it (a Heading 1 or a bold centered line), and standard
# tables laid out over several Word tables or glued into one.
# ---------------------------------------------------------------------------

LAYOUT_AGENCIES = {
    "J": dict(name="岳阳市君山区住房和城乡建设局", slug="junshan_zhujian", we="我局", scale=30,
              index_prefix="11430611MB15839271", doc_prefix="君住建"),
    "S": dict(name="宿迁市宿豫区统计局", slug="suyu_tongji", we="本机关", scale=18,
              index_prefix="113213110140125830", doc_prefix="宿豫统"),
}


def remap_rows(t: Table, rows, col_scale=1, n_cols=None, widths=None, blank_continued=True):
    """A new table made of the rows `rows` of `t` (indices, repeats allowed), in order.
    A cell spanning consecutive kept rows stays merged; a cell cut by a jump is
    re-anchored, empty when `blank_continued` (as Word leaves the part below a
    split), with its text when the row is the cell's own first row. Grid columns
    are multiplied by `col_scale` (for gluing tables of different grids)."""
    owner = {}
    for c in t.cells:
        for r in range(c["row"], c["row"] + c["row_span"]):
            for k in range(c["col"], c["col"] + c["col_span"]):
                owner[(r, k)] = c
    out = Table(n_cols or t.n_cols * col_scale, widths or [w // col_scale for w in t.widths for _ in range(col_scale)])
    open_cells = {}  # id(source cell) -> new cell dict, for the previous new row
    for ni, sr in enumerate(rows):
        now = {}
        k = 0
        while k < t.n_cols:
            c = owner[(sr, k)]
            k2 = k
            while k2 < t.n_cols and owner[(sr, k2)] is c:
                k2 += 1
            prev = open_cells.get(id(c))
            contiguous = prev is not None and ni > 0 and rows[ni - 1] == sr - 1 and sr > c["row"]
            if contiguous:
                prev["row_span"] += 1
                now[id(c)] = prev
            else:
                text = c["text"] if (sr == c["row"] or not blank_continued) else ""
                nc = {"row": ni, "col": k * col_scale, "row_span": 1, "col_span": (k2 - k) * col_scale,
                      "text": text, "br": c["br"]}
                out.cells.append(nc)
                now[id(c)] = nc
            k = k2
        open_cells = now
        out.n_rows = ni + 1
    return out


def glue_tables(a: Table, b: Table, sa: int, sb: int, width: int):
    """`a` then `b` as one Word table on a common grid (a's columns × sa = b's × sb)."""
    n = a.n_cols * sa
    assert n == b.n_cols * sb
    ta = remap_rows(a, list(range(a.n_rows)), col_scale=sa, n_cols=n, widths=[width] * n)
    tb = remap_rows(b, list(range(b.n_rows)), col_scale=sb, n_cols=n, widths=[width] * n)
    for c in tb.cells:
        c["row"] += ta.n_rows
    ta.cells.extend(tb.cells)
    ta.n_rows += tb.n_rows
    return ta


def metadata_table(layout, fields):
    """The publication-metadata table a portal prints above the report:
    `fields` is [(label, value)]; layout 2 = label|value rows, 4 = two pairs a row
    (a lone last pair, the title, spans the remaining columns)."""
    if layout == 2:
        t = Table(2, [2200, 6600])
        for i, (k, v) in enumerate(fields):
            t.add(i, 0, k)
            t.add(i, 1, v)
        return t
    t = Table(4, [1500, 2900, 1500, 2900])
    r = 0
    i = 0
    while i < len(fields):
        k, v = fields[i]
        if i + 1 < len(fields) and k not in ("标题", "名称"):
            k2, v2 = fields[i + 1]
            t.add(r, 0, k); t.add(r, 1, v); t.add(r, 2, k2); t.add(r, 3, v2)
            i += 2
        else:
            t.add(r, 0, k); t.add(r, 1, v, cs=3)
            i += 1
        r += 1
    return t


def _s2_block_rows(t: Table):
    """Row ranges of the 二 table, one per 第二十条 block."""
    starts = sorted({c["row"] for c in t.cells if c["text"].startswith("第二十条")})
    return [list(range(a, b)) for a, b in zip(starts, starts[1:] + [t.n_rows])]


def _s3_row_of(t: Table, label: str):
    return next(c["row"] for c in t.cells if c["text"] == label)


def layout_report(code, year, st, rng):
    """One layout sample; `st` carries over between the agency's years."""
    a = LAYOUT_AGENCIES[code]
    template = template_of(year)
    stem = f"{a['slug']}_{year}"
    rows = gen_s3(rng, st, template)
    values = s3_metrics(rows)
    values.update(gen_s4(rng, busy=True))
    values.update(gen_s2(rng, st, template, False))
    spec = Spec(stem=stem, agency=a["name"], year=year, heading_style="style", we=a["we"],
                period_form=(1 if code == "J" else 3), sign_date=f"{year + 1}年1月2{year % 10}日",
                site=f"{a['name'][:6]}人民政府门户网站", s6_style="sub" if template == "2021" else "plain")
    rep = build_report(spec, values, {}, {}, random.Random(zlib.crc32(stem.encode())))
    title = rep.title_lines[0]
    pub_day = f"{year + 1}-01-2{year % 10}"
    index_no = f"{a['index_prefix']}/{year + 1}-0001{year % 10}"
    doc_no = f"{a['doc_prefix']}〔{year + 1}〕{year % 10 + 2}号"
    variants = []
    # The title: after the metadata table, a Heading 1 (J) or a bold centered line (S).
    ti = next(i for i, b in enumerate(rep.blocks) if b[0] == "title")
    if code == "J":
        rep.blocks[ti] = ("title_h1", title)
        variants.append("heading1_title")
    else:
        variants.append("bold_centered_title")
    # The metadata table: J 2020 two columns, J 2021 four; S the other way round,
    # with label variants and a date written in Chinese.
    if (code == "J") == (year == 2020):
        layout = 2
    else:
        layout = 4
    if code == "J":
        fields = [("索引号", index_no), ("发布机构", a["name"]), ("生成日期", pub_day), ("文号", doc_no), ("标题", title)]
        pub = {"index_no": index_no, "publisher": a["name"], "date": pub_day, "date_text": pub_day, "doc_no": doc_no,
               "title": title}
    else:
        date_cn = f"{year + 1}年01月2{year % 10}日"
        fields = [("索\u3000引\u3000号", index_no), ("发文机关", a["name"]), ("成文日期", date_cn), ("发文字号", ""),
                  ("名称", title)]
        pub = {"index_no": index_no, "publisher": a["name"], "date": pub_day, "date_text": date_cn, "doc_no": None,
               "title": title}
    meta = metadata_table(layout, fields)
    variants.append(f"metadata_table_{layout}col")
    rep.blocks.insert(ti, ("table", meta))
    # The standard tables, in document order.
    s2, s3, s4 = rep.tables
    new_blocks = []
    for b in rep.blocks:
        if b[0] != "table" or b[1] is meta:
            new_blocks.append(b)
            continue
        t = b[1]
        if t is s2 and code == "J":
            # 二 as one small table per 第二十条 block.
            for rr in _s2_block_rows(t):
                new_blocks.append(("table", remap_rows(t, rr)))
        elif t is s3 and code == "J":
            # 三 over two tables: a page break inside （三）不予公开, the header
            # rows repeated on the second page.
            cut = _s3_row_of(t, "4.保护第三方合法权益")
            new_blocks.append(("table", remap_rows(t, list(range(cut)))))
            t2 = remap_rows(t, [0, 1, 2] + list(range(cut, t.n_rows)))
            t2.header_rows = 3
            new_blocks.append(("table", t2))
        elif t is s3 and code == "S":
            # 三 with its header rows repeated before （四）无法提供, and 四 glued below it.
            mid = _s3_row_of(t, "（四）无法提供")
            body = remap_rows(t, list(range(mid)) + [0, 1, 2] + list(range(mid, t.n_rows)))
            body.header_rows = 3
            new_blocks.append(("table", glue_tables(body, s4, 3, 2, 293)))
        elif t is s4 and code == "S":
            continue
        else:
            new_blocks.append(b)
    if code == "J":
        variants += ["s2_one_table_per_block", "s3_split_repeated_header"]
    else:
        variants += ["s3_repeated_header_row", "s3_s4_one_table"]
    rep.blocks = new_blocks
    rep.tables = [b[1] for b in new_blocks if b[0] == "table"]
    rep.variants = variants
    rep.extra["publication"] = pub
    rep.extra["first_section"] = "一、总体情况"
    return rep


def layout_set():
    """The layout samples (issue 12): two agencies, 2020 (2019 template) and 2021."""
    reports = []
    for code in "JS":
        a = LAYOUT_AGENCIES[code]
        rng = random.Random(zlib.crc32(a["slug"].encode()))
        st = AgencyState(rng, a["scale"])
        for year in (2020, 2021):
            rep = layout_report(code, year, st, rng)
            rep.vmerge_explicit = code == "S"
            rep.odt_repeat_cols = code == "J"
            reports.append(rep)
    return reports


# ---------------------------------------------------------------------------
# Prose-vs-table samples (issue 12, point 5): numbers stated in the prose in
# varied phrasing (Chinese numerals, full-width digits, 共计/上一年度/转入下一年度,
# 起 for cases, a negation), with distractors that must not be read (another
# year, a comparison, a total including the carried-over applications,
# 人大代表建议), 2020 (2019 template) agreeing with the tables, 2021 (2021
# template) with one planted disagreement (结转下年度 in the prose is one more).
# Expected: extra["prose"] lists every statement written, failing adds the P4.
# ---------------------------------------------------------------------------

PROSE_AGENCY = dict(name="宿迁市宿豫区水务局", slug="suyu_shuiwu", we="我局", sign_day="1月22日", scale=30,
                    site="宿迁市宿豫区人民政府门户网站")


def _cn_numeral(n):
    """Chinese numeral for 0-9999 (五十五, 一百零三, 十二)."""
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"
    out, zero = "", False
    for unit, val in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        d, n = divmod(n, val)
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _fullwidth(n):
    return "".join(chr(0xFF10 + int(c)) for c in str(n))


def _prose_rewrite(rep, v, template, planted):
    """Replace the stock statements of a report with varied ones; return the
    statements written as (rule, key, value)."""
    y, we = rep.year, "我局"
    stated = []

    def st(rule, key, value):
        stated.append({"rule": rule, "key": key, "value": value})
        return value

    tot = lambda k: v[f"s3.{k}.total"]  # noqa: E731
    grp = lambda g: sum(v[f"s3.{k}.total"] for k in outcome_keys(template) if k.startswith(g + "."))  # noqa: E731
    new, car, tp, fwd = tot("new_received"), tot("carried_over"), tot("total_processed"), tot("carried_forward")
    np_ = v["s3.new_received.natural_person"]
    rv = v["s4.review.total"]
    suit = v["s4.suit_direct.total"] + v["s4.suit_after_review.total"]
    issued = v["s2.normative.issued"]
    if template == "2019":
        s1 = (f"{y}年，{we}收到各类政府信息公开申请共计{_cn_numeral(st('P1', 's3.new_received.total', new))}件，"
              f"上一年度结转申请{st('P2', 's3.carried_over.total', car)}件。"
              f"与2019年收到申请{new + 4}件相比有所减少。"
              f"从申请人类型看，自然人提出申请{st('P12', 's3.new_received.natural_person', np_)}件，"
              f"法人或者其他组织提交申请{st('P13', 's3.new_received.legal_org_subtotal', new - np_)}件。")
        s2 = (f"{y}年，{we}制定规范性文件{st('P14', 's2.normative.issued', issued)}件，"
              f"主动公开规范性文件{st('P15', 's2.normative.published_new', v['s2.normative.published_new'])}件，"
              f"均同步做好政策解读。")
        s3 = (f"全年已办结申请{_fullwidth(st('P3', 's3.total_processed.total', tp))}件，办结率100%；"
              f"其中同意公开{st('P5', 's3.granted.total', tot('granted'))}件，"
              f"部分公开{st('P6', 's3.partial.total', tot('partial'))}件，"
              f"不予公开{st('P7', 's3.denied.total.total', grp('denied'))}件，"
              f"无法提供{st('P8', 's3.unable.total.total', grp('unable'))}件，"
              f"不予处理{st('P9', 's3.not_processed.total.total', grp('not_processed'))}件，"
              f"其他处理{st('P10', 's3.other.total.total', grp('other'))}件；"
              f"转入下一年度继续办理{st('P4', 's3.carried_forward.total', fwd)}件。"
              f"全年共受理政府信息公开申请{new + car}件（含上年结转{st('P2', 's3.carried_over.total', car)}件）。")
    else:
        s1 = (f"全年新收政府信息公开申请{st('P1', 's3.new_received.total', new)}件，较上年收到申请{new + 7}件有所减少，"
              f"上年结转{_cn_numeral(st('P2', 's3.carried_over.total', car))}件。"
              f"其中自然人申请{_fullwidth(st('P12', 's3.new_received.natural_person', np_))}件，"
              f"法人或其他组织申请{st('P13', 's3.new_received.legal_org_subtotal', new - np_)}件。"
              f"{y}年，{we}共承办人大代表建议{3 + new % 5}件，均已按期办结。")
        s2 = (f"本年制发行政规范性文件{st('P14', 's2.normative.issued', issued)}件，"
              f"截至年底现行有效规范性文件{st('P16', 's2.normative.in_force_or_total', v['s2.normative.in_force_or_total'])}件。")
        said_fwd = fwd + 1 if planted else fwd
        s3 = (f"截至12月31日，{we}共答复政府信息公开申请{st('P3', 's3.total_processed.total', tp)}件：予以公开{st('P5', 's3.granted.total', tot('granted'))}件，"
              f"部分公开{st('P6', 's3.partial.total', tot('partial'))}件，"
              f"本机关不掌握相关政府信息{st('P11', 's3.unable.not_held.total', tot('unable.not_held'))}件；"
              f"结转下年度继续办理{_cn_numeral(st('P4', 's3.carried_forward.total', said_fwd))}件。")
    if rv == 0 and suit == 0:
        st("P17", "s4.review.total", 0)
        st("P18", "s4.suit_direct.total+s4.suit_after_review.total", 0)
        s4 = f"{y}年，{we}未发生因政府信息公开引起的行政复议、行政诉讼案件，未发生被行政复议纠错的情况。"
    else:
        s4 = (f"{y}年，{we}因政府信息公开被申请行政复议{st('P17', 's4.review.total', rv)}起、"
              f"行政诉讼案件{st('P18', 's4.suit_direct.total+s4.suit_after_review.total', suit)}件，具体情况如下：")
    stock = re.compile(r"[^。]*(?:共新收政府信息公开申请|全年制发行政规范性文件)[^。]*。")
    section, blocks = 0, []
    for b in rep.blocks:
        if b[0] == "h" and b[1] == 1:
            section += 1
        if b[0] == "body":
            text = b[1]
            if section == 1 and text.startswith("从申请主体看"):
                b = ("body", s1)
            elif section == 3 and "共新收政府信息公开申请" in text:
                b = ("body", s3)
            elif section == 4 and "行政复议" in text:
                b = ("body", s4)
            elif section in (1, 2):
                b = ("body", stock.sub("", text))
                if not b[1]:
                    continue
        blocks.append(b)
        if b[0] == "table" and section == 2:
            blocks.append(("body", s2))
    rep.blocks = blocks
    return stated


def prose_reports():
    """The prose-vs-table agency: 2020 agreeing, 2021 with one planted disagreement."""
    a = PROSE_AGENCY
    rng = random.Random(zlib.crc32(a["slug"].encode()))
    st = AgencyState(rng, a["scale"])
    out = []
    for year in (2020, 2021):
        template = template_of(year)
        stem = f"{a['slug']}_{year}"
        values = s3_metrics(gen_s3(rng, st, template))
        values.update(gen_s4(rng, busy=(year == 2020)))
        values.update(gen_s2(rng, st, template, False))
        planted = year == 2021
        variants = ["prose_statements"] + (["prose_disagreement"] if planted else [])
        spec = Spec(stem=stem, agency=a["name"], year=year, heading_style="style", we=a["we"], period_form=3,
                    sign_date=f"{year + 1}年{a['sign_day']}", site=a["site"], s6_style="plain", variants=variants)
        rep = build_report(spec, values, {}, {}, random.Random(zlib.crc32(stem.encode())))
        set_layout_flags(rep, "B")
        rep.extra["prose"] = _prose_rewrite(rep, values, template, planted)
        if planted:
            rep.failing = rep.failing + [{"rule": "P4", "column": "s3.carried_forward.total"}]
        out.append(rep)
    return out


def set_layout_flags(rep, code):
    """Per agency writer habits: A = LibreOffice-style repeated ODT columns and covered cells;
    B = repeated ODT columns only; C = one element per position, DOCX w:vMerge w:val="continue"."""
    rep.odt_repeat_cols = code in "AB"
    rep.odt_repeat_covered = code == "A"
    rep.vmerge_explicit = code == "C"


# ----- issue 12: label drift (D) and blank zeros (E) -------------------------------------

# D: every kind of label drift, keyed by the template's label (2019 and 2021 templates).
DRIFT_S3_COMMON = {
    "一、本年新收政府信息公开申请数量": "一、本年新收政府信息公开申请数量（件）",  # unit suffix
    "二、上年结转政府信息公开申请数量": "二、上年结转 政府信息公开申请数量",  # stray ASCII space
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",  # half-width
    "1.属于国家秘密": "（1）属于国家秘密",  # item markers
    "2.其他法律行政法规禁止公开": "(2)其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”": "3．危及\"三安全一稳定\"",
    "4.保护第三方合法权益": "4、保护第三方合法权益",
    "5.属于三类内部事务信息": "5.属于内部事务类信息",  # alias (key phrase 内部事务)
    "6.属于四类过程性信息": "6.属于四类过程信息",  # fuzzy (no key phrase)
    "1.本机关不掌握相关政府信息": "1. 本机关不掌握\u3000相关政府信息",  # ASCII and full-width spaces
    "2.没有现成信息需要另行制作": to_trad("2.没有现成信息需要另行制作"),  # traditional script
    "3.补正后申请内容仍不明确": "3.补(bǔ)正后申请内容仍不明(míng)确",  # mirror pinyin
    "4.无正当理由大量反复申请": "4.无正当理由大量、反复申请",  # punctuation inside the label
    "5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或者重新出具已获取信息",  # 或者
    "（七）总计": "（七）总计（件）",
    "法人或其他组织": "法人或者其他组织",
    "总计": "总计（件）",
}
DRIFT_S3_2021 = {
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请":
        "1、申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请":
        "2.申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
}
DRIFT_S2 = {
    "规章": "规章（件）", "规范性文件": "规 范 性 文 件", "行政规范性文件": "行政规范性文件（件）",
    "行政许可": "行政许可\u3000", "行政处罚": "（1）行政处罚", "行政强制": "(2)行政强制",
    "本年收费金额（单位：万元）": "本年收费金额", "行政事业性收费": "行政事业性收费（单位：万元）",
}


def drift_and_blank_zero_set():
    """D (宿迁市宿豫区民政局): label drift of every kind, 2020 (2019 template) and 2021.
    E (淄博市临淄区审计局): zeros printed as `—` (2020) and blank (2021), each with one planted
    arithmetic error that only blanks counted as 0 reveal; plus copies of the same report-years
    for the index: 2021 with zeros printed `0` (agrees), 2020 with zeros printed `0` and one
    changed number (a conflict on exactly that key)."""
    out = []
    site = "政府门户网站"
    for code, name, slug in (("D", "宿迁市宿豫区民政局", "suyu_minzheng"), ("E", "淄博市临淄区审计局", "linzi_shenji")):
        rng = random.Random(zlib.crc32(slug.encode()))
        st = AgencyState(rng, 30)
        for year in (2020, 2021):
            template = template_of(year)
            stem = f"{slug}_{year}"
            kw = dict(stem=stem, agency=name, year=year, heading_style="style", we="本机关", period_form=0,
                      sign_date=f"{year + 1}年1月18日", site=site)
            rows = gen_s3(rng, st, template)
            values = s3_metrics(rows)
            values.update(gen_s4(rng, busy=False))
            values.update(gen_s2(rng, st, template, False))
            topts, over, variants = {}, {}, []
            if code == "D":
                s3o = dict(DRIFT_S3_COMMON, **(DRIFT_S3_2021 if template == "2021" else {}))
                topts["s3_label"] = label_fn(overrides=s3o)
                topts["s2_label"] = label_fn(overrides=DRIFT_S2)
                variants.append("label_drift")
            else:
                if template == "2021":
                    # Planted: 行政复议 总计 2 for one upheld case (R5 review).
                    for n, v in (("upheld", 1), ("corrected", 0), ("other", 0), ("pending", 0), ("total", 2)):
                        values[f"s4.review.{n}"] = v
                else:
                    # Planted: the 总计 of a sparse 三 row is one too many (R3 of the row, R2 总计).
                    k = next(k for k in outcome_keys(template)
                             if values[f"s3.{k}.total"] > 0
                             and any(values[f"s3.{k}.{c}"] == 0 for c in COLS[:6]))
                    values[f"s3.{k}.total"] += 1
                zero = "" if template == "2021" else "—"
                zeros_over = {k: zero for k in CATALOG_KEYS[template]
                              if values.get(k) == 0 and not k.startswith("s2.")}
                over.update(zeros_over)
                variants += ["blank_zeros" if zero == "" else "dash_zeros", "planted_inconsistency"]
            kw["variants"] = variants
            rep = build_report(Spec(**kw), values, over, topts, random.Random(zlib.crc32(stem.encode())))
            set_layout_flags(rep, "AB"[year % 2])
            out.append(rep)
            if code == "E":
                # The same report with zeros printed as 0 (2020: and one changed number).
                v2 = dict(values)
                suffix = "_zeros" if template == "2021" else "_recount"
                vs = [v for v in variants if not v.endswith("_zeros")] + ["zeros_printed"]
                if template == "2019":
                    v2["s2.license.decisions"] = values["s2.license.decisions"] + 1
                    vs.append("conflict_one_number")
                kw2 = dict(kw, stem=stem + suffix, variants=vs)
                rep2 = build_report(Spec(**kw2), v2, {}, topts, random.Random(zlib.crc32(stem.encode())))
                set_layout_flags(rep2, "AB"[year % 2])
                rep2.extra["copy_of"] = stem
                if template == "2019":
                    rep2.extra["differs"] = {"s2.license.decisions": [values["s2.license.decisions"],
                                                                      v2["s2.license.decisions"]]}
                rep2.created = f"{year + 1}-02-03T09:00:00Z"
                out.append(rep2)
    return out


def seed_report():
    path = SEED if SEED.exists() else (SEED_FALLBACK if SEED_FALLBACK.exists() else SEED_COPY)
    text = path.read_text(encoding="utf-8")
    r = Report("kaiping_kegongshangwu_2022_seed", "开平市科工商务局", "開平市科工商務局", 2022, "2021", "plain")
    r.title("開平市科工商務局2022年信息公開工作年度報告")
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = re.match(r"^([一二三四五六])、(.*)$", line)
        if m and len(line) < 30:
            r.blocks.append(("h", 1, m.group(1) + "、", m.group(2)))
            r.headings.append([1, line])
        else:
            r.p(line, "plain")
    r.period = {"start": "2022-01-01", "end": "2022-12-15", "full_year": False}
    r.fee = {"collected": False, "amount_yuan": 0, "cases": 0}
    r.metrics = {k: None for k in CATALOG_KEYS["2021"]}
    r.failing = []
    r.variants = ["seed_text", "traditional_with_pinyin", "partial_year_period", "no_tables"]
    r.created = "2023-01-10T02:00:00Z"
    r.creator = "user"
    return r


def write_expected(path: Path, obj):
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_default(out: Path):
    out.mkdir(parents=True, exist_ok=True)
    (out / "expected").mkdir(exist_ok=True)
    reports = default_set()
    names = []
    for r in reports:
        for fmt, fn in (("docx", write_docx), ("odt", write_odt)):
            data = fn(r)
            (out / f"{r.stem}.{fmt}").write_bytes(data)
            write_expected(out / "expected" / f"{r.stem}.{fmt}.json", r.expected(fmt))
            names.append((f"{r.stem}.{fmt}", len(data), r))
    return names


# ---------------------------------------------------------------------------
# Bench mode
# ---------------------------------------------------------------------------

CITIES = {
    "威海市": ["文登区", "环翠区", "荣成市", "乳山市"], "武汉市": ["汉阳区", "洪山区", "硚口区", "江岸区", "武昌区"],
    "岳阳市": ["南湖新区", "岳阳楼区", "君山区", "华容县"], "开平市": [""], "宿迁市": ["宿城区", "宿豫区", "沭阳县", "泗阳县"],
    "广州市": ["白云区", "从化区", "天河区", "番禺区"], "深圳市": ["龙岗区", "盐田区", "南山区", "宝安区"],
    "淄博市": ["张店区", "淄川区", "博山区", "临淄区"], "贵阳市": ["开阳县", "息烽县", "修文县"],
    "济宁市": ["微山县", "任城区", "兖州区", "曲阜市"], "天门市": [""], "上海市": ["浦东新区", "黄浦区", "徐汇区", "静安区"],
    "红河州": ["建水县", "蒙自市", "个旧市"], "杭州市": ["西湖区", "余杭区", "萧山区"], "成都市": ["武侯区", "锦江区", "双流区"],
}
BUREAUS = ["人民政府办公室", "财政局", "统计局", "自然资源和规划局", "教育局", "卫生健康局", "市场监督管理局", "生态环境局",
           "住房和城乡建设局", "交通运输局", "农业农村局", "水务局", "审计局", "民政局", "司法局", "应急管理局", "文化和旅游局",
           "科学技术局", "商务局", "人力资源和社会保障局", "医疗保障局", "退役军人事务局", "城市管理局", "发展和改革局"]
TOWNS = ["两城镇", "中埠镇", "青龙镇", "冯三镇", "拖市镇", "河包镇", "唐村镇", "金山镇", "汉正街道办事处"]


def bench_agency(rng):
    city = rng.choice(sorted(CITIES))
    dist = rng.choice(CITIES[city])
    if rng.random() < 0.12:
        return f"{city}{dist}{rng.choice(TOWNS)}" if dist else f"{city}{rng.choice(TOWNS)}"
    bureau = rng.choice(BUREAUS)
    return f"{city}{dist}{bureau}"


# Text of a bench report: the base report (sections, three tables) holds about 2,800
# characters; padding paragraphs (about 235 characters each) bring the total to a
# log-normal target with median 6,500 within 3,400-14,000, as real reports hold
# roughly 3,000-12,000 characters with their tables.
BENCH_TEXT_MEDIAN = 6500
BENCH_BASE_CHARS = 2800
BENCH_PAD_PARA_CHARS = 235


def bench_pad(rng):
    """Number of padding paragraphs of one bench report."""
    target = min(14000.0, max(3400.0, rng.lognormvariate(math.log(BENCH_TEXT_MEDIAN), 0.42)))
    return max(1, round((target - BENCH_BASE_CHARS) / BENCH_PAD_PARA_CHARS))


# Small-report bench (`--small`, issue 13): files of SMALL_MIN..SMALL_MAX bytes, the
# size of a short report saved without Office's extra parts. The reports are written
# as the samples are (no Word/WPS/LibreOffice markup); of the bench sequence only the
# reports whose file lands in the range are kept, until n are written.
SMALL_MIN = 20 * 1024
SMALL_MAX = 30 * 1024


def run_bench(n: int, out: Path, jobs: int = 1, small: bool = False):
    """Write n reports into out (files split across `jobs` processes; the output does
    not depend on `jobs`) plus out/expected.jsonl. `small`: only reports of
    SMALL_MIN..SMALL_MAX bytes, samples markup, one process (which are kept is only
    known once a report is built)."""
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    jobs = max(1, min(jobs, n or 1))
    if small:
        jobs = 1
        results = [_bench_part(n, str(out), 1, 0, small=True)]
    elif jobs == 1:
        results = [_bench_part(n, str(out), 1, 0)]
    else:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.starmap(_bench_part, [(n, str(out), jobs, k) for k in range(jobs)])
    lines = sorted(ln for part, _, _ in results for ln in part)
    total_bytes = sum(b for _, b, _ in results)
    total_chars = sum(c for _, _, c in results)
    with open(out / "expected.jsonl", "w", encoding="utf-8") as f:
        for _, ln in lines:
            f.write(ln + "\n")
    dt = time.time() - t0
    print(f"bench: {n} files, {total_bytes / 1e6:.1f} MB (avg {total_bytes / max(n, 1) / 1024:.1f} KB, "
          f"avg {total_chars / max(n, 1):.0f} text characters) in {dt:.1f}s with {jobs} job(s)", file=sys.stderr)


def _bench_part(n: int, out: str, jobs: int, part: int, small: bool = False):
    """Run the whole deterministic sequence, building and writing only reports i with
    i % jobs == part. Returns ([(i, expected json line)], bytes written, text characters
    of the reports written). `small` (one part only): skip reports outside
    SMALL_MIN..SMALL_MAX bytes and go on until n are written."""
    out = Path(out)
    master = random.Random(20240601 + n + (7_000_000 if small else 0))
    lines = []
    total_bytes = total_chars = 0
    i = 0
    seen = set()
    while (len(lines) if small else i) < n:
        agency = bench_agency(master)
        tries = 0
        while agency in seen:
            tries += 1
            agency = bench_agency(master) + rng_suffix(master)
            if tries > 500:
                # The names run out past about 20,000 reports: number the rest
                # (len(seen) grows with every agency, so this one is new).
                agency = f"{bench_agency(master)}第{len(seen)}分局"
        seen.add(agency)
        start = master.randint(2019, 2024)
        length = min(master.randint(1, 6), 2024 - start + 1, n - i if not small else 6)
        scale = master.choice([3, 8, 20, 60, 150, 600])
        hs = master.choice(["style", "numbering", "bold"])
        st = AgencyState(master, scale)
        government = "人民政府" in agency
        for year in range(start, start + length):
            template = template_of(year)
            rng = random.Random(master.getrandbits(32))
            stem = f"bench_{i:05d}_{year}"
            fmt = "docx" if rng.random() < 0.6 else "odt"
            variants = []
            over = {}
            topts = {}
            rows = gen_s3(rng, st, template)
            mismatch = year > start and rng.random() < 0.03
            if mismatch:  # R6 broken against the previous year, R1 kept inside the report
                d = rng.randint(1, 4)
                for k in ("carried_over", "carried_forward"):
                    rows[k][0] += d
                    rows[k][6] += d
                st.carried = rows["carried_forward"][:6]
                variants.append("carryover_mismatch")
            values = s3_metrics(rows)
            values.update(gen_s4(rng, busy=scale >= 60))
            values.update(gen_s2(rng, st, template, government))
            kw = dict(stem=stem, agency=agency, year=year, heading_style=hs, we=rng.choice(["本机关", "我局", "我单位"]),
                      period_form=rng.randint(0, 3), site="政府门户网站", s6_style=rng.choice(["plain", "sub"]),
                      s5_style=rng.choice(["sub", "list"]), intro_in_preamble=rng.random() < 0.7,
                      pad=bench_pad(rng), seal=rng.randrange(3) if rng.random() < 0.75 else None)
            x = rng.random()
            kw["title_form"] = "normal" if x < 0.75 else ("year_first" if x < 0.85 else ("two_lines" if x < 0.95 else "trad"))
            if kw["title_form"] != "normal":
                variants.append({"year_first": "year_first_title", "two_lines": "two_line_title", "trad": "traditional_title"}[kw["title_form"]])
            if rng.random() < 0.05:
                for k, g, _ in s3_rows(template):
                    if k not in ("new_received", "carried_over", "total_processed", "carried_forward"):
                        over[f"s3.{k}.total"] = ""
                variants.append("blank_total_column")
            if rng.random() < 0.05:
                if template == "2021":
                    for f in ("issued", "repealed", "in_force_or_total"):
                        over[f"s2.regulation.{f}"] = "/"
                else:
                    for f in ("issued", "published_new", "in_force_or_total"):
                        over[f"s2.regulation.{f}"] = "/"
                variants.append("slash_cells")
            if rng.random() < 0.05:
                topts["split_labels"] = True
                variants.append("split_merged_labels")
            if rng.random() < 0.08:
                topts["s3_label"] = label_fn(trad=rng.random() < 0.5, halfwidth=rng.random() < 0.5,
                                             item_sep=rng.choice([None, "、"]))
                topts["s4_br"] = rng.random() < 0.5
                variants.append("label_variants")
            if rng.random() < 0.03:
                values["s3.new_received.natural_person"] += 1
                values["s3.new_received.total"] += 1
                variants.append("inconsistent_arithmetic")
            if template == "2021" and rng.random() < 0.2:
                topts["fee"] = (rng.randint(1, 5), rng.choice([100, 200, 300, 450, 1200]))
            kw["variants"] = variants
            reissue = rng.random() < 0.02 and (small or i + 1 < n)
            state = rng.getstate()
            jobs_list = [(i, kw, values, fmt, state)]
            if reissue:  # a corrected re-issue: same agency and year, one different number
                v2 = dict(values)
                v2["s2.license.decisions"] = (v2.get("s2.license.decisions") or 0) + 1
                kw2 = dict(kw, stem=f"bench_{i + 1:05d}_{year}_reissue", variants=variants + ["conflict_reissue"])
                jobs_list.append((i + 1, kw2, v2, fmt, state))
            for idx, kwx, vals, fx, stx in jobs_list:
                if idx % jobs == part:
                    r2 = random.Random()
                    r2.setstate(stx)
                    rep = build_report(Spec(**kwx), vals, over, topts, r2)
                    set_layout_flags(rep, "ABC"[idx % 3])
                    rep.office_markup = not small
                    if year > start:
                        rep.extra["carryover_from_previous_consistent"] = not mismatch
                    if idx != i:
                        rep.extra["conflicts_with"] = stem
                        rep.extra["differs"] = {"s2.license.decisions": [values.get("s2.license.decisions"),
                                                                         vals["s2.license.decisions"]]}
                    data = (write_docx if fx == "docx" else write_odt)(rep)
                    if small and not (SMALL_MIN <= len(data) <= SMALL_MAX and len(lines) < n):
                        continue
                    (out / f"{kwx['stem']}.{fx}").write_bytes(data)
                    total_bytes += len(data)
                    total_chars += rep.text_chars()
                    e = rep.expected(fx)
                    del e["tables"]
                    lines.append((idx, json.dumps(e, ensure_ascii=False)))
            i += len(jobs_list)
            if (len(lines) if small else i) >= n:
                break
    return lines, total_bytes, total_chars


def rng_suffix(rng):
    return rng.choice(["第二分局", "直属分局", "执法大队", "事务中心"])


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

W = "{%s}" % W_NS
TBL = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def check_file(path: Path):
    """Well-formedness and span consistency. Returns list of problems."""
    import xml.etree.ElementTree as ET
    probs = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        for n in names:
            if n.endswith(".xml") or n.endswith(".rels"):
                try:
                    ET.fromstring(z.read(n))
                except ET.ParseError as e:
                    probs.append(f"{n}: {e}")
        if path.suffix == ".odt":
            if names[0] != "mimetype" or z.getinfo("mimetype").compress_type != zipfile.ZIP_STORED:
                probs.append("mimetype not first/stored")
            root = ET.fromstring(z.read("content.xml"))
            for tbl in root.iter(TBL + "table"):
                ncols = sum(int(c.get(TBL + "number-columns-repeated", "1")) for c in tbl.findall(TBL + "table-column"))
                rows = list(tbl.iter(TBL + "table-row"))
                pending = {}  # (row, col) covered by spans
                for ri, row in enumerate(rows):
                    ci = 0
                    for cell in row:
                        if cell.tag == TBL + "covered-table-cell":
                            for _ in range(int(cell.get(TBL + "number-columns-repeated", "1"))):
                                if (ri, ci) not in pending:
                                    probs.append(f"stray covered cell at {ri},{ci}")
                                ci += 1
                            continue
                        if (ri, ci) in pending:
                            probs.append(f"anchor over covered position {ri},{ci}")
                        cs = int(cell.get(TBL + "number-columns-spanned", "1"))
                        rs = int(cell.get(TBL + "number-rows-spanned", "1"))
                        for r in range(ri, ri + rs):
                            for c in range(ci, ci + cs):
                                if (r, c) != (ri, ci):
                                    pending[(r, c)] = True
                        ci += 1
                    if ci != ncols:
                        probs.append(f"row {ri} has {ci} positions, expected {ncols}")
                if any(r >= len(rows) for r, _ in pending):
                    probs.append("row span beyond table")
        else:
            root = ET.fromstring(z.read("word/document.xml"))
            for tbl in root.iter(W + "tbl"):
                ncols = len(tbl.find(W + "tblGrid").findall(W + "gridCol"))
                prev_merge = None
                for ri, tr in enumerate(tbl.findall(W + "tr")):
                    ci = 0
                    merge = {}
                    for tc in tr.findall(W + "tc"):
                        pr = tc.find(W + "tcPr")
                        gs = pr.find(W + "gridSpan") if pr is not None else None
                        span = int(gs.get(W + "val")) if gs is not None else 1
                        vm = pr.find(W + "vMerge") if pr is not None else None
                        if vm is not None:
                            v = vm.get(W + "val", "continue")
                            if v == "continue":
                                if not prev_merge or prev_merge.get(ci) != span:
                                    probs.append(f"vMerge continue without restart at {ri},{ci}")
                            merge[ci] = span
                        if tc.find(W + "p") is None:
                            probs.append(f"cell without paragraph at {ri},{ci}")
                        ci += span
                    if ci != ncols:
                        probs.append(f"row {ri} spans {ci} columns, expected {ncols}")
                    prev_merge = merge
    return probs


def read_tables(path: Path):
    """Minimal independent reader: resolve every table of a sample into anchor cells
    (row, col, row_span, col_span, text) so they can be compared with the expected JSON."""
    import xml.etree.ElementTree as ET
    out = []
    with zipfile.ZipFile(path) as z:
        if path.suffix == ".odt":
            T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
            root = ET.fromstring(z.read("content.xml"))

            def ptext(p):
                s = p.text or ""
                for ch in p:
                    if ch.tag == T + "line-break":
                        s += "\n"
                    elif ch.tag == T + "s":
                        s += " " * int(ch.get(T + "c", "1"))
                    else:
                        s += "".join(ch.itertext())
                    s += ch.tail or ""
                return s

            for tbl in root.iter(TBL + "table"):
                cells = []
                for ri, row in enumerate(tbl.iter(TBL + "table-row")):
                    ci = -1
                    for cell in row:
                        ci += 1
                        if cell.tag != TBL + "table-cell":
                            ci += int(cell.get(TBL + "number-columns-repeated", "1")) - 1
                            continue
                        cells.append({"row": ri, "col": ci,
                                      "row_span": int(cell.get(TBL + "number-rows-spanned", "1")),
                                      "col_span": int(cell.get(TBL + "number-columns-spanned", "1")),
                                      "text": "\n".join(ptext(p) for p in cell.findall(T + "p"))})
                out.append(cells)
        else:
            root = ET.fromstring(z.read("word/document.xml"))

            def ptext(p):
                s = ""
                for el in p.iter():
                    if el.tag == W + "t":
                        s += el.text or ""
                    elif el.tag == W + "br":
                        s += "\n"
                return s

            for tbl in root.iter(W + "tbl"):
                cells = []
                open_ = {}
                for ri, tr in enumerate(tbl.findall(W + "tr")):
                    ci = 0
                    for tc in tr.findall(W + "tc"):
                        pr = tc.find(W + "tcPr")
                        gs = pr.find(W + "gridSpan")
                        span = int(gs.get(W + "val")) if gs is not None else 1
                        vm = pr.find(W + "vMerge")
                        if vm is not None and vm.get(W + "val", "continue") == "continue":
                            open_[ci]["row_span"] += 1
                        else:
                            c = {"row": ri, "col": ci, "row_span": 1, "col_span": span,
                                 "text": "\n".join(ptext(p) for p in tc.findall(W + "p"))}
                            cells.append(c)
                            open_[ci] = c
                        ci += span
                out.append(cells)
    return out


def read_paragraphs(path: Path):
    """Raw texts of the body-level paragraphs (outside tables), for cross-format comparison."""
    import xml.etree.ElementTree as ET
    with zipfile.ZipFile(path) as z:
        if path.suffix == ".odt":
            T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
            OFF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
            root = ET.fromstring(z.read("content.xml"))
            body = root.find(f"{OFF}body/{OFF}text")
            out = []
            for el in body:
                if el.tag in (T + "p", T + "h"):
                    s = el.text or ""
                    for ch in el:
                        s += ("\n" if ch.tag == T + "line-break" else "".join(ch.itertext())) + (ch.tail or "")
                    out.append(s)
            return out
        root = ET.fromstring(z.read("word/document.xml"))
        return ["".join((t.text or "") if t.tag == W + "t" else "\n" for t in p.iter() if t.tag in (W + "t", W + "br"))
                for p in root.find(W + "body").findall(W + "p")]


def check_expected(path: Path, exp: dict):
    probs = []
    got = read_tables(path)
    want = [t["cells"] for t in exp["tables"]]
    if len(got) != len(want):
        return [f"{len(got)} tables, expected {len(want)}"]
    for i, (g, w) in enumerate(zip(got, want)):
        g = sorted(g, key=lambda c: (c["row"], c["col"]))
        if g != w:
            for a, b in zip(g, w):
                if a != b:
                    probs.append(f"table {i}: got {a} want {b}")
                    break
            else:
                probs.append(f"table {i}: {len(g)} cells, expected {len(w)}")
    return probs


def check_dir(d: Path):
    bad = 0
    files = sorted(p for p in d.iterdir() if p.suffix in (".docx", ".odt"))
    for p in files:
        probs = check_file(p)
        ej = d / "expected" / (p.name + ".json")
        if ej.exists():
            probs += check_expected(p, json.loads(ej.read_text(encoding="utf-8")))
        if probs:
            bad += 1
            print(f"{p.name}: {'; '.join(probs[:5])}")
    print(f"checked {len(files)} files, {bad} with problems", file=sys.stderr)
    return bad == 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="output directory (default: samples/ in the repository)")
    ap.add_argument("--bench", type=int, metavar="N", help="write N varied reports (needs --out)")
    ap.add_argument("--check", type=Path, metavar="DIR", help="validate every .docx/.odt in DIR")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="processes for --bench (output is identical for any value)")
    ap.add_argument("--small", action="store_true",
                    help=f"with --bench: only reports of {SMALL_MIN}-{SMALL_MAX} bytes (samples markup, one process)")
    a = ap.parse_args(argv)
    if a.check:
        return 0 if check_dir(a.check) else 1
    if a.bench is not None:
        if not a.out:
            ap.error("--bench needs --out")
        run_bench(a.bench, a.out, a.jobs, a.small)
        return 0
    out = a.out or (ROOT / "samples")
    names = write_default(out)
    for n, size, _ in names:
        print(f"{n}\t{size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

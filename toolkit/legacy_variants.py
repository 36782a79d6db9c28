"""Pre-2019 tables printed the ways agencies publish them, as synthetic variants: never research data.

``legacy_variant(seed, layout)`` draws a form of the codebook and its numbers
(其中 rows that add up, or now and then a misprinted total) and prints the table
in one layout: spaces, a grid of tabs, cells run together as crawlers flatten
them (with or without prose that states some numbers), an HTML table, converter
markdown, full-width digits, a header row repeated at a page break, a misprinted
label. ``compare`` is the oracle: each row right, null with a reason, or wrong.

>>> variant = legacy_variant(1, "spaced")
>>> variant.name, len(variant.rows) > 10
('SYNTHETIC_LEGACY_1_spaced.txt', True)
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass

from toolkit import codebook

LAYOUTS = ("spaced", "tabs", "run_together", "run_together_with_prose", "html", "markdown", "fullwidth",
           "repeated_header", "misprinted_label")
TITLE = "合成县{year}年政府信息公开工作年度报告（合成样本，非真实数据）"
UNITS = (("fee", "元"), ("reconsideration", "件"), ("litigation", "件"), ("complaints", "件"))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class LegacyVariant:
    """A synthetic report: its file name and bytes, and the rows it prints
    (label, unit, this year, cumulative or None)."""

    name: str
    data: bytes
    rows: tuple[tuple, ...]
    form: str


def legacy_variant(seed: int, layout: str) -> LegacyVariant:
    """One synthetic pre-2019 report, drawn from ``seed``, printed in ``layout``."""
    rng = random.Random(f"{seed}-{layout}")
    form, spec = rng.choice(sorted(codebook.legacy_forms().items()))
    year = rng.randint(2009, 2018)
    columns = [f"{year}年度", "历年累计"] if spec["columns"] == 2 else ["年末统计"]
    rows = _rows(rng, spec["rows"], len(columns) == 2)
    if layout == "misprinted_label":
        at = rng.randrange(len(rows))
        label, *cells = rows[at]
        rows[at] = (label[:-1] + ("项" if label[-1] != "项" else "数"), *cells)
        form = "unknown"
    if layout == "fullwidth":
        rows = [(label.translate(FULL_WIDTH), *cells) for label, *cells in rows]
    printed = tuple(rows)
    text = _print(layout, rng, columns, printed)
    prose = f"{TITLE.format(year=year)}\n一、概述\n本年度依法做好政府信息公开工作。\n"
    if layout == "run_together_with_prose":
        prose += _prose(spec["rows"], printed)
    suffix = {"html": ".html", "markdown": ".md"}.get(layout, ".txt")
    body = prose + "七、政府信息公开情况统计表\n" + text + "\n附件下载\n"
    if layout == "html":
        body = f"<html><head><meta charset='utf-8'><title>{TITLE.format(year=year)}</title></head><body>{body}</body></html>"
    return LegacyVariant(f"SYNTHETIC_LEGACY_{seed}_{layout}{suffix}", body.encode("utf-8"), printed, form)


def _rows(rng: random.Random, spec: tuple, cumulative: bool) -> list[tuple]:
    """(label as printed, unit, value, cumulative) per row; 其中 rows add up to their
    total, except now and then a misprinted total."""
    labels = {row["key"]: row["label_zh"] for row in codebook.legacy_row_definitions()}
    values: dict[str, list[int]] = {}
    children: dict[str, list[str]] = {}
    for key, parent in spec:
        if parent:
            children.setdefault(parent, []).append(key)
    for key, _ in reversed(spec):
        if key in children:
            value = [sum(values[c][i] for c in children[key]) for i in range(2)]
            if rng.random() < 0.15:
                value[0] += rng.randint(1, 30)
        else:
            now = rng.choice([0, 0, 0, rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 9999)])
            value = [now, now + rng.choice([0, rng.randint(1, 99), rng.randint(100, 99999)])]
        values[key] = value
    rows, number = [], {}
    for key, parent in spec:
        if parent:
            number[parent] = number.get(parent, 0) + 1
            mark = rng.choice([".", "．", "、"])
            label = ("其中：" if number[parent] == 1 else "") + f"{number[parent]}{mark}{labels[key]}"
        else:
            label = labels[key]
        unit = next((u for word, u in UNITS if word in key), "条")
        rows.append((label, unit, values[key][0], values[key][1] if cumulative else None))
    return rows


def _cells(row: tuple) -> list[str]:
    return [row[0], row[1], *(str(n) for n in row[2:] if n is not None)]


def _print(layout: str, rng: random.Random, columns: list[str], rows: tuple) -> str:
    header = ["指标名称", "计量单位", *columns]
    if layout in ("spaced", "run_together_with_prose", "misprinted_label", "run_together", "fullwidth"):
        join = "" if layout.startswith("run_together") else " "
        text = join.join(join.join(_cells(row)) for row in rows)
        head = join.join(header)
        if layout == "fullwidth":
            text = text.translate(FULL_WIDTH)
        return head + join + text
    if layout in ("tabs", "repeated_header"):
        lines = ["\t".join(_cells(row)) for row in rows]
        if layout == "repeated_header":
            lines.insert(rng.randint(2, len(lines) - 1), "\t".join(header))
        return "\n".join(["\t".join(header), *lines])
    if layout == "markdown":
        lines = ["| " + " | ".join(cells) + " |" for cells in [header, *map(_cells, rows)]]
        lines.insert(1, "|" + "---|" * len(header))
        return "\n".join(lines)
    if layout == "html":
        cells = [header, *map(_cells, rows)]
        return "<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                                   for row in cells) + "</table>"
    raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")


def _prose(spec: tuple, rows: tuple) -> str:
    """Sentences that state the year's 主动公开 and request totals, as section 一 often does."""
    by_key = dict(zip((key for key, _ in spec), rows))
    said = []
    if "active_total" in by_key:
        said.append(f"本年度共主动公开政府信息{by_key['active_total'][2]}条。")
    for key in ("requests_total", "applications_formal"):
        if key in by_key:
            said.append(f"全年共收到有关政府信息公开的申请{by_key[key][2]}{by_key[key][1]}。")
    return "".join(said) + "\n"


def compare(expected: tuple, record: dict) -> dict[str, int]:
    """Each printed row against the record: right, null (value and cumulative
    null, with a note naming the row), unexplained (null without one), wrong."""
    got = (record.get("legacy") or {}).get("rows", [])
    counts = {"right": 0, "null": 0, "unexplained": 0, "wrong": 0, "rows_lost": max(0, len(expected) - len(got))}
    for want, row in zip(expected, got):
        label, unit, value, cumulative = want
        if (row["label"], row["unit"], row["value"], row["cumulative"]) == (label, unit, value, cumulative):
            counts["right"] += 1
        elif row["label"] == label and row["value"] is None and row["cumulative"] is None:
            explained = any(note.startswith(f"legacy: {label}:") for note in record["notes"])
            counts["null" if explained else "unexplained"] += 1
        else:
            counts["wrong"] += 1
    counts["rows_extra"] = max(0, len(got) - len(expected))
    return counts

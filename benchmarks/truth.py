"""Every real report with hand-checked values, read now and compared cell by cell.

For the five seeds (``../shared/truth/seeds.json``) and the corpus reports of
``../shared/truth/corpus.json``: cells right, left null (the truth has a number),
wrong (a number that is not the truth's, or a number where the truth is blank),
the header fields that differ, and the wrong cells themselves. Then the pre-2019
reports of ``../shared/truth/legacy.json``: their rows as printed, the same way.

    .venv/bin/python benchmarks/truth.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readers import cells  # noqa: E402
from toolkit import read_report  # noqa: E402
from toolkit.errors import ReportError  # noqa: E402

SHARED = ROOT.parent / "shared"
HEADER = ("agency", "year", "section2_template", "section3_template", "processing_fee_yuan")


def truth_files() -> list[tuple[Path, dict]]:
    seeds = json.loads((SHARED / "truth" / "seeds.json").read_text(encoding="utf-8"))
    corpus = json.loads((SHARED / "truth" / "corpus.json").read_text(encoding="utf-8"))["reports"]
    seed_reports = seeds.get("reports", seeds)
    return ([(SHARED / "seeds" / name, truth) for name, truth in seed_reports.items()]
            + [(SHARED / "corpus" / name, truth) for name, truth in corpus.items()])


def compare(record: dict, truth: dict) -> tuple[int, int, list]:
    """(right, null, wrong cells) of the truth's cells."""
    got, expected = dict(cells(record)), dict(cells(truth))
    right = sum(got.get(k, "missing") == v for k, v in expected.items())
    null = sum(got.get(k) is None and v is not None for k, v in expected.items())
    wrong = [(k, got.get(k, "missing"), v) for k, v in expected.items()
             if got.get(k, "missing") != v and got.get(k) is not None]
    return right, null, wrong


def main() -> int:
    totals = [0, 0, 0, 0]
    for path, truth in truth_files():
        try:
            record = read_report(path).to_dict()
        except ReportError as error:
            print(f"{path.name:40s} FAILED {error}")
            continue
        right, null, wrong = compare(record, truth)
        header = [k for k in HEADER if k in truth and record.get(k) != truth[k]]
        n = len(dict(cells(truth)))
        totals = [totals[0] + right, totals[1] + null, totals[2] + len(wrong), totals[3] + n]
        print(f"{path.name:40s} right {right:4d}/{n:<4d} null {null:3d} wrong {len(wrong):3d}"
              + (f"  header differs: {header}" if header else ""))
        for key, value, expected in wrong[:10]:
            print(f"    WRONG {key}: read {value!r}, truth {expected!r}")
        for key in header:
            print(f"    {key}: read {record.get(key)!r}, truth {truth[key]!r}")
    print(f"{'all':40s} right {totals[0]}/{totals[3]} null {totals[1]} wrong {totals[2]}")
    legacy_totals = legacy()
    return 1 if totals[2] or legacy_totals[2] else 0


def legacy() -> list[int]:
    """Each pre-2019 report's rows (label, unit, value, cumulative) against the truth's."""
    reports = json.loads((SHARED / "truth" / "legacy.json").read_text(encoding="utf-8"))["reports"]
    totals = [0, 0, 0, 0]
    for name, truth in reports.items():
        rows = read_report(SHARED / "corpus" / name).to_dict()["legacy"]["rows"]
        got = [(r["label"], r["unit"], r["value"], r["cumulative"]) for r in rows]
        expected = [(r["label"], r["unit"], r["value"], r["cumulative"]) for r in truth["rows"]]
        right = sum(g == e for g, e in zip(got, expected))
        null = sum(g != e and g[2] is None and g[3] is None for g, e in zip(got, expected))
        wrong = len(expected) - right - null
        totals = [totals[0] + right, totals[1] + null, totals[2] + wrong, totals[3] + len(expected)]
        print(f"{Path(name).name:40s} rows right {right:3d}/{len(expected):<3d} null {null:3d} wrong {wrong:3d}")
    print(f"{'all pre-2019':40s} rows right {totals[0]}/{totals[3]} null {totals[1]} wrong {totals[2]}")
    return totals


if __name__ == "__main__":
    sys.exit(main())

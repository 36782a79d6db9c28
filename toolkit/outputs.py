"""Write a corpus to ``data/processed``: CSV and Parquet per table, JSON per record.

Files are written to a temporary name and moved into place, so a reader never
sees half a file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from toolkit import tidy
from toolkit.corpus import Corpus

TABLES = {
    "reports": tidy.reports_table,
    "section2": tidy.section2_table,
    "section3": tidy.section3_table,
    "section4": tidy.section4_table,
    "checks": tidy.checks_table,
}


def write_outputs(corpus: Corpus, out: str | Path) -> dict[str, Path]:
    """Write every table and record under ``out``; returns table name -> CSV path."""
    out = Path(out)
    (out / "records").mkdir(parents=True, exist_ok=True)
    tables = {name: make(corpus.reports) for name, make in TABLES.items()}
    tables["failures"] = tidy.failures_table(corpus.failures)
    written = {}
    for name, table in tables.items():
        _atomic(out / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
        _atomic(out / f"{name}.parquet", lambda tmp, t=table: t.to_parquet(tmp, index=False))
        written[name] = out / f"{name}.csv"
    keep = set()
    for report in corpus.reports:
        target = out / "records" / f"{report.name}.json"
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
        _atomic(target, lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8"))
        keep.add(target.name)
    for stale in (out / "records").glob("*.json"):
        if stale.name not in keep:
            stale.unlink()
    return written


def _atomic(target: Path, write) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    write(tmp)
    os.replace(tmp, target)

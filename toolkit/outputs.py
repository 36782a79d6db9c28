"""Write a corpus to ``data/processed``: every table as CSV and Parquet, each
record as JSON, the research panel, the data dictionary, the exports and the
DuckDB store, all stamped with one data version (``toolkit.data_version``).

Files are written to a temporary name and moved into place, so a reader never
sees half a file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit import codebook, tidy
from toolkit.config import CORRECTIONS
from toolkit.continuity import year_over_year_findings
from toolkit.corpus import Corpus
from toolkit.corrections import load_corrections
from toolkit.data_version import about
from toolkit.dictionary import data_dictionary
from toolkit.exports import write_exports
from toolkit.panel import build_panel
from toolkit.store import build_database

DATA_VERSION = "data_version.json"  # the stamp and what it is made of, beside the tables
TIDY = {
    "reports": tidy.reports_table,
    "section2": tidy.section2_table,
    "section3": tidy.section3_table,
    "section4": tidy.section4_table,
    "checks": tidy.checks_table,
    "narrative_checks": tidy.narrative_table,
}


def make_tables(corpus: Corpus, corrections_path: str | Path = CORRECTIONS) -> dict[str, pd.DataFrame]:
    """Every output table, in memory: tidy, failures, panel layer, findings and ``about``
    (the data version, also a ``data_version`` column of ``reports`` and ``panel``)."""
    tables = {name: make(corpus.reports) for name, make in TIDY.items()}
    if tables["reports"].empty:  # no record: the columns all the same, so every table can be made
        described = [row["column"] for row in codebook.outputs() if row["table"] == "reports"]
        tables["reports"] = tables["reports"].reindex(columns=list(dict.fromkeys(["report", *described])))
    tables["failures"] = tidy.failures_table(corpus.failures)
    tables.update(build_panel(tables["reports"], tables["section3"], tables["section4"],
                              load_corrections(corrections_path)))
    tables["continuity"] = year_over_year_findings(tables["reports"], tables["section2"], tables["section3"])
    tables["about"] = pd.DataFrame([about(corpus.reports, corrections_path)]).astype({"corrections_sha256": "string"})
    for name in ("reports", "panel"):
        tables[name]["data_version"] = tables["about"].at[0, "data_version"]
    return tables


def write_outputs(corpus: Corpus, out: str | Path, corrections_path: str | Path = CORRECTIONS) -> dict[str, pd.DataFrame]:
    """Write every table, record, export and the store under ``out``; returns the tables."""
    out = Path(out)
    (out / "records").mkdir(parents=True, exist_ok=True)
    tables = make_tables(corpus, corrections_path)
    dictionary = data_dictionary(tables)
    stamp = tables["about"].to_dict("records")[0]
    for name, table in {**tables, "data_dictionary": dictionary}.items():
        _atomic(out / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
        _atomic(out / f"{name}.parquet", lambda tmp, t=table: _write_parquet(t, tmp, stamp["data_version"]))
    text = json.dumps(stamp, ensure_ascii=False, indent=1)
    _atomic(out / DATA_VERSION, lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))
    _write_records(corpus, out / "records")
    write_exports({**tables, "data_dictionary": dictionary}, out / "exports")
    build_database(out)
    return tables


def record_file(name: str) -> str:
    """The file under ``records/`` of the report named ``name`` (a path relative to the
    folder named: its ``/`` written ``%2F``, ``%`` written ``%25``, so no two names meet).

    >>> record_file("2023/报告.pdf"), record_file("a%2Fb.pdf")
    ('2023%2F报告.pdf.json', 'a%252Fb.pdf.json')
    """
    return name.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C") + ".json"


def _write_records(corpus: Corpus, folder: Path) -> None:
    keep = set()
    for report in corpus.reports:
        target = folder / record_file(report.name)
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
        _atomic(target, lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8"))
        keep.add(target.name)
    for stale in folder.glob("*.json"):
        if stale.name not in keep:
            stale.unlink()


def _write_parquet(table: pd.DataFrame, path: Path, data_version: str) -> None:
    """The table as Parquet, with the data version in the file's key-value metadata."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = {**(arrow.schema.metadata or {}), b"data_version": data_version.encode()}
    pq.write_table(arrow.replace_schema_metadata(metadata), path)


def _atomic(target: Path, write) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    write(tmp)
    os.replace(tmp, target)

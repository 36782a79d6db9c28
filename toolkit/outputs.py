"""Write a corpus to ``data/processed``: every table as CSV and Parquet, each
record as JSON, the research panel, the data dictionary, the exports and the
DuckDB store, all stamped with one data version (``toolkit.data_version``).

The reports are taken ``CHUNK`` at a time: each chunk's records are read (from the
batch cache or the records folder), written, made into tidy tables and the panel
layer, and appended to the Parquet and CSV files, so memory does not grow with the
corpus. What needs every report (which copy of a report is ``preferred``, the
year-over-year ``continuity``, the corrections not found) is made at the end from
the few columns it needs. The tables are the same, cell for cell, whatever the
chunk size.

Files are written to a temporary name and moved into place, so a reader never
sees half a file.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit import codebook, jsonfile, tidy
from toolkit.config import CORRECTIONS
from toolkit.continuity import consecutive_reports, in_force_cells, year_over_year_findings
from toolkit.corpus import Corpus
from toolkit.corrections import load_corrections
from toolkit.csvfile import write_csv
from toolkit.data_version import about
from toolkit.dictionary import data_dictionary, describe
from toolkit.exports import write_exports
from toolkit.panel import build_panel, preferred
from toolkit.stored import in_chunks
from toolkit.store import build_database
from toolkit.workbook import AS_PRINTED_REPORTS, workbook_rows

DATA_VERSION = "data_version.json"  # the stamp and what it is made of, beside the tables
LONGEST_NAME = 200  # bytes of a record's file name before .json (a file name holds 255)
CHUNK = 250  # reports made into tables at once: more is hardly faster, and memory grows with it
TIDY = {
    "reports": tidy.reports_table,
    "section2": tidy.section2_table,
    "section3": tidy.section3_table,
    "section4": tidy.section4_table,
    "checks": tidy.checks_table,
    "narrative_checks": tidy.narrative_table,
    "legacy_rows": tidy.legacy_rows_table,
    "legacy_checks": tidy.legacy_checks_table,
}
LAYER = ["harmonised_section3", "harmonised_section4"]
WHOLE = ["failures", "panel", "corrections_applied", "continuity", "about"]  # made once every chunk is done
ORDER = [*TIDY, "failures", *LAYER, *WHOLE[1:]]
ARROW_TYPES = {"string": pa.string(), "code": pa.string(), "integer": pa.int64(), "number": pa.float64(),
               "boolean": pa.bool_()}


def make_tables(corpus: Corpus, corrections_path: str | Path = CORRECTIONS, chunk: int = CHUNK) -> dict[str, pd.DataFrame]:
    """Every output table, in memory: tidy, failures, panel layer, findings and ``about``
    (the data version, also a ``data_version`` column of ``reports`` and ``panel``)."""
    parts: dict[str, list[pd.DataFrame]] = {}
    made = _Chunks(corrections_path, about(corpus.reports, corrections_path),
                   lambda name, table: parts.setdefault(name, []).append(table))
    for reports in in_chunks(corpus.reports, chunk):
        made.add(reports)
    whole = made.whole(corpus.failures)
    whole.pop("workbook")
    tables = {name: _concat(tables) for name, tables in parts.items()}
    return {name: {**tables, **whole}[name] for name in ORDER}


def _concat(chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one table, typed as one table of all the rows would be (a column
    of text that a chunk left empty would otherwise stay ``object``)."""
    table = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    text = [c for c in table.columns if table[c].dtype == object and pd.api.types.infer_dtype(table[c]) == "string"]
    return table.astype(dict.fromkeys(text, "str")) if text else table


def write_outputs(corpus: Corpus, out: str | Path, corrections_path: str | Path = CORRECTIONS,
                  chunk: int | None = None) -> dict[str, pd.DataFrame]:
    """Write every table, record, export and the store under ``out``; returns the tables
    that are one row per report or fewer (``panel``, ``corrections_applied``, …)."""
    writer = OutputWriter(out, about(corpus.reports, corrections_path), corrections_path, chunk)
    writer.add(corpus.reports)
    return writer.finish(corpus.failures)


class OutputWriter:
    """The outputs of reports handed over in order (``add``, as many times as they come:
    while the batch is still reading), stamped with ``stamp``; ``finish`` writes what
    needs them all. ``abandon`` removes what was written to temporary files."""

    def __init__(self, out: str | Path, stamp: dict, corrections_path: str | Path = CORRECTIONS,
                 chunk: int | None = None):
        self.out, self.stamp, self.chunk = Path(out), stamp, chunk or CHUNK
        (self.out / "records").mkdir(parents=True, exist_ok=True)
        self.files = _TableFiles(self.out, stamp["data_version"])
        self.records = _Records(self.out / "records")
        self.made = _Chunks(corrections_path, stamp, self.files.append)
        self.waiting: list = []

    def add(self, reports) -> None:
        self.waiting += reports
        while len(self.waiting) >= self.chunk:
            self._write(self.waiting[:self.chunk])
            self.waiting = self.waiting[self.chunk:]

    def finish(self, failures: list[dict]) -> dict[str, pd.DataFrame]:
        if self.waiting or not self.made.chunks:  # no record at all: the tables are written empty
            self._write(self.waiting)
        whole = self.made.whole(failures)
        journalist = whole.pop("workbook")
        for name in WHOLE:
            self.files.append(name, whole[name])
        dictionary = data_dictionary({name: self.files.columns(name) for name in ORDER})
        self.files.append("data_dictionary", dictionary)
        self.files.close()
        self.records.drop_stale()
        text = json.dumps(self.stamp, ensure_ascii=False, indent=1)
        _atomic(self.out / DATA_VERSION, lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))
        sizes = {name: (self.files.rows[name], self.files.columns(name).shape[1]) for name in [*ORDER, "data_dictionary"]}
        self._exports_and_store(sizes, {**whole, "data_dictionary": dictionary}, journalist)
        return whole

    def _exports_and_store(self, sizes: dict, in_memory: dict, journalist: dict) -> None:
        """The exports, and beside them the DuckDB store, built in a process of its own (its
        memory is not this one's, and in a thread DuckDB takes Python's lock often enough
        that both would take about twice as long). A daemon process (a worker of a
        multiprocessing pool) may not start one: there, one after the other."""
        if multiprocessing.current_process().daemon:
            write_exports(self.out, sizes, in_memory, journalist)
            build_database(self.out)
            return
        with ProcessPoolExecutor(1) as beside:
            database = beside.submit(build_database, self.out)
            write_exports(self.out, sizes, in_memory, journalist)
            database.result()

    def abandon(self) -> None:
        self.records.close()
        self.files.abandon()

    def _write(self, reports) -> None:
        loaded_reports = [report.load() for report in reports]
        self.records.write(loaded_reports)
        self.made.add(loaded_reports)


CARRIED = ["carried_over", "carried_forward"]  # the section 三 rows the year-over-year check compares


def _wide(cells: pd.DataFrame) -> pd.DataFrame:
    """A chunk's carried-over cells, one row per report and section 三 row (a tenth of
    the long rows' memory, kept until every chunk is done)."""
    return cells.pivot(index=["report", "row"], columns="column", values="value").reset_index()


def _long(chunks: list[pd.DataFrame], years: pd.DataFrame) -> pd.DataFrame:
    """The carried-over cells of the reports that have a report of the year before or after
    (the only ones compared), long again, in the order the tidy table has them."""
    wide = _concat(chunks)
    compared = consecutive_reports(years)
    wide = wide[wide["report"].isin(compared)]
    columns = [c for c in codebook.SECTION3_COLUMNS if c in wide.columns]
    long = wide.set_index(["report", "row"])[columns].stack(future_stack=True).rename("value").reset_index()
    return long.rename(columns={"level_2": "column"})[["report", "row", "column", "value"]]


class _Chunks:
    """Each chunk's per-report tables handed to ``keep(name, table)``; what needs every
    report kept in its few columns, for ``whole``."""

    def __init__(self, corrections_path, stamp: dict, keep):
        self.corrections = load_corrections(corrections_path)
        self.stamp, self.keep = stamp, keep
        self.panels, self.applied, self.years, self.carried, self.documents, self.cumulative, self.workbook = (
            [], [], [], [], [], [], [])
        self.shown = 0  # reports whose section 三 the workbook lays out
        self.chunks = 0

    def add(self, reports: list) -> None:
        tables = {name: make(reports) for name, make in TIDY.items()}
        if not reports:  # no record: the columns all the same, so every table can be made
            described = [row["column"] for row in codebook.outputs() if row["table"] == "reports"]
            tables["reports"] = tables["reports"].reindex(columns=list(dict.fromkeys(["report", *described])))
        tables["reports"]["data_version"] = self.stamp["data_version"]
        mine = self.corrections[self.corrections["report"].isin(tables["reports"]["report"])]
        layer = build_panel(tables["reports"], tables["section3"], tables["section4"], mine, tables["legacy_rows"])
        for name in [*TIDY, *LAYER]:
            self.keep(name, tables.get(name, layer.get(name)))
        self.panels.append(layer["panel"])
        self.applied.append(layer["corrections_applied"])
        self.years.append(tables["reports"][["report", "agency", "year"]])
        three, two = tables["section3"], tables["section2"]  # of these, continuity needs a few rows and columns
        self.carried.append(_wide(three.loc[three["row"].isin(CARRIED), ["report", "row", "column", "value"]]))
        self.documents.append(in_force_cells(two)[["report", "template", "item", "column", "value", "status"]])
        self.cumulative.append(tables["legacy_rows"][["report", "key", "value", "cumulative"]])
        self.workbook.append(workbook_rows(tables, AS_PRINTED_REPORTS - self.shown))
        self.shown += len(reports)
        self.chunks += 1

    def whole(self, failures: list[dict]) -> dict[str, pd.DataFrame]:
        """The tables made from every report, and what the workbook's summary and
        section 三 as printed need (``workbook``). Made once: what was kept per chunk is
        let go, so that the exports and the store that follow have its memory."""
        if not self.chunks:
            self.add([])
        panel = _concat(self.panels)
        panel["preferred"] = preferred(panel)
        panel["data_version"] = self.stamp["data_version"]
        years = _concat(self.years)
        continuity = year_over_year_findings(years, _concat(self.documents), _long(self.carried, years),
                                             _concat(self.cumulative))
        made = {
            "failures": tidy.failures_table(failures),
            "panel": panel,
            "corrections_applied": _statuses(self.corrections, pd.concat(self.applied)),
            "continuity": continuity,
            "about": pd.DataFrame([self.stamp]).astype({"corrections_sha256": "string"}),
            "workbook": {name: _concat([w[name] for w in self.workbook]) for name in self.workbook[0]},
        }
        self.panels, self.applied, self.years, self.carried, self.documents, self.cumulative, self.workbook = (
            [], [], [], [], [], [], [])
        return made


def _statuses(corrections: pd.DataFrame, applied: pd.DataFrame) -> pd.DataFrame:
    """Every correction, section 三 then 四 in the file's order, with its status: a
    correction of a report no chunk held is ``not_found``."""
    status = applied["status"]
    rows = [corrections[corrections["section"] == section] for section in ("section3", "section4")]
    return pd.concat([r.drop(columns=["section", "row", "column"]).assign(status=status.reindex(r.index).fillna("not_found"))
                      for r in rows], ignore_index=True)


def record_file(name: str) -> str:
    """The file under ``records/`` of the report named ``name`` (a path relative to the
    folder named: its ``/`` written ``%2F``, ``%`` written ``%25``, so no two names meet).
    A name too long for a file name (255 bytes, with room for the temporary and review
    files made from it) keeps its start and gains a hash of the whole name.

    >>> record_file("2023/报告.pdf"), record_file("a%2Fb.pdf")
    ('2023%2F报告.pdf.json', 'a%252Fb.pdf.json')
    >>> long = record_file("报" * 82 + ".txt"); len(long.encode()), long[-22:]
    (204, '报报报报~e05d7a35bc30.json')
    """
    escaped = name.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
    if len(escaped.encode()) > LONGEST_NAME:
        start = escaped.encode()[:LONGEST_NAME - 13].decode("utf-8", "ignore")
        escaped = f"{start}~{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}"
    return escaped + ".json"


class _Records:
    """``records/<report>.json``, one per report; files of reports no longer there are removed.
    The files are written by a thread of their own (creating a file is the system's work, done
    outside Python's lock) while the next chunk is made into tables, one chunk behind at most,
    so that a slow disk does not pile records up in memory; ``drop_stale`` waits for them."""

    def __init__(self, folder: Path):
        self.folder, self.keep = folder, set()
        self.writing, self.pending = ThreadPoolExecutor(1), None

    def write(self, reports) -> None:
        files = [(self.folder / record_file(report.name), jsonfile.dumps(report.to_dict(), indent=True))
                 for report in reports]
        self.keep.update(target.name for target, _ in files)
        self._wait()
        self.pending = self.writing.submit(_write_files, files)

    def drop_stale(self) -> None:
        self.close()
        for stale in self.folder.glob("*.json"):
            if stale.name not in self.keep:
                stale.unlink()

    def close(self) -> None:
        """Every file handed over is written."""
        self._wait()
        self.writing.shutdown()

    def _wait(self) -> None:
        """The chunk handed over before is written (an error writing one is raised here)."""
        if self.pending:
            self.pending.result()
            self.pending = None


def _write_files(files: list[tuple[Path, bytes]]) -> None:
    """Each file that does not hold its bytes already (a run again over the same reports
    rewrites nothing: replacing a file frees its old one, and on ext4 creating files is
    slower for minutes after many were freed)."""
    for target, data in files:
        if not _holds(target, data):
            _atomic(target, lambda tmp, d=data: Path(tmp).write_bytes(d))


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:  # not there (or not readable: written again)
        return False


class _TableFiles:
    """Each table's ``.csv`` and ``.parquet``, appended a chunk at a time under temporary
    names and moved into place by ``close``. A column that a first chunk leaves empty
    takes its type from the data dictionary (``outputs.csv``)."""

    def __init__(self, out: Path, data_version: str):
        self.out, self.version = out, data_version
        self.parquet: dict[str, pq.ParquetWriter] = {}
        self.csv: dict[str, object] = {}
        self.rows: dict[str, int] = {}
        self.first: dict[str, pd.DataFrame] = {}

    def append(self, name: str, table: pd.DataFrame) -> None:
        first = name not in self.csv
        if first:
            self.csv[name] = open(self._tmp(name, "csv"), "wb")
            self.first[name], self.rows[name] = table.iloc[:0], 0
        write_csv(table, self.csv[name], header=first)
        self.rows[name] += len(table)
        if name not in self.parquet:
            self.parquet[name] = pq.ParquetWriter(self._tmp(name, "parquet"), self._schema(name, table))
        writer = self.parquet[name]
        writer.write_table(pa.Table.from_pandas(table, schema=writer.schema, preserve_index=False))

    def columns(self, name: str) -> pd.DataFrame:
        """The table's columns (an empty frame), for the data dictionary."""
        return self.first[name]

    def close(self) -> None:
        for name in self.csv:
            self.csv[name].close()
            self.parquet[name].close()
            for suffix in ("csv", "parquet"):
                os.replace(self._tmp(name, suffix), self.out / f"{name}.{suffix}")

    def abandon(self) -> None:
        """Close and remove the temporary files (the outputs in place are left as they were)."""
        for name in self.csv:
            self.csv[name].close()
            self.parquet[name].close()
            for suffix in ("csv", "parquet"):
                self._tmp(name, suffix).unlink(missing_ok=True)

    def _schema(self, name: str, table: pd.DataFrame) -> pa.Schema:
        """The first chunk's schema, its empty columns typed from the dictionary, with the
        data version in the file's key-value metadata (so every chunk has it)."""
        schema = pa.Schema.from_pandas(table, preserve_index=False)
        for i, field in enumerate(schema):
            if pa.types.is_null(field.type):
                schema = schema.set(i, field.with_type(ARROW_TYPES[describe(name, field.name)["type"]]))
        return schema.with_metadata({**(schema.metadata or {}), b"data_version": self.version.encode()})

    def _tmp(self, name: str, suffix: str) -> Path:
        return self.out / f".{name}.{suffix}.tmp"


def _atomic(target: Path, write) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    write(tmp)
    os.replace(tmp, target)

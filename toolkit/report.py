"""One report in, one record out: ``read_report(path)``.

The record holds the values as printed, in the codebook's shape, with where each
table was read and the identity checks. Nothing is repaired: a number that could
not be read is ``None`` and a note says why.

>>> report = read_report("data/raw/004_05aca36cc1e89005.txt")
>>> report.to_dict()["section3"]["unable_not_held"][-1]
147
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import __version__, codebook
from toolkit.checks import IDENTITIES, Finding
from toolkit.manifest import source_of
from toolkit.errors import NotAnnualReport, PreNationalFormat, ReportError, TablesAreImages, TablesMissing
from toolkit.fees import FeeRead, read_fee
from toolkit.header import find_agency_and_year
from toolkit.legacy import read_legacy_table
from toolkit.locality import Locality, locate
from toolkit.narrative import compare_with_table, narrative_counts, narrative_notes
from toolkit.normalize import CompactText
from toolkit.readers import read_document
from toolkit.readers.pictures import tables_are_images
from toolkit.readers.text import layout
from toolkit.readings import read_sections
from toolkit.sections import find_sections
from toolkit.source_check import source_findings
from toolkit.tables import TableRead

RECORD_KEYS = (
    "agency", "year", "province", "prefecture", "county", "division_code", "level",
    "section2_template", "section3_template", "section2", "section3", "section4",
    "processing_fee_yuan", "template", "legacy",
)
REPORT_MARKERS = ("政府信息公开", "政务公开")
MIN_PRE_2019_LABELS = 2  # one such word in the prose is not a table
PRE_2019 = "pre-2019"  # the template of a record whose table is a local form of the 2008 regulation


@dataclass
class Report:
    """A report's record (``record``), where it was read (``provenance``) and its checks."""

    record: dict
    provenance: dict
    checks: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.provenance["file"]

    @property
    def sha256(self) -> str:
        return self.provenance["sha256"]

    def renamed(self, name: str) -> None:
        """Give the report another name (two inputs that share one)."""
        self.provenance = {**self.provenance, "file": name}

    def load(self) -> "Report":
        """The report itself (a ``toolkit.stored.StoredReport`` reads its record here)."""
        return self

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        """The inverse of ``to_dict``: a record saved as JSON, read back unchanged."""
        return cls(
            record={key: data[key] for key in RECORD_KEYS},
            provenance=data["provenance"],
            checks=[Finding(**finding) for finding in data["checks"]["failed"]],
            notes=data["notes"],
            unresolved=[{**u, "candidates": [tuple(c) for c in u["candidates"]]} for u in data["unresolved"]],
        )

    def to_dict(self) -> dict:
        """The codebook's record, plus provenance, checks, notes and unsplit runs."""
        return {
            **self.record,
            "provenance": self.provenance,
            "checks": {
                "identities": IDENTITIES,
                "failed": [finding.to_dict() for finding in self.checks],
            },
            "notes": self.notes,
            "unresolved": [{**u, "candidates": [list(c) for c in u["candidates"]]} for u in self.unresolved],
        }


def read_report(path: str | Path) -> Report:
    """Read one annual report file; raises ``ReportError`` naming the file and the reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReportError(path, f"cannot read the file: {error.strerror or error}") from error
    document = read_document(path, data)
    ct = CompactText(document.text)
    if not any(marker in ct.text for marker in REPORT_MARKERS):
        raise NotAnnualReport(path, "no mention of 政府信息公开 or 政务公开: not a government information disclosure annual report")
    agency, year, agency_from = find_agency_and_year(ct.source)  # normalised once: the same as document.text
    national = any(label in ct.text for label in codebook.format_labels("national"))
    if not national and (legacy := read_legacy_table(document.text)):
        return _pre_2019_report(path, data, document, legacy, (agency, year, agency_from), ct.source)
    if not national and (old := _pre_2019_labels(ct.text)):
        raise PreNationalFormat(path, f"the statistics table is in the pre-2019 format (it prints {'、'.join(old)}), "
                                      "but no row of label, unit and numbers could be read under a 指标名称 heading")
    spans = find_sections(ct)
    found = read_sections(document, ct, spans, year)
    tables, readings, other_tables = found.tables, found.how, found.others
    if not any(_has_numbers(table.values) for table in tables.values()):
        if why := tables_are_images(document):
            raise TablesAreImages(path, why)
        found = ", ".join(sorted(spans)) or "no section headings"
        raise TablesMissing(path, f"no statistical table could be read (sections 二, 三, 四); found: {found}")

    located = locate(agency, ct.source, year) if agency else Locality()
    fee = read_fee(ct.source_slice(*spans["section6"])) if "section6" in spans else FeeRead(None)
    record = dict.fromkeys(RECORD_KEYS)
    record.update(located.record())
    record.update(
        agency=agency, year=year,
        section2_template=_template(tables, "section2"), section3_template=_template(tables, "section3"),
        section2=_values(tables, "section2"), section3=_values(tables, "section3"), section4=_values(tables, "section4"),
        processing_fee_yuan=fee.yuan,
        template=_template(tables, "section3") or _template(tables, "section2"),
    )
    provenance = {
        **_about_file(path, data, document, agency_from, located),
        "tables": {section: {**_where(table, document), **readings[section]} for section, table in tables.items()},
        "other_tables": other_tables,
        "processing_fee_from": fee.sentence,
        "reader": document.details,
    }
    tables_start = min((spans[s][0] for s in ("section2", "section3", "section4") if s in spans), default=None)
    provenance["narrative_counts"] = compare_with_table(narrative_counts(ct, tables_start), record["section3"], year)
    provenance["source"] = source_of(path, provenance["sha256"])  # url, final_url, fetched_at from MANIFEST.csv
    notes = list(document.details.get("notes", [])) + [note for table in tables.values() for note in table.notes]
    notes += [reading["why"] for reading in readings.values() if reading.get("why")]
    notes += [f"{section}: no table found (no heading, or no column headings under it)"
              for section in ("section2", "section3", "section4") if section not in tables]
    if agency is None or year is None:
        notes.append("agency or year not found in the title, preamble or body")
    notes += _fee_notes(fee, "section6" in spans) + _engine_notes(document.details.get("sections", {}))
    notes += narrative_notes(provenance["narrative_counts"])
    provenance["source_check"] = source_findings({**record, "provenance": provenance}, ct.source)
    notes += [f"source check: {finding['message']}" for finding in provenance["source_check"]]
    checks = found.failures.get("section3", []) + found.failures.get("section4", [])  # the kept tables' identities
    unresolved = [u for table in tables.values() for u in table.unresolved]
    return Report(record, provenance, checks, notes, unresolved)


def _about_file(path: Path, data: bytes, document, agency_from, located: Locality) -> dict:
    """The provenance every record has: the file, how it was read, where the agency is."""
    return {
        "file": path.name,
        "path": str(path),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "format": document.format,
        "encoding": document.encoding,
        "extractor": f"toolkit {__version__} {document.extractor}",
        "layout": layout(document.text),
        "agency_and_year_from": agency_from,
        "locality": {
            "status": located.status, "agency_kind": located.agency_kind, "scope": located.scope,
            "township": located.township, "evidence": list(located.evidence),
            "candidates": [str(candidate) for candidate in located.candidates],
        },
    }


def _pre_2019_report(path: Path, data: bytes, document, table, header: tuple, source: str) -> Report:
    """A report under the 2008 regulation: its local table as printed (``legacy``), no national values."""
    agency, year, agency_from = header
    located = locate(agency, source, year) if agency else Locality()
    record = dict.fromkeys(RECORD_KEYS)
    record.update(located.record())
    record.update(agency=agency, year=year, template=PRE_2019, legacy=table.to_dict(document.location))
    provenance = {**_about_file(path, data, document, agency_from, located), "tables": {}, "other_tables": [],
                  "processing_fee_from": None, "reader": document.details, "narrative_counts": [], "source_check": []}
    provenance["source"] = source_of(path, provenance["sha256"])
    notes = list(document.details.get("notes", []))
    notes.append("pre-2019: the statistics table is a local form "
                 f"({'form ' + table.form if table.form != 'unknown' else 'not one the codebook knows'}), "
                 "read as printed in `legacy`; sections 二/三/四 of the national template are null")
    notes += [f"legacy: {note}" for note in table.notes]
    notes += [f"legacy: {row.label}: {row.why}: value and cumulative are null" for row in table.rows if row.why]
    notes += [f"legacy: {row.label}: {row.chosen_by}" for row in table.rows if row.chosen_by]
    notes += [f"legacy check: {check['message']}" for check in table.checks]
    if agency is None or year is None:
        notes.append("agency or year not found in the title, preamble or body")
    return Report(record, provenance, [], notes, table.unresolved())


def _engine_notes(sections: dict) -> list[str]:
    """A PDF section that camelot read instead of pdfplumber: its empty cells are read as
    blank, but on a table pdfplumber could not read they may be printed numbers."""
    return [f"{section}: read by {how['engine']}, as pdfplumber's reading of this table failed more identities or "
            f"left more cells unread ({how['scores']}); cells {how['engine']} finds empty are read as blank, and may "
            "be printed numbers it could not place"
            for section, how in sections.items() if how.get("engine", "pdfplumber") != "pdfplumber"]


def _fee_notes(fee: FeeRead, found: bool) -> list[str]:
    """Why ``processing_fee_yuan`` is null, when it is."""
    if fee.yuan is not None:
        return []
    if not found:
        return ["section6: no heading 六、其他需要报告的事项 found: processing_fee_yuan is null"]
    return [f"section6: {fee.note or 'no sentence of section 六 states a 信息处理费'}: processing_fee_yuan is null"]


def _template(tables: dict, section: str) -> str | None:
    return tables[section].template if section in tables else None


def _values(tables: dict, section: str) -> dict | None:
    return tables[section].values if section in tables else None


def _where(table: TableRead, document) -> dict:
    """Lines of the lifted text, and where in the document each row was read."""
    return {
        "lines": list(table.lines) if table.lines else None,
        "rows": table.rows_at,
        "unread": table.unread,
        "unread_cells": table.unread_cells,
        "read_at": {name: document.location(line) for name, line in table.rows_at.items()},
        "labels": table.labels,
    }


def _pre_2019_labels(text: str) -> list[str]:
    """Labels of the old (2008 regulation) statistics table that ``text`` prints."""
    found = [label for label in codebook.format_labels(PRE_2019) if label in text]
    return found if len(found) >= MIN_PRE_2019_LABELS else []


def _has_numbers(values) -> bool:
    if isinstance(values, dict):
        return any(_has_numbers(v) for v in values.values())
    if isinstance(values, list):
        return any(v is not None for v in values)
    return values is not None

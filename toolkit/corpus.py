"""Many reports in, every one accounted for: ``build_corpus(paths)``.

Each input ends as a record or as a listed failure with its reason; one bad file
never stops the batch. Records extracted earlier (JSON, e.g. the committed
statistics of the shared corpus) can be added back with ``load_records``.
"""
from __future__ import annotations

import contextlib
import csv
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from toolkit import batch
from toolkit.report import Report

NOT_REPORTS = {"MANIFEST.csv", "MANIFEST.tsv", "README.md", "README.txt"}


@dataclass
class Corpus:
    """The records read and the inputs that failed (file, path, reason, message)."""

    reports: list[Report] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def extend(self, other: "Corpus") -> None:
        self.reports.extend(other.reports)
        self.failures.extend(other.failures)


def find_inputs(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, collection) for files named and files inside folders named
    (recursively), skipping hidden files and manifests; the collection is the
    folder named (or the file's folder)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            collection = path.resolve().name
            found.extend(
                (p, collection) for p in sorted(path.rglob("*"))
                if p.is_file() and p.name not in NOT_REPORTS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append((path, path.resolve().parent.name))
    return found


def manifest_inputs(manifest: str | Path) -> list[tuple[Path, str, dict]]:
    """(file, collection, row) for each row of a manifest (TSV or CSV with a ``file``
    column, paths relative to the manifest's folder)."""
    manifest = Path(manifest)
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t" if manifest.suffix == ".tsv" else ","))
    if rows and "file" not in rows[0]:
        raise ValueError(f"{manifest}: no 'file' column (columns: {', '.join(rows[0])})")
    return [(manifest.parent / row["file"], manifest.resolve().parent.name, row) for row in rows]


def build_corpus(paths: Iterable[str | Path] = (), progress: bool = True,
                 manifest: str | Path | None = None, *, jobs: int | None = None, scheduler: str | None = None,
                 timeout: float = batch.DEFAULT_TIMEOUT, cache: str | Path | None = None) -> Corpus:
    """Read every report under ``paths`` (and listed in ``manifest``, whose row is kept
    in the record's provenance); failures are collected, not raised. Files are read
    in ``jobs`` processes (default: one per core) or on the Dask cluster at
    ``scheduler``, each stopped after ``timeout`` seconds; with ``cache`` (a folder),
    files read before are not read again (``toolkit.batch``)."""
    inputs = [(path, collection, None) for path, collection in find_inputs(paths)]
    inputs += manifest_inputs(manifest) if manifest else []
    with contextlib.nullcontext(cache) if cache else tempfile.TemporaryDirectory(prefix="toolkit-") as folder:
        reports, failures, _ = batch.build(inputs, folder, jobs=jobs, scheduler=scheduler,
                                           timeout=timeout, progress=progress)
    return Corpus(reports, failures)


def load_records(folder: str | Path) -> Corpus:
    """Records saved by ``extract`` (``folder``/records/*.json) and its failures.csv."""
    folder = Path(folder)
    corpus = Corpus(reports=[
        Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((folder / "records").glob("*.json"))
    ])
    failures = folder / "failures.csv"
    if failures.exists():
        with failures.open(encoding="utf-8", newline="") as handle:
            corpus.failures = list(csv.DictReader(handle))
    return corpus

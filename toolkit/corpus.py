"""Many reports in, every one accounted for: ``build_corpus(paths)``.

Each input ends as a record or as a listed failure with its reason; one bad file
never stops the batch. Records extracted earlier (JSON, e.g. the committed
statistics of the shared corpus) can be added back with ``load_records``.
"""
from __future__ import annotations

import contextlib
import csv
import functools
import itertools
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from toolkit import batch, jsonfile
from toolkit.batch import printable
from toolkit.report import Report
from toolkit.stored import StoredReport, loaded

NOT_REPORTS = {"MANIFEST.csv", "MANIFEST.tsv", "README.md", "README.txt"}


@dataclass
class Corpus:
    """The records read and the inputs that failed (file, path, reason, message). A
    record may wait on disk (``toolkit.stored``): ``report.load()`` reads it."""

    reports: list[Report | StoredReport] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def extend(self, other: "Corpus") -> None:
        self.reports.extend(other.reports)
        self.failures.extend(other.failures)


def find_inputs(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, collection) for files named and files inside folders named
    (recursively), skipping hidden files and manifests; the collection is the
    folder named (or the file's folder). ``walk`` also gives each file's report
    name and the inputs that cannot be read."""
    return [(path, collection) for path, collection, _ in walk(paths)[0]]


def walk(paths: Iterable[str | Path], *, links_outside: bool = False,
         outputs: str | Path | None = None) -> tuple[list[tuple[Path, str, str]], list[dict]]:
    """(file, collection, name) for files named and files inside folders named, and
    a failure row for each path that gives nothing: ``not_found``, ``empty_folder``,
    ``symlink_outside`` (a link leading out of the folders named, unless
    ``links_outside``), ``symlink_loop``, ``unreadable`` (a folder that cannot be
    listed, a broken link). The folder ``outputs`` (where ``extract`` writes, when it
    is inside a folder named) is not walked: its files are the toolkit's, not reports.

    The name is the file's path relative to the folder named (a file named: its
    name), escaped where it is not printable UTF-8 (``names.printable``); two
    files that would share a name take their folder's name, then their whole path,
    in front."""
    paths = [Path(p) for p in paths]
    roots = [_real(p) for p in paths if _real(p) is not None]
    skipped = _real(Path(outputs)) if outputs is not None else None
    found, failures = [], []
    for path in paths:
        collection = printable(os.fsdecode((_real(path) or path.absolute()).name if path.is_dir()
                                           else (_real(path) or path.absolute()).parent.name))
        if not os.path.lexists(path):
            failures.append(_failure(path, "not_found", "no such file or folder"))
        elif path.is_dir():
            before = len(found), len(failures)
            _walk_folder(path, path, collection, roots, links_outside, [_real(path)], found, failures, skipped)
            if (len(found), len(failures)) == before:
                failures.append(_failure(path, "empty_folder", "the folder holds no report files"))
        else:  # a file, or what the batch lists as unreadable (a broken link, a pipe)
            found.append((path, collection, printable(os.fsdecode(path.name))))
    unique, seen = [], set()
    for path, collection, name in found:  # the same file named twice is one input
        if path.absolute() not in seen:
            seen.add(path.absolute())
            unique.append((path, collection, name))
    return _distinct_names(unique), failures


def _walk_folder(folder: Path, root: Path, collection: str, roots: list[Path], links_outside: bool,
                 stack: list[Path], found: list, failures: list, skipped: Path | None = None) -> None:
    """Files under ``folder`` in name order; links followed inside the folders named
    (or anywhere with ``links_outside``), never round a loop (``stack``: the real
    folders above); the real folder ``skipped`` left out."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
    except OSError as error:
        failures.append(_failure(folder, "unreadable", f"cannot list the folder: {error.strerror or error}"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") or entry.name in NOT_REPORTS and entry.is_file():
            continue
        name = printable(os.fsdecode(path.relative_to(root).as_posix()))
        if entry.is_symlink():
            real = _real(path)
            if real is None:
                failures.append(_failure(path, "unreadable", "a symbolic link to nothing (broken link) or in a loop"))
                continue
            if not links_outside and not any(real == r or real.is_relative_to(r) for r in roots):
                failures.append(_failure(path, "symlink_outside",
                                         f"a symbolic link to {printable(os.fsdecode(real))}, outside the folders "
                                         "named: not followed (--follow-links-outside to read it)"))
                continue
            if real.is_dir() and any(real == s or s.is_relative_to(real) for s in stack):
                failures.append(_failure(path, "symlink_loop",
                                         f"a symbolic link back to {printable(os.fsdecode(real))}, a folder above "
                                         "it: not followed (it would loop)"))
                continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir and skipped is not None and _real(path) == skipped:
            continue
        if is_dir:
            _walk_folder(path, root, collection, roots, links_outside, [*stack, _real(path)], found, failures, skipped)
        else:
            found.append((path, collection, name))


def _real(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a broken link, a link loop
        return None


def _distinct_names(found: list[tuple[Path, str, str]]) -> list[tuple[Path, str, str]]:
    """Names that two files share become collection/name, then the whole path."""
    for widen in (lambda p, c, n: f"{c}/{n}", lambda p, c, n: printable(os.fsdecode(p.absolute().as_posix()))):
        count = Counter(name for _, _, name in found)
        found = [(p, c, widen(p, c, n) if count[n] > 1 else n) for p, c, n in found]
    return found


def _failure(path: Path, reason: str, message: str) -> dict:
    shown = printable(os.fsdecode(path))
    return {"file": printable(os.fsdecode(path.name)) or shown, "path": shown, "reason": reason,
            "message": f"{shown}: {message}"}


def manifest_inputs(manifest: str | Path) -> list[tuple[Path, str, dict, str]]:
    """(file, collection, row, name) for each row of a manifest (TSV or CSV with a ``file``
    column, paths relative to the manifest's folder)."""
    manifest = Path(manifest)
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t" if manifest.suffix == ".tsv" else ","))
    if rows and "file" not in rows[0]:
        raise ValueError(f"{manifest}: no 'file' column (columns: {', '.join(rows[0])})")
    return [(manifest.parent / row["file"], manifest.resolve().parent.name, row, printable(Path(row["file"]).name))
            for row in rows]


def corpus_inputs(paths: Iterable[str | Path] = (), manifest: str | Path | None = None,
                  links_outside: bool = False, outputs: str | Path | None = None) -> tuple[list[tuple], list[dict]]:
    """(file, collection, manifest row, name) of every input under ``paths`` and in
    ``manifest`` (not in the folder ``outputs``), and the failures found on the way (a
    missing path, a link outside …)."""
    found, skipped = walk(paths, links_outside=links_outside, outputs=outputs)
    inputs = [(path, collection, None, name) for path, collection, name in found]
    return inputs + (manifest_inputs(manifest) if manifest else []), skipped


def build_corpus(paths: Iterable[str | Path] = (), progress: bool = True,
                 manifest: str | Path | None = None, *, jobs: int | None = None, scheduler: str | None = None,
                 timeout: float = batch.DEFAULT_TIMEOUT, cache: str | Path | None = None,
                 links_outside: bool = False) -> Corpus:
    """Read every report under ``paths`` (and listed in ``manifest``, whose row is kept
    in the record's provenance); failures are collected, not raised. Files are read
    in ``jobs`` processes (default: one per core) or on the Dask cluster at
    ``scheduler``, each stopped after ``timeout`` seconds; with ``cache`` (a folder),
    files read before are not read again (``toolkit.batch``). Symbolic links are
    followed inside the folders named (anywhere with ``links_outside``)."""
    inputs, skipped = corpus_inputs(paths, manifest, links_outside)
    return read_inputs(inputs, skipped, progress, jobs=jobs, scheduler=scheduler, timeout=timeout, cache=cache)


def read_inputs(inputs: list[tuple], skipped: list[dict], progress: bool = True, *, jobs: int | None = None,
                scheduler: str | None = None, timeout: float = batch.DEFAULT_TIMEOUT,
                cache: str | Path | None = None, keys: list | None = None, on_ready=None) -> Corpus:
    """The corpus of ``inputs`` (from ``corpus_inputs``), as ``build_corpus`` reads it; with
    their ``keys`` when they were hashed already, and (with a ``cache``) ``on_ready`` given
    the records in order while the rest are read."""
    with contextlib.nullcontext(cache) if cache else tempfile.TemporaryDirectory(prefix="toolkit-") as folder:
        saved = batch.Cache(Path(folder))
        reports, failures, _ = batch.build(inputs, saved, jobs=jobs, scheduler=scheduler, timeout=timeout,
                                           progress=progress, keys=keys, on_ready=on_ready if cache else None)
        if not cache:  # the records are in a folder about to go: read them now
            reports = loaded(reports)
            saved.close()
    return Corpus(unique_names(reports), skipped + failures)


def merged(*corpora: Corpus) -> Corpus:
    """The corpora as one, the first winning: a record whose content (sha256) or name
    an earlier corpus holds is dropped (same content = same record; a changed file
    replaces its old reading), and so is a failure whose file an earlier corpus read
    or listed. Within one corpus every record is kept."""
    out = Corpus()
    for corpus in corpora:
        shas = {r.sha256 for r in out.reports}
        names = {r.name for r in out.reports} | {f.get("file") for f in out.failures}
        out.reports += [r for r in corpus.reports if r.sha256 not in shas and r.name not in names]
        out.failures += [f for f in corpus.failures if f.get("file") not in names]
    out.reports = unique_names(out.reports)
    return out


def unique_names(reports: list[Report | StoredReport]) -> list[Report | StoredReport]:
    """Reports whose names meet (a file named twice from two sources) get their
    collection, then a number, in front: no two share the ``report`` key."""
    seen = Counter(r.name for r in reports)
    taken = set()
    for report in reports:
        name = report.name
        if seen[name] > 1:
            name = f"{report.provenance.get('collection') or 'input'}/{name}"
            for n in itertools.count(2):
                if name not in taken and name not in seen:
                    break
                name = f"{n}/{report.name}"
            report.renamed(name)
        taken.add(name)
    return reports


def load_records(folder: str | Path) -> Corpus:
    """Records saved by ``extract`` (``folder``/records/*.json), each read again when it
    is used, and its failures.csv."""
    folder = Path(folder)
    corpus = Corpus(reports=[_stored(path) for path in sorted((folder / "records").glob("*.json"))])
    failures = folder / "failures.csv"
    if failures.exists():
        with failures.open(encoding="utf-8", newline="") as handle:
            corpus.failures = list(csv.DictReader(handle))
    return corpus


def _stored(path: Path) -> StoredReport:
    provenance = _record(path).provenance
    return StoredReport(provenance["file"], provenance["sha256"], functools.partial(_record, path))


def _record(path: Path) -> Report:
    return Report.from_dict(jsonfile.loads(path.read_bytes()))

"""Many reports in, every one accounted for: ``build_corpus(paths)``.

Each input ends as a record or as a listed failure with its reason; one bad file
never stops the batch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tqdm import tqdm

from toolkit.errors import ReportError
from toolkit.report import Report, read_report


@dataclass
class Corpus:
    """The records read and the inputs that failed (file, path, reason, message)."""

    reports: list[Report] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)


def find_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and files inside folders named (recursively), skipping hidden ones."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ))
        else:
            found.append(path)
    return found


def build_corpus(paths: Iterable[str | Path], progress: bool = True) -> Corpus:
    """Read every report under ``paths``; failures are collected, not raised."""
    corpus = Corpus()
    inputs = find_inputs(paths)
    for path in tqdm(inputs, desc="Extracting", unit="report", disable=not progress):
        try:
            corpus.reports.append(read_report(path))
        except ReportError as error:
            _fail(corpus, path, error.reason, error.message, progress)
        except Exception as error:  # a bug of ours must not lose the other files
            _fail(corpus, path, "internal_error", f"{type(error).__name__}: {error}", progress)
    return corpus


def _fail(corpus: Corpus, path: Path, reason: str, message: str, progress: bool) -> None:
    corpus.failures.append({"file": path.name, "path": str(path), "reason": reason, "message": message})
    text = f"FAILED {path}: {message}"
    tqdm.write(text) if progress else print(text)

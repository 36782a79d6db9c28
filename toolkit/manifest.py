"""Where each stored file came from: ``MANIFEST.csv`` beside the files that
``collect`` fetched (one row per fetch), and the lookup of a file's source by content."""
from __future__ import annotations

import csv
import functools
import io
import os
from pathlib import Path

MANIFEST = "MANIFEST.csv"
MANIFEST_COLUMNS = ("url", "final_url", "fetched_at", "status", "content_type", "sha256", "size",
                    "file", "parent_url", "reason", "message")
SOURCE_COLUMNS = ("url", "final_url", "fetched_at", "parent_url")


def append_row(raw_dir: Path, row: dict) -> None:
    """Add one row to ``MANIFEST.csv`` in a single append (with the header if the file is new)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, MANIFEST_COLUMNS, lineterminator="\n")
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(raw_dir / MANIFEST, flags | os.O_CREAT | os.O_EXCL)
        writer.writeheader()
    except FileExistsError:
        descriptor = os.open(raw_dir / MANIFEST, flags)
    writer.writerow(row)
    try:
        os.write(descriptor, buffer.getvalue().encode("utf-8"))
    finally:
        os.close(descriptor)


def source_of(path: str | Path, sha256: str) -> dict | None:
    """Where a stored file came from (url, final_url, fetched_at, parent_url), from the
    ``MANIFEST.csv`` in its folder, matched by content so renamed copies still match."""
    manifest = os.path.join(os.path.dirname(path), MANIFEST)  # os.path, not pathlib: asked of every report
    try:
        stat = os.stat(manifest)
    except OSError:
        return None
    row = _first_fetch(manifest, stat.st_mtime_ns, stat.st_size).get(sha256)
    return {column: row.get(column) for column in SOURCE_COLUMNS} if row else None


@functools.lru_cache(maxsize=4)
def _first_fetch(manifest: str, mtime_ns: int, size: int) -> dict[str, dict]:
    """sha256 -> the manifest's first row with that content (re-read when the file changes)."""
    with open(manifest, newline="", encoding="utf-8", errors="replace") as file:
        rows = {}
        for row in csv.DictReader(file):
            if row.get("sha256"):
                rows.setdefault(row["sha256"], row)
        return rows

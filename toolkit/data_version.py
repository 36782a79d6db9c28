"""The data version stamped in every output: ``0.1.0+inputs.3f2a9c1d``.

The toolkit's version, then the first digits of a hash of the inputs: sha256 over the
sorted lines ``<report name><TAB><sha256 of its file>``, then the line
``corrections<TAB><sha256 of the corrections file>`` (``none`` without one). The same
reports and corrections give the same stamp on any machine, on any day; a changed
report, one more or one less, or another correction gives another. The code is not in
the stamp (its version stands for it); ``code_fingerprint`` beside it tells two
states of the code of one version apart.

>>> inputs_sha256([("b.txt", "22"), ("a.txt", "11")], None) == inputs_sha256([("a.txt", "11"), ("b.txt", "22")], None)
True
"""
from __future__ import annotations

import hashlib
import shlex
import sys
from pathlib import Path

from toolkit import __version__
from toolkit.batch import code_version
from toolkit.report import Report

STAMP_DIGITS = 8  # of the inputs' sha256 in the stamp; data_version.json and the about table keep all 64


def inputs_sha256(files: list[tuple[str, str]], corrections_path: str | Path | None) -> str:
    """The hash of (report name, file sha256) pairs and of the corrections file."""
    lines = sorted(f"{name}\t{sha256}" for name, sha256 in files)
    lines.append(f"corrections\t{file_sha256(corrections_path) or 'none'}")
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def file_sha256(path: str | Path | None) -> str | None:
    """A file's sha256, or None when there is no such file."""
    if path is None or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def about(reports: list[Report], corrections_path: str | Path | None, command: str | None = None) -> dict:
    """What made these outputs: the stamp, its parts, the number of reports, the code and the command."""
    digest = inputs_sha256([(r.name, r.sha256) for r in reports], corrections_path)
    return {
        "data_version": f"{__version__}+inputs.{digest[:STAMP_DIGITS]}",
        "toolkit_version": __version__,
        "inputs_sha256": digest,
        "corrections_sha256": file_sha256(corrections_path),
        "reports": len(reports),
        "code_fingerprint": code_version(),
        "created_by": command or command_line(),
    }


def command_line() -> str:
    """This process's command as typed, e.g. ``python -m toolkit extract data/raw``."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
    if program.name == "__main__.py":  # python -m <package>
        return shlex.join(["python", "-m", program.parent.name, *sys.argv[1:]])
    return shlex.join([program.name, *sys.argv[1:]])

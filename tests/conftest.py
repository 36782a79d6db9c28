"""Shared test fixtures: where ../shared is, and a skip when it is absent."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"real reports not available: {SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def seeds_truth(shared) -> dict:
    return json.loads((shared / "truth" / "seeds.json").read_text(encoding="utf-8"))


def docx_bytes(build) -> bytes:
    """A Word document made by ``build(document)`` (python-docx), as bytes."""
    import docx

    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

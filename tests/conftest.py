"""Shared test fixtures: where ../shared is, and a skip when it is absent; OCR answers
kept between runs (``pytest_configure``)."""
from __future__ import annotations

import http.server
import io
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OCR_ANSWERS = ROOT / "tests" / "fixtures" / "ocr_answers"


def pytest_configure(config):
    """Keep the OCR engine's answers in pytest's cache folder (``.pytest_cache/d/ocr``, see
    ``toolkit/readers/ocr_cache.py``): a scan read again with the same engine and code is not
    recognised again. A fresh clone starts from the answers committed in ``tests/fixtures/ocr_answers``
    (``make ocr-answers`` renews them), used only where the engine, its models and the OCR code
    are the same; ``OGI_OCR_CACHE=`` (empty) keeps none."""
    if "OGI_OCR_CACHE" not in os.environ and getattr(config, "cache", None) is not None:
        os.environ["OGI_OCR_CACHE"] = str(kept := config.cache.mkdir("ocr"))
        for answers in OCR_ANSWERS.glob("ocr-*"):  # the committed answers, served only to the same engine
            if not (kept / answers.name).exists():
                shutil.copytree(answers, kept / answers.name, dirs_exist_ok=True)


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


@pytest.fixture(scope="module")
def server():
    """A local web server that records every request made to it (and answers with an
    external entity's text, for parsers that would fetch one)."""
    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "fetched">')

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", requests
    httpd.shutdown()

"""One folder holding every hostile input class at once, through ``toolkit extract``.

The files are those of ``tests/test_hostile_input.py`` and ``tests/test_hazards.py``
(truncated, encrypted, 1,000-page and random PDFs, a 2,000-page volume holding a
report, a 200-inch page, a PDF with JavaScript actions; zip-bomb, billion-laughs,
external-entity, external-link and random DOCX; a 50 MB page, 100,000 nested tags,
tables nested 100,000 deep, wrongly declared charsets; a PNG decompression bomb, a PNG
text-chunk bomb, a 300-frame TIFF; a pipe, a dangling link, a symbolic-link loop, a
link out of the folder, a GBK file name; two files of one name in two folders), plus
the five bundled reports. Prints: inputs, records, failures by reason, whether every
input is a record or a failure row, whether every table was written, whether anything
was printed as a traceback, wall time and the peak memory of the whole process tree
(sampled every 0.1 s). Targets: under 10 minutes, under 4 GB.

    .venv/bin/python benchmarks/hostile.py
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from PIL import Image  # noqa: E402

from test_hazards import _png, _volume, _with_javascript  # noqa: E402
from test_hostile_input import LAUGHS, _docx, _html, _pdf  # noqa: E402
from toolkit import synthetic  # noqa: E402

TABLES = ("reports", "section2", "section3", "section4", "checks", "failures", "panel")


def build(folder: Path) -> int:
    """Write every hostile class into ``folder``; the number of inputs it holds."""
    report = synthetic.synthesize(0, "pdf").data
    page = synthetic.synthesize(0, "html").data.decode()
    body = page.index("<body>") + len("<body>")
    tiff = io.BytesIO()
    frames = [Image.fromarray(np.full((120, 160), 255, np.uint8)) for _ in range(300)]
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    text_bomb = b"Comment\0\0" + __import__("zlib").compress(b"\0" * 20 * 2**20)
    files = {
        "truncated.pdf": report[: len(report) // 2],
        "encrypted.pdf": _pdf(["secret"], encrypted=True),
        "thousand_pages.pdf": _pdf([f"Page {n}" for n in range(1000)]),
        "random.pdf": os.urandom(4096),
        "volume_2000_pages.pdf": _volume(report, 1000, 996),
        "javascript.pdf": _with_javascript(report, "app.alert('x')"),
        "zip_bomb.docx": _docx("政府信息公开", media=b"\0" * (300 * 2**20)),
        "laughs.docx": _docx("政府信息公开 &l9;", LAUGHS),
        "random.docx": os.urandom(4096),
        "laughs.html": _html("政府信息公开 &l9;", LAUGHS),
        "fifty_megabytes.html": _html("<p>政府信息公开 一二三四五六七八九十</p>\n" * 1_000_000),
        "deep.html": (page[:body] + "<div><span>" * 50_000
                      + page[body:].replace("</body>", "</span></div>" * 50_000 + "</body>")).encode(),
        "deep_tables.html": ("<html><body><p>政府信息公开</p>" + "<table><tr><td>" * 100_000 + "</body></html>").encode(),
        "declared_latin1.html": page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode(),
        "bomb.png": _png(30_000, 30_000),
        "text_bomb.png": _png(200, 200, _chunk(b"zTXt", text_bomb)),
        "frames.tif": tiff.getvalue(),
        "a/report.html": page.encode(),
        "b/report.html": page.replace("合成", "合成乙", 1).encode(),
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / os.fsdecode("报告.txt".encode("gbk"))).write_bytes(synthetic.synthesize(1, "tabs").data)
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "a" / "loop").symlink_to(folder)
    outside = folder.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "elsewhere.txt").write_bytes(synthetic.synthesize(2, "tabs").data)
    (folder / "outside").symlink_to(outside)
    for seed in sorted((ROOT / "data" / "raw").glob("00*_*.txt")):
        shutil.copy(seed, folder / seed.name)
    return len(files) + 1 + 2 + 2 + 5


def _chunk(kind: bytes, body: bytes) -> bytes:
    import struct
    import zlib
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir) / "hostile"
        folder.mkdir()
        expected = build(folder)
        out = Path(workdir) / "out"
        started = time.monotonic()
        run = subprocess.Popen([sys.executable, "-m", "toolkit", "extract", str(folder), "--out", str(out), "--quiet"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        peak, watcher = [0], psutil.Process(run.pid)
        def sample():
            while run.poll() is None:
                peak[0] = max(peak[0], tree_rss(watcher))
                time.sleep(0.1)
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        stdout, stderr = run.communicate()
        thread.join()
        seconds = time.monotonic() - started
        with open(out / "failures.csv", encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
        with open(out / "reports.csv", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
        written = [t for t in TABLES if (out / f"{t}.csv").exists()]
        print(f"inputs placed: {expected}; records: {len(records)}; failures: {len(failures)}; "
              f"every input accounted for: {len(records) + len(failures) >= expected}")
        print("failures by reason:", dict(sorted(Counter(f["reason"] for f in failures).items())))
        print(f"tables written: {len(written)}/{len(TABLES)}; exit status {run.returncode}; "
              f"traceback printed: {'Traceback' in stderr.decode(errors='replace')}")
        print(f"wall time {seconds:.0f} s (target < 600 s); peak memory of the process tree "
              f"{peak[0] / 2**30:.2f} GB (target < 4 GB)")


if __name__ == "__main__":
    main()

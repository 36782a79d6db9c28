"""Scans fed askew: the image fixtures of tests/fixtures/scans turned by ±1°, ±2°
and ±3° (PIL, white corners) and read again by ``read_report``.

Per angle, over the section 二/三/四 cells of the upright reading: cells read the
same (right), left null (null), read as another number (wrong: must stay 0); the
angle the reader found; CPU seconds per page in all and in the deskew step alone.

    .venv/bin/python benchmarks/skew.py [angle ...]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from readers import cells, cpu  # noqa: E402
from toolkit import read_report  # noqa: E402
from toolkit.readers import ocr  # noqa: E402

SCANS = sorted(p for p in (ROOT / "tests" / "fixtures" / "scans").iterdir() if p.suffix in (".png", ".jpg"))
ANGLES = (0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0)


def turned(path: Path, angle: float) -> Image.Image:
    image = Image.open(path).convert("L")
    return image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255) if angle else image


def compare(record: dict, upright: dict) -> tuple[int, int, int]:
    """(right, null, wrong) of the upright reading's non-null cells."""
    got, expected = dict(cells(record)), {k: v for k, v in cells(upright) if v is not None}
    right = sum(got.get(k) == v for k, v in expected.items())
    null = sum(got.get(k) is None for k in expected)
    return right, null, len(expected) - right - null


def main(angles: tuple[float, ...]) -> None:
    pages = {path: round(Image.open(path).height / (Image.open(path).width * 2 ** 0.5)) for path in SCANS}
    total_pages = sum(pages.values())
    with tempfile.TemporaryDirectory() as folder:
        upright = {path: read_report(path).to_dict() for path in SCANS}
        print("angle  right  null  wrong  found            cpu s/page  deskew s/page")
        for angle in angles:
            right = null = wrong = 0
            found, seconds, deskew = [], 0.0, 0.0
            for path in SCANS:
                image = turned(path, angle)
                start = cpu()
                ocr.deskewed(np.asarray(image))
                deskew += cpu() - start
                target = Path(folder) / f"{path.stem}.png"
                image.save(target)
                start = cpu()
                record = read_report(target).to_dict()
                seconds += cpu() - start
                counts = compare(record, upright[path])
                right, null, wrong = right + counts[0], null + counts[1], wrong + counts[2]
                found += record["provenance"]["reader"]["deskew_degrees"]
            print(f"{angle:+5.1f}  {right:5d}  {null:4d}  {wrong:5d}  {' '.join(f'{a:+.1f}' for a in found):15s}"
                  f"  {seconds / total_pages:10.2f}  {deskew / total_pages:13.3f}")


if __name__ == "__main__":
    main(tuple(map(float, sys.argv[1:])) or ANGLES)

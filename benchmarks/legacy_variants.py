"""Reading synthetic pre-2019 tables (``toolkit.legacy_variants``), layout by layout.

For N seeds per layout, each report is read with ``toolkit.read_report`` and its
rows compared with what it prints: right, null (value and cumulative null, with a
note naming the row), unexplained (null without one), wrong (a number or label that
is not the printed one); rows lost or extra; the form recognised or not; reports
lost (any exception). Prints one line per layout and the totals.

    .venv/bin/python benchmarks/legacy_variants.py               # every layout, 200 seeds
    .venv/bin/python benchmarks/legacy_variants.py --seeds 20 --layouts run_together html
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit import read_report  # noqa: E402
from toolkit.errors import ReportError  # noqa: E402
from toolkit.legacy_variants import LAYOUTS, compare, legacy_variant  # noqa: E402

COLUMNS = ("right", "null", "unexplained", "wrong", "rows_lost", "rows_extra", "form_missed", "reports_lost")


def measure(layout: str, seeds: int, folder: Path) -> tuple[Counter, float]:
    """Counts over ``seeds`` reports of one layout, and CPU ms per report."""
    counts: Counter = Counter()
    start = time.process_time()
    for seed in range(seeds):
        variant = legacy_variant(seed, layout)
        path = folder / variant.name
        path.write_bytes(variant.data)
        try:
            record = read_report(path).to_dict()
        except ReportError as error:
            counts["reports_lost"] += 1
            print(f"  lost {variant.name}: {error.message}")
            continue
        counts.update(compare(variant.rows, record))
        counts["form_missed"] += record["legacy"]["form"] != variant.form
    return counts, 1000 * (time.process_time() - start) / seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--layouts", nargs="*", default=list(LAYOUTS), choices=LAYOUTS)
    args = parser.parse_args()
    total: Counter = Counter()
    print(f"{'layout':<26}" + "".join(f"{c:>13}" for c in COLUMNS) + f"{'ms/report':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for layout in args.layouts:
            counts, ms = measure(layout, args.seeds, Path(folder))
            total.update(counts)
            print(f"{layout:<26}" + "".join(f"{counts[c]:>13}" for c in COLUMNS) + f"{ms:>11.1f}")
    print(f"{'all':<26}" + "".join(f"{total[c]:>13}" for c in COLUMNS))
    return 1 if total["wrong"] or total["unexplained"] or total["rows_lost"] or total["reports_lost"] else 0


if __name__ == "__main__":
    sys.exit(main())

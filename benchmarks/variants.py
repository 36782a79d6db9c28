"""Reading the real-world publishing variants (``toolkit.variants``), class by class.

For N seeds per class, each report is read with ``toolkit.read_report`` and its
cells (sections 二, 三, 四 and the 信息处理费) compared with what it prints: right,
null (the reader left it empty with a note naming the section and row), nulls
without such a note, wrong (a number that is not the printed one). Reports lost
(any exception) are counted with their first messages. CPU ms per report is the
reading alone. The first failing cell of each class is written to ``--examples``
with the file. Then the baseline: CPU per report of the plain text and HTML
layouts read by this tree and by the last commit (``git worktree add /tmp/baseline
HEAD``), as a ratio (target: at most 1.2).

    .venv/bin/python benchmarks/variants.py                      # every class, 20 seeds (OCR classes 3)
    .venv/bin/python benchmarks/variants.py --classes fee numbers --seeds 5 --no-baseline
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import read_report, synthetic, variants  # noqa: E402

VERDICTS = ("right", "null", "unexplained", "wrong")
BASELINE = Path("/tmp/baseline")
READ_LOOP = """
import sys, time
from pathlib import Path
import toolkit
paths = Path(sys.argv[1]).read_text(encoding="utf-8").split("\\n")
toolkit.read_report(paths[0])
best = None
for _ in range(3):
    start = time.process_time()
    for path in paths:
        toolkit.read_report(path)
    seconds = time.process_time() - start
    best = seconds if best is None else min(best, seconds)
print(best / len(paths))
"""


def chosen(patterns: list[str] | None) -> list[str]:
    """Class names matching any of ``patterns`` (a prefix or a part of the name)."""
    names = list(variants.VARIANTS)
    return [n for n in names if not patterns or any(p in n for p in patterns)]


def run_class(name: str, seeds: int, folder: Path, examples: Path | None) -> dict:
    counts, lost, cpu, first = Counter(), [], 0.0, None
    for seed in range(seeds):
        report = variants.variant(seed, name)
        path = folder / report.name
        path.write_bytes(report.data)
        start = time.process_time()
        try:
            read = read_report(path).to_dict()
        except Exception as error:  # noqa: BLE001 - every loss counts, whatever its kind
            cpu += time.process_time() - start
            lost.append(f"{type(error).__name__}: {error}")
            first = first or (report, f"lost: {type(error).__name__}: {error}")
            continue
        cpu += time.process_time() - start
        for key, got, expected, verdict in variants.compare(read, report.expected):
            counts[verdict] += 1
            if verdict != "right" and (first is None or (verdict == "wrong" and "wrong" not in first[1])):
                first = (report, f"{verdict}: {key} read {got!r}, expected {expected!r}")
    if examples and first:
        examples.mkdir(parents=True, exist_ok=True)
        (examples / first[0].name).write_bytes(first[0].data)
    return {"reports": seeds, "lost": lost, "counts": counts, "ms": 1000 * cpu / seeds,
            "example": first and f"{examples / first[0].name if examples else first[0].name}: {first[1]}"}


HEAD = (f"{'class':<30}{'reports':>8}{'lost':>6}{'cells':>7}{'right':>7}{'null':>6}{'no note':>8}{'wrong':>7}"
        f"{'right %':>9}{'cpu ms':>9}")


def line(name: str, result: dict) -> str:
    c = result["counts"]
    total = sum(c.values())
    share = 100 * c["right"] / total if total else 0.0
    return (f"{name:<30}{result['reports']:>8}{len(result['lost']):>6}{total:>7}{c['right']:>7}"
            f"{c['null'] + c['unexplained']:>6}{c['unexplained']:>8}{c['wrong']:>7}{share:>8.2f}%{result['ms']:>9.1f}")


def baseline(trees: dict[str, Path], n: int) -> list[str]:
    """CPU ms per plain text and HTML report, read by each tree (in its own process)."""
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for layout in ("tabs", "html"):
            paths = []
            for i in range(n):
                report = synthetic.synthesize(f"speed-{i}", layout)
                paths.append(Path(folder) / report.name)
                paths[-1].write_bytes(report.data)
            listing = Path(folder) / f"{layout}.list"
            listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
            ms = {}
            for label, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": str(tree)}
                done = subprocess.run([sys.executable, "-c", READ_LOOP, str(listing)], env=env, cwd=folder,
                                      capture_output=True, text=True, check=True)
                ms[label] = 1000 * float(done.stdout.split()[-1])
            out.append(f"{layout:<6} now {ms['now']:.2f} ms/report, last commit {ms['last commit']:.2f} ms/report, "
                       f"ratio {ms['now'] / ms['last commit']:.2f}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", nargs="*", help="class names or parts of names (default: all)")
    parser.add_argument("--seeds", type=int, default=20, help="reports per class")
    parser.add_argument("--ocr-seeds", type=int, default=3, help="reports per OCR class (seconds each)")
    parser.add_argument("--examples", type=Path, default=Path("/tmp/variants"), help="where failing files go")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help="worktree of the last commit")
    parser.add_argument("--baseline-reports", type=int, default=200)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU ms is the measure)\n")
    print(HEAD)
    totals, failing = Counter(), []
    with tempfile.TemporaryDirectory() as folder:
        warm = synthetic.synthesize("warm-up", "html")  # imports and caches load here, not in the first class
        (Path(folder) / warm.name).write_bytes(warm.data)
        read_report(Path(folder) / warm.name)
        for name in chosen(args.classes):
            seeds = args.ocr_seeds if variants.VARIANTS[name].ocr else args.seeds
            result = run_class(name, seeds, Path(folder), args.examples)
            totals.update(result["counts"])
            totals["reports"] += seeds
            totals["lost"] += len(result["lost"])
            print(line(name, result), flush=True)
            if result["example"]:
                failing.append((name, result))
    cells = sum(totals[v] for v in VERDICTS)
    print(f"{'all':<30}{totals['reports']:>8}{totals['lost']:>6}{cells:>7}{totals['right']:>7}"
          f"{totals['null'] + totals['unexplained']:>6}{totals['unexplained']:>8}{totals['wrong']:>7}"
          f"{100 * totals['right'] / max(cells, 1):>8.2f}%")
    if failing:
        print("\nFirst failure per class (file written to --examples):")
        for name, result in failing:
            lost = f"  lost {len(result['lost'])}: {result['lost'][0][:160]}" if result["lost"] else ""
            print(f"  {name}: {result['example'][:300]}{lost}")
    if not args.no_baseline:
        print("\nText and HTML reading speed, plain layouts (target: ratio <= 1.2)")
        if not (args.baseline / "toolkit").is_dir():
            print(f"  no baseline at {args.baseline}: git worktree add --detach {args.baseline} HEAD")
        else:
            print(*baseline({"now": ROOT, "last commit": args.baseline}, args.baseline_reports), sep="\n")


if __name__ == "__main__":
    main()

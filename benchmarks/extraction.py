"""Extraction speed and memory per format, on synthetic reports (``toolkit.synthetic``).

For each format, reports are generated once (timed apart, on every core), then
the first N of them are read with ``toolkit.read_report`` in a loop, one core,
in a fresh process per (format, N), so that its peak memory is its own. With
``toolkit.batch`` present, the same reports are also read on every core
(``toolkit.build_corpus(jobs=...)``): peak RSS is then the parent's, worker RSS the
largest reading process's.

    .venv/bin/python benchmarks/extraction.py --sizes 100 1000
    .venv/bin/python benchmarks/extraction.py --formats text html --sizes 100 1000 10000
    .venv/bin/python benchmarks/extraction.py --formats pdf --sizes 100 --profile   # where the time goes

Targets: text and HTML >= 200 reports/s per core; a text-layer PDF <= 0.5 s per
report per core; peak memory flat in the number of reports. Targets are judged on
the CPU time of the largest run (the machine may be shared: the load average is
printed); wall time is printed beside it.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib.util
import inspect
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import synthetic  # noqa: E402

FORMATS = {"text": "tabs", "crawler": "crawler", "html": "html", "docx": "docx", "pdf": "pdf", "ocr": "scan"}
TARGETS = {"text": ("reports/s", 200), "crawler": ("reports/s", 200), "html": ("reports/s", 200), "pdf": ("s/report", 0.5)}
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENCV_NUM_THREADS": "1"}
MB = 1024  # ru_maxrss is in KiB on Linux


OPT_IN = {"crawler": "run-together text, read like text",
          "ocr": "scans take seconds each: e.g. --formats ocr --sizes 10 30"}


def default_formats() -> list[str]:
    available = synthetic.available_layouts()
    return [name for name, layout in FORMATS.items() if layout in available and name not in OPT_IN]


# --- generation (timed apart) --------------------------------------------------------

def _write(args) -> None:
    folder, layout, seeds, noise = args
    for seed in seeds:
        report = synthetic.synthesize(seed, layout, noise)
        (Path(folder) / report.name).write_bytes(report.data)


def generate(folder: Path, layout: str, n: int, noise: synthetic.Noise, jobs: int) -> tuple[list[Path], float]:
    """The first ``n`` reports of ``layout`` in ``folder`` (made if missing) and the seconds it took."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [f"bench-{i}" for i in range(n)]
    paths = [folder / synthetic.file_name(seed, layout) for seed in seeds]
    missing = [s for s, p in zip(seeds, paths) if not p.exists()]
    start = time.perf_counter()
    if missing:
        chunks = [missing[i::jobs * 4] for i in range(jobs * 4)]
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write, [(str(folder), layout, chunk, noise) for chunk in chunks if chunk]))
    return paths, (time.perf_counter() - start) if missing else 0.0


# --- extraction, in a child process ----------------------------------------------------

def measure(listing: Path, jobs: int) -> dict:
    """Read the files listed (one path a line); runs in its own process."""
    import toolkit

    paths = listing.read_text(encoding="utf-8").split("\n")
    start = time.perf_counter()
    toolkit.read_report(paths[0])  # imports, caches and models load here, not in the loop
    warm = time.perf_counter() - start
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    failed = 0
    cpu = _cpu()
    start = time.perf_counter()
    if jobs == 1:
        for path in paths:
            try:
                toolkit.read_report(path)
            except toolkit.errors.ReportError:
                failed += 1
    else:
        failed = len(_batch()(paths, jobs).failures)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"reports": len(paths), "failed": failed, "seconds": seconds, "cpu": cpu, "warm_up": warm,
            "rss_mb": peak / MB, "rss_growth_mb": (peak - base) / MB, "child_rss_mb": children / MB}


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def _batch():
    """``toolkit.build_corpus`` on ``jobs`` cores (``toolkit.batch``), or ``None`` before it existed."""
    import toolkit

    if importlib.util.find_spec("toolkit.batch") and "jobs" in inspect.signature(toolkit.build_corpus).parameters:
        return lambda paths, jobs: toolkit.build_corpus(paths, jobs=jobs, progress=False)
    return None


def run_child(paths: list[Path], jobs: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as listing:
        listing.write("\n".join(map(str, paths)))
    env = {**os.environ, **(SINGLE_THREAD if jobs == 1 else {})}
    pin = ["taskset", "-c", "0"] if jobs == 1 and _has_taskset() else []
    try:
        done = subprocess.run([*pin, sys.executable, __file__, "--measure", listing.name, "--jobs", str(jobs)],
                              env=env, capture_output=True, text=True, check=True)
    finally:
        os.unlink(listing.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _has_taskset() -> bool:
    return subprocess.run(["sh", "-c", "command -v taskset"], capture_output=True).returncode == 0


def profile(paths: list[Path], top: int = 25) -> None:
    """cProfile of reading ``paths`` in this process, by cumulative time."""
    import toolkit

    toolkit.read_report(paths[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        toolkit.read_report(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


# --- report ------------------------------------------------------------------------------

HEADER = (f"{'format':8} {'reports':>7} {'cores':>5} {'generate s':>10} {'wall s':>8} {'CPU s':>8} "
          f"{'reports/s':>9} {'reports/CPU-s':>13} {'CPU ms/report':>13} {'peak RSS MB':>11} {'RSS growth MB':>13} "
          f"{'worker RSS MB':>13} {'warm-up s':>9}")


def line(name: str, n: int, cores: int, generated: float, result: dict) -> str:
    worker = f"{result['child_rss_mb']:>13.1f}" if cores > 1 else f"{'':>13}"
    return (f"{name:8} {n:>7} {cores:>5} {generated:>10.1f} {result['seconds']:>8.2f} {result['cpu']:>8.2f} "
            f"{n / result['seconds']:>9.1f} {n / result['cpu']:>13.1f} {1000 * result['cpu'] / n:>13.2f} "
            f"{result['rss_mb']:>11.1f} {result['rss_growth_mb']:>13.1f} {worker} {result['warm_up']:>9.2f}"
            + (f"  ({result['failed']} failed)" if result["failed"] else ""))


def verdict(name: str, results: dict[int, dict]) -> list[str]:
    """Targets met or missed, and how time and memory grow from the smallest to the largest size."""
    sizes = sorted(results)
    small, large = results[sizes[0]], results[sizes[-1]]
    per = {n: results[n]["cpu"] / results[n]["reports"] for n in sizes}
    found = [f"{name}: CPU time per report x{per[sizes[-1]] / per[sizes[0]]:.2f} from {sizes[0]} to {sizes[-1]} reports; "
             f"peak RSS {small['rss_mb']:.0f} -> {large['rss_mb']:.0f} MB"]
    if name in TARGETS:
        unit, goal = TARGETS[name]
        value = 1 / per[sizes[-1]] if unit == "reports/s" else per[sizes[-1]]  # steady state: the largest run
        met = value >= goal if unit == "reports/s" else value <= goal
        found.append(f"{name}: target {unit} per core {'>=' if unit == 'reports/s' else '<='} {goal}: "
                     f"{'met' if met else 'MISSED'} ({value:.2f})")
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--formats", nargs="+", choices=list(FORMATS), help="default: every format this install reads")
    parser.add_argument("--workdir", type=Path, help="keep the generated reports here (reused on the next run)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="cores for generation and the batch run")
    parser.add_argument("--no-batch", action="store_true", help="skip the all-cores run even if toolkit.batch exists")
    parser.add_argument("--noisy", action="store_true", help="blanks, spaced labels, broken identities … in every report")
    parser.add_argument("--profile", action="store_true", help="profile reading the smallest size instead")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.jobs)))
        return
    noise = NOISY if args.noisy else synthetic.Noise()
    formats = args.formats or default_formats()
    if not args.formats:
        print("not in the default formats: " + "; ".join(f"{name} ({why})" for name, why in OPT_IN.items()))
    batch = _batch() is not None and not args.no_batch and args.jobs > 1
    with tempfile.TemporaryDirectory(prefix="synthetic-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
              f"reports in {workdir}; "
              f"batch run: {'toolkit.batch, %d jobs' % args.jobs if batch else 'no (toolkit.batch with jobs not found)'}")
        if not args.profile:
            print(HEADER)
        verdicts = []
        for name in formats:
            layout = FORMATS[name]
            paths, generated = generate(workdir / layout, layout, max(args.sizes), noise, args.jobs)
            if args.profile:
                print(f"== {name}: profile of {min(args.sizes)} reports")
                profile(paths[:min(args.sizes)])
                continue
            print(f"{name}: generated {len(paths)} reports in {generated:.1f} s on {args.jobs} cores "
                  f"({'reused' if not generated else f'{len(paths) / generated:.0f} reports/s'})")
            results = {}
            for n in sorted(args.sizes):
                results[n] = run_child(paths[:n], 1)
                print(line(name, n, 1, generated * n / len(paths), results[n]), flush=True)
                if batch:
                    print(line(name, n, args.jobs, 0, run_child(paths[:n], args.jobs)), flush=True)
            verdicts += verdict(name, results)
        print("\n".join(verdicts))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


NOISY = synthetic.Noise(group_label_middle=True, split_label=0.3, blanks=0.3, spaced_labels=0.5, full_width=True,
                        extra_cell=True, broken=(4,), blank_marks=("/", "-", "—"))


if __name__ == "__main__":
    main()

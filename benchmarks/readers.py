"""Accuracy and speed of each reader and PDF engine, on the same documents.

PDF engines (pdfplumber, camelot lattice, camelot stream, and the reader that
chooses between them by the report's identities) read the seed truth rendered to
PDF (tests/fixtures/pdf: CFF, tight CFF and TrueType embeddings); OCR reads the
scans of tests/fixtures/scans. For each: cells correct (the 二/三/四 values
against the truth), cells left null, and CPU seconds per page. The real PDF of
../shared/corpus (and its pages rendered as a 150 dpi scan) has no hand-checked
truth: its reference is the reader's record, whose identities all hold. Text,
HTML and DOCX readers are measured on the text seeds and synthetic reports.

    .venv/bin/python benchmarks/readers.py
"""
from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from toolkit import read_report, synthetic, variants  # noqa: E402
from toolkit.normalize import CompactText  # noqa: E402
from toolkit.readers import pdf as pdf_reader  # noqa: E402
from toolkit.readings import read_sections  # noqa: E402
from toolkit.sections import find_sections  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
SECTIONS = ("section2", "section3", "section4")
SYNTHETIC = 5  # synthetic reports per format


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cells(record: dict):
    """(section, row, column) -> value of sections 二, 三 and 四."""
    return ((key, value) for key, value in variants.cells(record) if key[0] != "section6")


def score(record: dict, truth: dict) -> tuple[int, int, int]:
    """(correct, null, total) of the truth's cells."""
    got = dict(cells(record))
    expected = dict(cells(truth))
    correct = sum(got.get(k, "missing") == v for k, v in expected.items())
    return correct, sum(got.get(k) is None and v is not None for k, v in expected.items()), len(expected)


def engine_record(document) -> dict:
    """The shared reading step (grids and text) on one engine's document (values only)."""
    ct = CompactText(document.text)
    return {section: table.values for section, table in read_sections(document, ct, find_sections(ct)).tables.items()}


def pages(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(pdfium.PdfDocument(str(path)))
    return 1


def row(name: str, results: list, page_count: int, seconds: float) -> str:
    correct, null, total = (sum(r[i] for r in results) for i in range(3))
    wrong = total - correct - null
    return (f"{name:<22}{len(results):>5}{page_count:>7}{correct:>8}/{total:<6}{100 * correct / total:>7.2f}%"
            f"{null:>7}{wrong:>7}{seconds / page_count:>12.3f}")


HEAD = f"{'reader / engine':<22}{'docs':>5}{'pages':>7}{'cells correct':>21}{'null':>7}{'wrong':>7}{'cpu s/page':>12}"


def pdf_engines(truth: dict) -> list[str]:
    files = sorted((FIXTURES / "pdf").glob("*/*.pdf"))
    results = {}  # (engine, file) -> (score, cpu seconds)
    for path in files:
        expected = truth[f"{path.stem}.txt"]
        for engine in pdf_reader.ENGINES:
            start = cpu()
            with pdf_reader.open_pdf(path, path.read_bytes()) as pdf:
                record = engine_record(pdf_reader.lift(pdf, path, engine))
            results[engine, path] = score(record, expected), cpu() - start
        start = cpu()
        results["pdf reader (chooses)", path] = score(read_report(path).to_dict(), expected), cpu() - start
    out = []
    for group in (None, *sorted({p.parent.name for p in files})):
        chosen = [p for p in files if group in (None, p.parent.name)]
        out += [f"  {group}:"] if group else []
        for engine in (*pdf_reader.ENGINES, "pdf reader (chooses)"):
            found = [results[engine, p] for p in chosen]
            out.append(row(f"{'  ' if group else ''}{engine}", [f[0] for f in found], sum(map(pages, chosen)),
                           sum(f[1] for f in found)))
    return out


def ocr(truth: dict) -> list[str]:
    files = sorted((FIXTURES / "scans").iterdir())
    results, start, flagged = [], cpu(), 0
    for path in files:
        report = read_report(path)
        results.append(score(report.to_dict(), truth[f"{path.stem}.txt"]))
        flagged += len(report.provenance["reader"]["low_confidence_cells"])
    page_count = sum(pages(FIXTURES / "pdf" / "truetype" / f"{p.stem}.pdf") for p in files)  # scans of these
    return [row("ocr (rapidocr)", results, page_count, cpu() - start) + f"   low-confidence cells: {flagged}"]


def huaian() -> list[str]:
    path = SHARED / "corpus" / "huaian_2024_szf.pdf"
    if not path.exists():
        return ["huaian: ../shared absent"]
    start = cpu()
    reference = read_report(path).to_dict()
    out = [row("reader (reference)", [score(reference, reference)], 6, cpu() - start)
           + f"   identities failed: {len(reference['checks']['failed'])}"]
    with pdf_reader.open_pdf(path, path.read_bytes()) as pdf:
        for engine in pdf_reader.ENGINES:
            start = cpu()
            record = engine_record(pdf_reader.lift(pdf, path, engine))
            out.append(row(engine, [score(record, reference)], 6, cpu() - start))
    with tempfile.TemporaryDirectory() as folder:
        scan = Path(folder) / "huaian_scan.pdf"
        images = [p.render(scale=150 / 72, grayscale=True).to_pil().convert("L") for p in pdfium.PdfDocument(str(path))]
        images[0].save(scan, save_all=True, append_images=images[1:], resolution=150)
        start = cpu()
        report = read_report(scan)
        out.append(row("ocr of a 150 dpi scan", [score(report.to_dict(), reference)], 6, cpu() - start)
                   + f"   low-confidence cells: {len(report.provenance['reader']['low_confidence_cells'])}")
    return out


def other_readers(truth: dict) -> list[str]:
    out = []
    seeds = sorted((ROOT / "data" / "raw").glob("*.txt"))
    start = cpu()
    results = [score(read_report(p).to_dict(), truth[p.name]) for p in seeds]
    out.append(row("text (seeds)", results, len(seeds), cpu() - start))
    for layout in ("html", "docx"):
        if layout not in synthetic.available_layouts():
            continue
        reports = [synthetic.synthesize(seed, layout) for seed in range(SYNTHETIC)]
        with tempfile.TemporaryDirectory() as folder:
            start, results = cpu(), []
            for report in reports:
                path = Path(folder) / report.name
                path.write_bytes(report.data)
                results.append(score(read_report(path).to_dict(), report.expected))
        out.append(row(f"{layout} (synthetic)", results, len(reports), cpu() - start))
    return out


def main() -> None:
    truth = json.loads((SHARED / "truth" / "seeds.json").read_text(encoding="utf-8"))["reports"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU seconds are the measure)\n")
    print("PDF engines on the seed truth rendered to PDF (tests/fixtures/pdf)")
    print(HEAD, *pdf_engines(truth), sep="\n")
    print("\nOCR on the scans (tests/fixtures/scans; two values smudged on purpose)")
    print(HEAD, *ocr(truth), sep="\n")
    print("\nhuaian_2024_szf.pdf (reference: the reader's record, every identity holds)")
    print(HEAD, *huaian(), sep="\n")
    print("\nOther readers (text per document, synthetic reports per document)")
    print(HEAD.replace("pages", " docs").replace("s/page", "s/doc "), *other_readers(truth), sep="\n")


if __name__ == "__main__":
    main()

"""What a new user gets wrong ends as a failure row with a reason and a written table,
never as a traceback (issue 11): empty or missing folders, bad files only, the same
name twice, adding reports, file names that are not UTF-8, symbolic links, a bad
corrections file, a reading process out of memory."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from toolkit import batch
from toolkit.cli import main

from conftest import ROOT

SEED = ROOT / "data" / "raw" / "004_05aca36cc1e89005.txt"
OTHER = ROOT / "data" / "raw" / "000_323c267c87cacc94.txt"
TABLES = ("reports", "failures", "panel", "checks", "corrections_applied")


def extract(*args, cwd) -> subprocess.CompletedProcess:
    """``python -m toolkit extract`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "toolkit", "extract", *map(str, args), "--jobs", "1"],
                          cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300)


def failures(out) -> list[dict]:
    with open(out / "failures.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reports(out) -> list[str]:
    return pd.read_csv(out / "reports.csv")["report"].tolist()


def written(out) -> bool:
    return all((out / f"{name}.csv").exists() and (out / f"{name}.parquet").exists() for name in TABLES)


def test_empty_folder_wrong_path_and_bad_files_only_end_as_failure_rows(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "menu.txt").write_text("今日菜单：米饭、面条。", encoding="utf-8")
    (tmp_path / "bad" / "nothing.txt").write_bytes(b"")
    run = extract("empty", "no/such/folder", "bad", "--out", "out", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    rows = {row["path"]: row["reason"] for row in failures(tmp_path / "out")}
    assert rows == {"empty": "empty_folder", "no/such/folder": "not_found", "bad/menu.txt": "not_annual_report",
                    "bad/nothing.txt": "empty"}
    assert written(tmp_path / "out") and reports(tmp_path / "out") == []
    assert "4 inputs: 0 records, 4 failures" in run.stdout and "not_found" in run.stdout


def test_the_same_name_in_two_folders_gives_two_records(tmp_path):
    for folder, seed in (("a", SEED), ("b", OTHER)):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "report.txt").write_bytes(seed.read_bytes())
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 0
    assert sorted(reports(tmp_path / "out")) == ["a/report.txt", "b/report.txt"]
    records = sorted(p.name for p in (tmp_path / "out" / "records").iterdir())
    assert records == ["a%2Freport.txt.json", "b%2Freport.txt.json"]
    agencies = pd.read_csv(tmp_path / "out" / "panel.csv").set_index("report")["agency"]
    assert agencies["a/report.txt"] != agencies["b/report.txt"]


def test_a_file_name_as_long_as_the_system_allows_gets_its_record_and_review_page(tmp_path):
    name = "某某县人民政府" * 11 + "年度报告.txt"  # 247 bytes: the record's own name would pass 255
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(SEED.read_bytes())
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 0
    assert reports(tmp_path / "out") == [name]
    [record] = (tmp_path / "out" / "records").iterdir()
    assert len(record.name.encode()) <= 255 and record.name.startswith("某某县")
    assert json.loads(record.read_text(encoding="utf-8"))["provenance"]["file"] == name
    assert main(["review", str(tmp_path / "out"), "--out", str(tmp_path / "review"), "--quiet"]) == 0
    assert len(list((tmp_path / "review").glob("某某县*.html"))) == 1


def test_extract_into_an_existing_folder_adds_and_replace_replaces(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "first.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "second.txt").write_bytes(OTHER.read_bytes())
    (tmp_path / "again.txt").write_bytes(SEED.read_bytes())  # the first one's content under another name
    quiet = ["--out", str(out), "--jobs", "1", "--quiet"]
    assert main(["extract", str(tmp_path / "first.txt"), *quiet]) == 0
    assert main(["extract", str(tmp_path / "second.txt"), *quiet]) == 0
    assert sorted(reports(out)) == ["first.txt", "second.txt"]
    assert len(pd.read_csv(out / "panel.csv")) == 2
    assert main(["extract", str(tmp_path / "again.txt"), *quiet]) == 0  # same content, same record
    assert sorted(reports(out)) == ["again.txt", "second.txt"]
    assert main(["extract", str(tmp_path / "second.txt"), *quiet, "--replace"]) == 0
    assert reports(out) == ["second.txt"] and len(list((out / "records").iterdir())) == 1


def test_a_file_name_that_is_not_utf8_is_shown_escaped_and_kept_exactly(tmp_path):
    name = "报告".encode("gbk") + b".txt"  # from a zip made on Windows
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(SEED.read_bytes())
    with open(os.path.join(folder, b"\xff.txt"), "wb") as handle:
        handle.write(b"\xff\xfe\x00")
    run = extract("in", "--out", "out", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert reports(tmp_path / "out") == ["\\xb1\\xa8\\xb8\\xe6.txt"]
    [record] = (tmp_path / "out" / "records").iterdir()
    provenance = json.loads(record.read_text(encoding="utf-8"))["provenance"]
    assert bytes.fromhex(provenance["path_bytes"]) == os.path.join(b"in", name)
    assert [row["file"] for row in failures(tmp_path / "out")] == ["\\xff.txt"]


def test_symbolic_links_are_followed_inside_and_listed_when_outside_or_looping(tmp_path):
    inbox, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    (inbox / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (inbox / "sub" / "report.txt").write_bytes(SEED.read_bytes())
    (elsewhere / "private.txt").write_bytes(OTHER.read_bytes())
    (inbox / "linked").symlink_to(inbox / "sub")  # inside: followed
    (inbox / "sub" / "up").symlink_to(inbox)  # a loop
    (inbox / "out").symlink_to(elsewhere)  # outside the folder named
    run = extract("in", "--out", "o", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert sorted(reports(tmp_path / "o")) == ["linked/report.txt", "sub/report.txt"]
    reasons = {row["path"]: row["reason"] for row in failures(tmp_path / "o")}
    assert reasons == {"in/out": "symlink_outside", "in/sub/up": "symlink_loop", "in/linked/up": "symlink_loop"}
    run = extract("in", "--out", "o2", "--follow-links-outside", cwd=tmp_path)
    assert "out/private.txt" in reports(tmp_path / "o2")


@pytest.mark.parametrize("content, line, says", [
    ("report,field,printed_value\n", 1, "missing column"),
    ("report,field,printed_value,corrected_value,source\na.txt,section3.granted.total,4,5,ok\n"
     "a.txt,section3.granted,4,5,x\n", 3, "section.row.column"),
    ("report,field,printed_value,corrected_value,source\na.txt,section3.granted.total,4,five,x\n", 2, "a number"),
    ("report,field,printed_value,corrected_value,source\na.txt,section3.granted.total,4,5,a, b\n", 2, "fields"),
    ("report,field,printed_value,corrected_value,source\na.txt,section9.granted.total,4,5,x\n", 2, "names no cell"),
])
def test_a_malformed_corrections_file_stops_before_anything_naming_the_line(tmp_path, content, line, says):
    (tmp_path / "corrections.csv").write_text(content, encoding="utf-8")
    run = extract(SEED, "--out", "out", "--corrections", "corrections.csv", cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"corrections.csv, line {line}: " in run.stderr and says in run.stderr
    assert not (tmp_path / "out" / "reports.csv").exists()


def test_stale_and_unmatched_corrections_are_in_the_summary_and_identities_are_evaluated_again(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(SEED), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    section3 = pd.read_csv(out / "section3.csv")
    cell = section3[(section3["row"] == "granted") & (section3["column"] == "natural_person")].iloc[0]
    printed = int(cell["value"])
    (tmp_path / "corrections.csv").write_text(
        "report,field,printed_value,corrected_value,source\n"
        f"{SEED.name},section3.granted.natural_person,{printed},{printed + 1},breaks identities 1 and 3\n"
        f"{SEED.name},section3.granted.total,{printed + 999},1,stale on purpose\n"
        "nosuch.txt,section3.granted.total,1,2,no such report\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["extract", str(SEED), "--out", str(out), "--jobs", "1", "--corrections",
                 str(tmp_path / "corrections.csv")]) == 0
    said = capsys.readouterr().out
    assert f"correction stale: {SEED.name} section3.granted.total" in said
    assert "correction not_found: nosuch.txt section3.granted.total" in said
    panel = pd.read_csv(out / "panel.csv").iloc[0]
    before = int(panel["checks_failed"])
    assert int(panel["checks_failed_corrected"]) == before + 2  # granted's row total (1), natural_person's outcomes (3)
    assert f"identity checks failed: {before} as printed, {before + 2} after 1 corrections" in said


def test_a_reading_process_out_of_memory_gives_a_failure_row(monkeypatch):
    def needs_too_much(path):
        raise MemoryError

    monkeypatch.setattr(batch, "read_report", needs_too_much)
    assert batch.extract(str(SEED))["failure"]["reason"] == "too_much_memory"
    limit = subprocess.run([sys.executable, "-c", "import resource; from toolkit import batch; "
                            "batch._cap_memory(3 * 2**30); print(resource.getrlimit(resource.RLIMIT_AS)[0])"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert int(limit) == 3 * 2**30


def test_a_users_own_files_in_data_raw_keep_make_demo_and_the_notebooks_checks_working(tmp_path):
    """What `make extract` runs, on a data/raw holding the bundled five, a report copied in
    (a PDF) and a file that is no report: the dataset takes them all in (exit 1: one
    failure row, the tables written), the notebooks' sample only the bundled five."""
    from toolkit import synthetic

    raw = tmp_path / "raw"
    raw.mkdir()
    bundled = sorted((ROOT / "data" / "raw").glob("00*_*.txt"))
    for path in bundled:
        (raw / path.name).write_bytes(path.read_bytes())
    (raw / "my_report.pdf").write_bytes(synthetic.synthesize(0, "pdf").data)
    (raw / "notes.txt").write_text("今日菜单：米饭、面条。", encoding="utf-8")
    everything, sample = tmp_path / "processed", tmp_path / "sample"
    run = extract(raw, "--out", everything, "--replace", cwd=ROOT)
    assert run.returncode == 1 and "Traceback" not in run.stderr and written(everything)
    assert len(reports(everything)) == 6 and [f["reason"] for f in failures(everything)] == ["not_annual_report"]
    run = extract(*(raw / p.name for p in bundled), "--out", sample, "--replace", cwd=ROOT)
    assert run.returncode == 0 and sorted(reports(sample)) == [p.name for p in bundled]


def test_a_cache_that_cannot_be_opened_stops_the_run_before_anything_is_read_naming_it(tmp_path, capsys):
    (tmp_path / "out" / "cache" / batch.CACHE_FILE).mkdir(parents=True)  # in its place, a folder: not a file to open
    code = main(["extract", str(ROOT / "data" / "raw"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and "cannot open the cache" in capsys.readouterr().err
    assert not (tmp_path / "out" / "records").exists()


def test_an_output_folder_inside_the_input_folder_is_not_read_as_reports(tmp_path, capsys):
    bundled = sorted((ROOT / "data" / "raw").glob("00*_*.txt"))[:2]
    for path in bundled:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    for run in range(2):  # the second run finds the first one's outputs among the inputs
        assert main(["extract", str(tmp_path), "--out", str(tmp_path / "processed"), "--quiet"]) == 0, run
    assert pd.read_csv(tmp_path / "processed" / "failures.csv").empty
    assert sorted(pd.read_csv(tmp_path / "processed" / "reports.csv")["report"]) == [p.name for p in bundled]

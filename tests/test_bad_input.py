"""Bad input: a clear message naming the file, the batch goes on, nothing is lost."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from toolkit import build_corpus, read_report
from toolkit.cli import main
from toolkit.errors import DamagedFile, EmptyFile, NotAnnualReport, NotText, TablesMissing, UnsupportedFormat

from conftest import ROOT

SEED = ROOT / "data" / "raw" / "004_05aca36cc1e89005.txt"


@pytest.fixture
def inbox(tmp_path):
    """A folder with one good report and one of each kind of bad input."""
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "good.txt").write_text(text, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(os.urandom(2048) + b"\x00")
    (tmp_path / "menu.txt").write_text("今日菜单：米饭、面条。", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "no_tables.txt").write_text(text.split("二、主动公开政府信息情况")[0], encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "report.xyz").write_bytes(b"whatever")
    return tmp_path


@pytest.mark.parametrize("name, error, words", [
    ("empty.txt", EmptyFile, "empty"),
    ("junk.txt", NotText, "binary data"),
    ("menu.txt", NotAnnualReport, "not a government information disclosure annual report"),
    ("no_tables.txt", TablesMissing, "no statistical table"),
    ("report.pdf", DamagedFile, "damaged or truncated"),
    ("report.xyz", UnsupportedFormat, "'.xyz' is not supported"),
])
def test_each_bad_input_has_a_clear_error_naming_the_file(inbox, name, error, words):
    with pytest.raises(error, match=words) as raised:
        read_report(inbox / name)
    assert str(inbox / name) in str(raised.value)


def test_missing_file_is_a_report_error(tmp_path):
    with pytest.raises(Exception, match="cannot read the file"):
        read_report(tmp_path / "nowhere.txt")


@pytest.mark.parametrize("name, encoding", [("gbk.txt", "gb18030"), ("utf16.txt", "utf-16")])
def test_other_encodings_decode_to_the_same_record(inbox, name, encoding):
    report = read_report(inbox / name)
    assert report.provenance["encoding"] == encoding
    assert report.record == read_report(inbox / "good.txt").record


def test_batch_accounts_for_every_input(inbox):
    corpus = build_corpus([inbox], progress=False)
    read = {r.name for r in corpus.reports}
    failed = {f["file"]: f["reason"] for f in corpus.failures}
    assert read == {"good.txt", "gbk.txt", "utf16.txt"}
    assert failed == {"empty.txt": "empty", "junk.txt": "not_text", "menu.txt": "not_annual_report",
                      "no_tables.txt": "tables_missing", "report.pdf": "damaged", "report.xyz": "unsupported_format"}
    assert len(read) + len(failed) == len(list(inbox.iterdir()))


def test_cli_writes_tidy_outputs_and_exit_status_says_something_failed(inbox, tmp_path, capsys):
    out = tmp_path / "processed"
    assert main(["extract", str(inbox), "--out", str(out)]) == 1
    assert "3 records, 6 failures" in capsys.readouterr().out
    section3 = pd.read_parquet(out / "section3.parquet")
    assert len(section3) == 3 * 25 * 7
    not_held = section3.query("report == 'good.txt' and row == 'unable_not_held' and column == 'total'")
    assert not_held["value"].tolist() == [147] and not_held["line"].notna().all()
    assert set(pd.read_csv(out / "failures.csv")["file"]) == {"empty.txt", "junk.txt", "menu.txt", "no_tables.txt",
                                                              "report.pdf", "report.xyz"}
    assert len(pd.read_csv(out / "reports.csv")) == 3
    assert (out / "records" / "good.txt.json").exists()


def test_cli_exit_status_is_zero_when_nothing_failed(tmp_path):
    assert main(["extract", str(SEED), "--out", str(tmp_path), "--quiet"]) == 0
    assert pd.read_csv(tmp_path / "checks.csv").empty


def test_headings_over_prose_are_not_read_as_tables(tmp_path):
    """Numbers in sentences under a heading (tables printed as images) are not a table."""
    path = tmp_path / "prose.txt"
    path.write_text("某某局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n本年行政许可类信息13条。\n"
                    "三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量33件，上年结转2件。\n"
                    "四、政府信息公开行政复议、行政诉讼情况\n行政复议1件。\n", encoding="utf-8")
    with pytest.raises(TablesMissing, match="no statistical table"):
        read_report(path)

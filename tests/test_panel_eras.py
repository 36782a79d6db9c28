"""Pre-2019 reports in the outputs: the legacy tables, the panel's eras and core measures,
the analyses that leave them out, and the long-series helpers, on hand-made records."""
from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from toolkit import analysis, plots
from toolkit.corpus import Corpus
from toolkit.crosswalk import core_columns
from toolkit.dictionary import data_dictionary
from toolkit.exports import write_stata
from toolkit.outputs import make_tables, write_outputs
from toolkit.report import Report

from conftest import ROOT
from test_crosswalk import legacy

NATIONAL = ROOT / "data" / "processed" / "corpus" / "records" / "pingtan_2021_gwh.html.json"


def national(name: str, agency: str, year: int) -> Report:
    """The committed 平潭 2021 record, renamed."""
    data = json.loads(NATIONAL.read_text(encoding="utf-8"))
    data.update(agency=agency, year=year)
    data["provenance"] = {**data["provenance"], "file": name, "sha256": name.ljust(64, "0")}
    return Report.from_dict(data)


def pre_2019(name: str, agency: str, year: int, part: dict) -> Report:
    """A pre-2019 record: the national record's provenance, no national table, ``part`` as ``legacy``."""
    report = national(name, agency, year)
    data = report.to_dict()
    data.update({key: None for key in ("section2_template", "section3_template", "section2", "section3", "section4",
                                       "processing_fee_yuan")})
    data.update(template="pre-2019", legacy=part)
    return Report.from_dict(data)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    checked = legacy("A", active_total=2026, active_website=1795, requests_total=21, answers_total=21,
                     answers_granted=17, answers_partly_granted=2, answers_refused=2)
    for row in checked["rows"]:
        row["cumulative"] = row["value"] + 7
    checked["checks"] = [{"check": "sub_rows", "row": "active_total", "column": "2012年度", "expected": 1795,
                          "printed": 2026, "message": "主动公开信息数 (2012年度) prints 2026, its 其中 rows add up to 1795"}]
    unread = legacy("B", requests_total=1, answers_total=None)
    unknown = {**legacy("A"), "form": "unknown", "columns": ["数量"]}
    for row in unknown["rows"]:
        row["key"] = row["parent"] = None
    return Corpus(reports=[
        pre_2019("county_2012.txt", "某县人民政府", 2012, checked),
        national("zone_2021.html", "某实验区", 2021),
        pre_2019("zone_2014.txt", "某实验区", 2014, unread),
        pre_2019("odd_2010.txt", "某局", 2010, unknown),
        national("zone_2022.html", "某实验区", 2022),
    ])


@pytest.fixture(scope="module")
def corrections(tmp_path_factory):
    path = tmp_path_factory.mktemp("corrections") / "corrections.csv"
    path.write_text("report,field,printed_value,corrected_value,source\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tables(corpus, corrections) -> dict[str, pd.DataFrame]:
    return make_tables(corpus, corrections, chunk=10_000) | {"chunked": make_tables(corpus, corrections, chunk=2)}


def test_legacy_tables_made_a_chunk_at_a_time_are_the_one_shot_tables(tables):
    chunked = tables["chunked"]
    for name in chunked:
        pd.testing.assert_frame_equal(tables[name], chunked[name], obj=name)


def test_legacy_files_written_a_chunk_at_a_time_are_the_one_shot_files(corpus, corrections, tmp_path):
    """The first chunk holds no pre-2019 report: its empty columns take their types from the dictionary."""
    national_first = Corpus(reports=[corpus.reports[1], *corpus.reports[:1], *corpus.reports[2:]])
    write_outputs(national_first, tmp_path / "one", corrections, chunk=10_000)
    write_outputs(national_first, tmp_path / "chunked", corrections, chunk=1)
    for name in ("legacy_rows", "legacy_checks", "panel", "reports", "data_dictionary"):
        assert (tmp_path / "chunked" / f"{name}.csv").read_bytes() == (tmp_path / "one" / f"{name}.csv").read_bytes(), name
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "chunked" / f"{name}.parquet"), obj=name)
    assert len(pd.read_parquet(tmp_path / "chunked" / "legacy_rows.parquet")) == 17 + 16 + 17


def test_legacy_rows_keep_each_printed_row_and_legacy_checks_the_failed_sums(tables):
    rows, checks = tables["legacy_rows"], tables["legacy_checks"]
    assert list(rows.columns) == ["report", "agency", "year", "form", "order", "key", "parent", "label", "unit", "value",
                                  "cumulative", "read_at"]
    county = rows[rows["report"] == "county_2012.txt"].set_index("key")
    assert county.loc["active_website", ["parent", "value", "cumulative"]].tolist() == ["active_total", 1795, 1802]
    assert rows.loc[rows["report"] == "odd_2010.txt", "key"].isna().all()
    assert pd.isna(rows.set_index(["report", "key"]).loc[("zone_2014.txt", "answers_total"), "value"])
    assert checks[["report", "row", "column", "expected", "printed"]].values.tolist() == [
        ["county_2012.txt", "active_total", "2012年度", 1795, 2026]]
    reports = tables["reports"].set_index("report")
    assert reports.loc["county_2012.txt", ["template", "legacy_form", "checks_failed"]].tolist() == ["pre-2019", "A", 1]


def test_the_panel_gives_every_report_its_era_and_core_measures(tables):
    panel = tables["panel"].set_index("report")
    assert panel["era"].to_dict() == {"county_2012.txt": "local form", "zone_2021.html": "2021 template",
                                      "zone_2014.txt": "local form", "odd_2010.txt": "local form",
                                      "zone_2022.html": "2021 template"}
    assert set(core_columns()) <= set(panel.columns)
    county = panel.loc["county_2012.txt"]
    assert [county["core_requests_received"], county["core_granted_full_or_part"], county["core_refused"]] == [21, 19, 2]
    assert county["core_refused_grade"] == "approximate" and pd.isna(county["core_not_held_or_not_exist"])
    assert panel.loc["zone_2014.txt", "core_requests_received"] == 1
    assert pd.isna(panel.loc["zone_2014.txt", "core_requests_answered"])  # its row was not read
    assert panel.loc["odd_2010.txt", [f"core_{name}_grade" for name in analysis.CORE]].eq("none").all()
    zone = panel.loc["zone_2021.html"]
    assert zone["core_requests_received"] == zone["requests_new"] and zone["core_requests_received_grade"] == "exact"
    national_measures = ["requests_new", "not_held_share", "reconsideration_rate", "processing_fee_yuan"]
    assert panel.loc[panel["era"] == "local form", national_measures].isna().all().all()
    assert panel["preferred"].all()


def test_analyses_of_the_national_statistics_leave_pre_2019_reports_out(tables):
    panel = tables["panel"]
    assert analysis.sample(panel)["report"].tolist() == ["zone_2021.html", "zone_2022.html"]
    assert analysis.describe_sample(panel)["records"] == 2 and analysis.describe_sample(panel)["years"] == "2021–2022"
    assert analysis.pre_2019(panel)["report"].tolist() == ["county_2012.txt", "zone_2014.txt", "odd_2010.txt"]
    assert analysis.describe_pre_2019(panel) == {"records": 3, "agencies": 3, "years": "2010–2014",
                                                 "forms": "A, B, unknown"}


def test_a_long_series_by_year_with_its_grades_breaks_and_what_cannot_be_compared(tables):
    panel = tables["panel"]
    series = analysis.core_series(panel, ["某实验区"])
    assert list(series.index) == [(2014, "某实验区"), (2021, "某实验区"), (2022, "某实验区")]
    assert series["era"].tolist() == ["local form", "2021 template", "2021 template"]
    grades = analysis.core_series(panel, ["某实验区"], grades=True)
    assert grades.loc[(2014, "某实验区"), "not_held_or_not_exist"] == "none"
    assert analysis.era_breaks(series) == {2017.5: "2021 template"}
    limits = analysis.comparability(panel, ["某实验区"])
    assert set(limits.index.get_level_values("forms")) == {"B"}  # the 2021 template is exact throughout
    assert limits.loc[("fees_yuan", "B"), "grade"] == "none"
    assert analysis.named(panel, "实验区")["report"].tolist() == ["zone_2014.txt", "zone_2021.html", "zone_2022.html"]


def test_a_cumulative_that_continues_an_earlier_report_is_found():
    rows = pd.DataFrame({"report": ["a", "b", "c"], "agency": ["区", "县", "区"], "year": [2011, 2012, 2012],
                         "key": "active_total", "value": [425, 2026, 739], "cumulative": [1516, 3542, 4359]})
    table = analysis.cumulative_continuity(rows, "active_total", ["区", "县"])
    assert table["report"].tolist() == ["a", "c", "b"]  # by year, then agency
    assert table["before_this_year"].tolist() == [1091, 3620, 1516]
    assert table["continues"].fillna("").tolist() == ["", "", "a"]


def test_the_data_dictionary_and_stata_describe_the_new_columns(tables, tmp_path):
    dictionary = data_dictionary({name: tables[name] for name in ("reports", "legacy_rows", "legacy_checks", "panel")})
    assert set(dictionary.loc[dictionary["table"] == "legacy row", "column"]) >= {"answers_refused", "refused_not_exist"}
    crosswalk = dictionary[dictionary["table"] == "core measure"]
    assert crosswalk.set_index(["column", "templates"]).loc[("granted_full_or_part", "A"), "description_zh"] == \
        "同意公开答复数 + 同意部分公开答复数"
    write_stata(tables["panel"], tmp_path / "panel.dta")
    with pd.io.stata.StataReader(tmp_path / "panel.dta") as reader:
        codes = reader.value_labels()
    assert codes["era"] == {1: "local form", 2: "2019 template", 3: "2021 template"}
    assert codes["core_refused_grade"][1] == "exact"


def test_the_long_series_chart_breaks_at_each_era_and_has_one_value_a_year(tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "FIGURES", tmp_path)
    values = pd.DataFrame({"refused": [0, 2, 5]}, index=[2016, 2017, 2019])
    grades = pd.DataFrame({"refused": ["approximate", "approximate", "exact"]}, index=values.index)
    figure = plots.series_with_breaks(values, grades, {2018.5: "2019 template"}, "T", "year", "n", "long", n="n = 3 reports")
    axes = figure.axes[0]
    assert axes.get_title().endswith("\nn = 3 reports") and (tmp_path / "long.png").exists()
    assert [x for x in axes.get_xticks()] == [2016, 2017, 2018, 2019]
    plt.close(figure)
    with pytest.raises(ValueError, match="states its n"):
        plots.series_with_breaks(values, grades, {}, "T", "year", "n", "blank", n=" ")
    with pytest.raises(ValueError, match="one value per year"):
        plots.series_with_breaks(pd.concat([values, values]), grades, {}, "T", "year", "n", "twice", n="n = 6 reports")

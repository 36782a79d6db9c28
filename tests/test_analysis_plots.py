"""The notebooks' computations and charts, on tiny tables."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from toolkit import analysis, plots
from toolkit.harmonise import harmonise_section3

from test_panel import tidy3


@pytest.fixture
def panel():
    return pd.DataFrame({
        "report": ["a.html", "a.txt", "b", "c"], "agency": ["X局", "X局", "Y局", "Y局"],
        "year": [2021, 2021, 2021, 2022], "province": ["甲省", "甲省", "乙省", "乙省"],
        "level": ["county", "county", "prefecture", "prefecture"], "format": ["html", "text", "text", "text"],
        "preferred": [True, False, True, True], "not_held_share": [0.5, 0.5, 0.1, 0.3],
        "processing_fee_yuan": [0.0, 0.0, None, 120.0], "requests_new": [10, 10, 20, 30],
    })


def test_sample_keeps_one_copy_per_agency_year(panel):
    assert analysis.sample(panel)["report"].tolist() == ["a.html", "b", "c"]
    assert analysis.describe_sample(analysis.sample(panel)) == {
        "reports": 3, "agencies": 2, "years": "2021–2022", "provinces": 2}


def test_by_group_means_and_sizes(panel):
    table = analysis.by_group(analysis.sample(panel), ["not_held_share"], "level")
    assert table.loc["prefecture"].tolist() == [0.2, 2]


def test_counts_show_unknown_instead_of_dropping(panel):
    panel.loc[0, "level"] = None
    assert analysis.counts(panel, "level")["reports"].to_dict() == {"county": 1, "prefecture": 2, "unknown": 1}


def test_agency_series_and_who_has_one(panel):
    assert analysis.agencies_with_series(analysis.sample(panel), min_years=2) == ["Y局"]
    series = analysis.agency_series(analysis.sample(panel), "Y局", ["not_held_share"])
    assert series["not_held_share"].tolist() == [0.1, 0.3]


def test_fee_summary_separates_silence_from_zero(panel):
    summary = analysis.fee_summary(analysis.sample(panel))
    assert summary[["say_nothing", "say_none_collected", "collected_some"]].tolist() == [1, 1, 1]
    assert analysis.fee_collectors(analysis.sample(panel))["agency"].tolist() == ["Y局", "X局"]


def test_applicants_and_their_outcomes_pooled():
    h3 = harmonise_section3(pd.concat([
        tidy3("a", "2021", {"new_received": [3, 1, 0, 0, 0, 0, 4], "granted": [2, 0, 0, 0, 0, 0, 2],
                            "unable_not_held": [1, 1, 0, 0, 0, 0, 2], "total_processed": [3, 1, 0, 0, 0, 0, 4]}),
        tidy3("b", "2019", {"new_received": [1, 0, 0, 0, 0, 0, 1], "granted": [1, 0, 0, 0, 0, 0, 1],
                            "total_processed": [1, 0, 0, 0, 0, 0, 1]}),
    ]))
    shares = analysis.applicant_shares(h3, ["a", "b"])
    assert shares.loc["natural_person", "share"] == 0.8
    outcomes = analysis.outcomes_by_applicant(h3, ["a", "b"])
    assert outcomes.loc["natural_person", ["granted", "not_held", "processed"]].tolist() == [0.75, 0.25, 4]
    assert outcomes.loc["commercial_enterprise", "not_held"] == 1.0
    assert pd.isna(outcomes.loc["research_institution", "granted"])


def test_charts_render_chinese_labels_without_missing_glyphs(tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "FIGURES", tmp_path)
    table = pd.DataFrame({"不掌握": [0.2, 0.4]}, index=["县级", "地级"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        figure = plots.bars(table, "Not-held share (本机关不掌握相关政府信息)", "层级", "share", "test_chart")
        figure.canvas.draw()
    assert (tmp_path / "test_chart.png").stat().st_size > 5000
    assert plots.use_cjk_font() == "Noto Sans CJK SC"

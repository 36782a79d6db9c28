"""The notebooks' computations and charts, on tiny tables."""
from __future__ import annotations

import os
import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
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
        "era": "2021 template", "preferred": [True, False, True, True], "not_held_share": [0.5, 0.5, 0.1, 0.3],
        "processing_fee_yuan": [0.0, 0.0, None, 120.0], "requests_new": [10, 10, 20, 30],
        "requests_processed": [2, 2, 10, 90],
    })


@pytest.fixture
def parts():
    """The numerators and denominators behind ``not_held_share`` of the panel above."""
    return pd.DataFrame({"report": ["a.html", "a.txt", "b", "c"], "measure": "not_held_share",
                         "numerator": [1, 1, 1, 27], "denominator": [2, 2, 10, 90], "scale": 1})


def test_sample_keeps_one_copy_per_agency_year(panel):
    assert analysis.sample(panel)["report"].tolist() == ["a.html", "b", "c"]
    assert analysis.describe_sample(analysis.sample(panel)) == {
        "records": 3, "reports": 3, "agencies": 2, "years": "2021–2022", "provinces": 2,
        "new requests": 60, "requests handled": 102}
    both = analysis.describe_sample(panel)  # a.html and a.txt: one report, two records, counted once
    assert (both["records"], both["reports"], both["new requests"]) == (4, 3, 60)


def test_copies_lists_the_reports_read_in_two_forms_and_the_one_kept(panel):
    table = analysis.copies(panel)
    assert table[["report", "preferred"]].values.tolist() == [["a.html", True], ["a.txt", False]]


def test_group_summary_gives_the_mean_per_report_and_the_pooled_share_with_n(panel, parts):
    """Prefecture: reports b (1 of 10) and c (27 of 90): mean of 0.1 and 0.3 is 0.2, pooled
    28 / 100 = 0.28; a report without the measure is not counted in its n."""
    sample = analysis.sample(panel)
    sample.loc[sample["report"] == "a.html", "not_held_share"] = None
    table = analysis.group_summary(sample, parts, ["not_held_share"], "level")
    assert table.loc[("not_held_share", "prefecture")].tolist() == [2, 100, 0.2, 0.28]
    assert ("not_held_share", "county") not in table.index
    assert analysis.summary_n(table) == "n = 2 reports, 100 requests handled"


def test_group_summary_pools_rates_per_100():
    panel = pd.DataFrame({"report": ["a", "b"], "level": "county", "reconsideration_rate": [10.0, 1.0]})
    parts = pd.DataFrame({"report": ["a", "b"], "measure": "reconsideration_rate", "numerator": [1, 9],
                          "denominator": [10, 900], "scale": 100})
    row = analysis.group_summary(panel, parts, ["reconsideration_rate"], "level").iloc[0]
    assert (row["mean_per_report"], row["pooled"]) == (5.5, pytest.approx(100 * 10 / 910, abs=0.001))


def test_chart_table_labels_each_group_with_its_n(panel, parts):
    table = analysis.chart_table(analysis.group_summary(analysis.sample(panel), parts, ["not_held_share"], "level"),
                                 labels={"not_held_share": "不掌握"})
    assert table.index.tolist() == ["county\n1 report\n2 requests", "prefecture\n2 reports\n100 requests"]
    assert table["不掌握"].tolist() == [0.5, 0.28]


def test_label_n_puts_each_rows_n_in_its_label():
    table = pd.DataFrame({"share": [0.9, 0.1]}, index=["natural_person", "other_org"])
    labelled = analysis.label_n(table, pd.Series({"natural_person": 4767.0, "other_org": 1.0}),
                                labels={"natural_person": "自然人"})
    assert labelled.index.tolist() == ["自然人\n4,767 requests", "other_org\n1 request"]


def test_the_n_of_a_chart_of_records_and_of_a_log_scale(panel):
    assert analysis.sample_n(panel) == "n = 4 records of 3 reports, 60 new requests"
    assert analysis.sample_n(analysis.sample(panel), "requests_processed") == "n = 3 reports, 102 requests handled"
    shown, n = analysis.above_zero(panel, "processing_fee_yuan", "a fee")
    assert shown["report"].tolist() == ["c"]
    assert n == "n = 1 report with a fee above 0 (3 others: 0 or missing, not shown)"


def test_n_label():
    assert analysis.n_label(20, 4963) == "n = 20 reports, 4,963 requests handled"
    assert analysis.n_label(1, 3119, "new requests") == "n = 1 report, 3,119 new requests"
    assert analysis.n_label(24, unit="records") == "n = 24 records"


def test_counts_show_unknown_instead_of_dropping(panel):
    panel.loc[0, "level"] = None
    assert analysis.counts(panel, "level")["reports"].to_dict() == {"county": 1, "prefecture": 2, "unknown": 1}


def test_agency_series_and_who_has_one(panel):
    assert analysis.agencies_with_series(analysis.sample(panel), min_years=2) == ["Y局"]
    assert analysis.series_years(analysis.sample(panel), min_years=2).loc["Y局"].tolist() == [2, 2021, 2022]
    series = analysis.agency_series(analysis.sample(panel), "Y局", ["not_held_share"])
    assert series["not_held_share"].tolist() == [0.1, 0.3]
    assert series["requests_processed"].tolist() == [10, 90]


def test_bands_and_the_largest_reports(panel):
    assert analysis.bands(pd.Series([0, 0, 3, 12, None])).to_dict() == {"0": 2, "1–9": 1, "10 or more": 1, "unknown": 1}
    largest = analysis.largest(analysis.sample(panel), "requests_new", top=1)
    assert largest[["report", "share_of_all"]].values.tolist() == [["c", 0.5]]


def test_fee_summary_separates_silence_from_zero(panel):
    summary = analysis.fee_summary(analysis.sample(panel))
    assert summary[["say_nothing", "say_none_collected", "collected_some"]].tolist() == [1, 1, 1]
    assert analysis.fee_statements(analysis.sample(panel))["agency"].tolist() == ["Y局", "X局"]


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
    assert outcomes.loc["natural_person", ["granted_in_full", "partially_granted", "not_held", "processed"]].tolist() == [
        0.75, 0, 0.25, 4]
    assert outcomes.loc["commercial_enterprise", "not_held"] == 1.0
    assert pd.isna(outcomes.loc["research_institution", "granted_in_full"])


def test_charts_render_chinese_labels_without_missing_glyphs(tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "FIGURES", tmp_path)
    table = pd.DataFrame({"不掌握": [0.2, 0.4]}, index=["县级", "地级"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        figure = plots.bars(table, "Not-held share (本机关不掌握相关政府信息)", "层级", "share", "test_chart",
                            n="n = 2 reports, 30 requests handled")
        figure.canvas.draw()
    assert (tmp_path / "test_chart.png").stat().st_size > 5000
    assert plots.use_cjk_font() == "Noto Sans CJK SC"
    plt.close(figure)


def test_every_chart_states_its_n(tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "FIGURES", tmp_path)
    table = pd.DataFrame({"share": [0.2, 0.4]}, index=[2021, 2022])
    figures = [
        plots.bars(table, "Bars", "year", "share", "b", n="n = 2 reports, 30 requests handled"),
        plots.lines(table, "Lines", "year", "share", "l", n="n = 2 reports, 30 requests handled"),
        plots.strip(table.reset_index().assign(level="county"), "share", "level", "Dots", "share", "s",
                    n="n = 2 reports, 30 requests handled"),
    ]
    for figure in figures:
        assert figure.axes[0].get_title().endswith("\nn = 2 reports, 30 requests handled")
        plt.close(figure)
    for chart in (plots.bars, plots.lines):
        with pytest.raises(TypeError, match="'n'"):
            chart(table, "No n", "year", "share", "x")
        with pytest.raises(ValueError, match="states its n"):
            chart(table, "Blank n", "year", "share", "x", n=" ")


def test_in_jupyter_a_chart_is_shown_once_as_the_saved_png(tmp_path, monkeypatch):
    """In a kernel the saved PNG is displayed (an image/png output, which nbconvert embeds
    in the HTML) and the figure closed, so the inline backend does not draw it twice."""
    import IPython.display

    shown = []
    monkeypatch.setattr(plots, "FIGURES", tmp_path)
    monkeypatch.setattr(plots, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    figure = plots.bars(pd.DataFrame({"a": [1, 2]}, index=["x", "y"]), "T", "x", "y", "shown", n="n = 2 reports")
    assert len(shown) == 1 and shown[0].format == "png"
    assert shown[0].data == (tmp_path / "shown.png").read_bytes()
    assert not plt.fignum_exists(figure.number)


def test_importing_the_charts_leaves_jupyters_backend_alone():
    """plots used to force Agg at import, which kept every chart out of the notebooks."""
    code = "import matplotlib; import toolkit.plots; print(matplotlib.get_backend())"
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "module://matplotlib_inline.backend_inline"

"""The committed notebooks as people see them: charts inline (and in the HTML copies),
every chart with its n, no number in the prose that no cell computes, the measures'
current names."""
from __future__ import annotations

import re

import nbformat
import pytest
from nbconvert import HTMLExporter

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
CHART = re.compile(r"\bplots\.(bars|lines|strip|series_with_breaks)\(")
# digits the prose may hold: not findings about the data but names, units and references
ALLOWED = [
    r"^# \d\d · ",  # the notebook's number in its title
    r"^\d+\. ",  # numbered steps
    r"\bnotebook \d\d\b",
    r"\bSHA-256\b",
    r"\bper 100\b",  # the unit of the appeal rates
    r"\b20(19|21) format\b",  # the national templates
    r"\b[Pp]re-2019\b",  # the template of the local forms before the national ones
    r"since 2021 under 国办函〔2020〕109号",  # the fee rules (a legal citation)
    r"^## A longer series: 平潭 \d{4}–\d{4}$",  # notebook 02's section title: the span its first table shows
]


def cells(path, kind):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == kind]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chart_is_shown_inline_as_png_and_states_its_n(path):
    for cell in cells(path, "code"):
        if not CHART.search(cell.source):
            continue
        assert re.search(r"\bn=", cell.source), f"a chart without its n: {cell.source[:80]}"
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, f"{path.name}: the chart is not in the notebook ({len(images)} images): {cell.source[:80]}"
        texts = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert "<Figure size" not in texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_prose_states_no_number_that_no_cell_computes(path):
    """A number in a markdown cell is typed by hand and goes stale when the data changes
    ("one prefecture" beside a table of two): say it from a computed cell instead."""
    for cell in cells(path, "markdown"):
        text = re.sub(r"`[^`]*`", "", cell.source)  # code and column names
        for allowed in ALLOWED:
            text = re.sub(allowed, "", text, flags=re.M)
        stray = re.findall(r".{0,30}\d.{0,30}", text)
        assert not stray, f"{path.name}: a number in the prose: {stray}"
        spelled = re.findall(r"(?<!within )\b(?:one|two|three|four|five|six|seven|eight|nine|ten|a dozen)\s+"
                             r"(?:[-\w]+\s+)?(?:reports?|records?|agenc(?:y|ies)|prefectures?|count(?:y|ies)|"
                             r"provinces?|years?|requests?|offices?|forms?|cases?)\b", text, flags=re.I)
        assert not spelled, f"{path.name}: a count spelled out in the prose: {spelled} in {cell.source[:120]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_the_measures_current_names(path):
    source = "\n".join(cell.source for cell in cells(path, "code") + cells(path, "markdown"))
    for old in ("full_grant_rate", "analysis.by_group", "fee_collectors", "processed=DATA"):
        assert old not in source, f"{path.name} still uses {old}"


def test_the_html_copies_embed_the_charts():
    """What `make notebooks` writes: nbconvert's HTML embeds each image/png output."""
    path = ROOT / "notebooks" / "02-not-held-refusals.ipynb"
    charts = sum(bool(CHART.search(cell.source)) for cell in cells(path, "code"))
    html, _ = HTMLExporter().from_notebook_node(nbformat.read(path, as_version=4))
    assert charts >= 2 and html.count('<img alt="No description has been provided for this image" src="data:image/png;base64,') + html.count('src="data:image/png;base64,') >= charts

"""Charts for the notebooks: Chinese labels that render on any machine, every chart
saved as PNG under ``reports/figures``.

The CJK font comes from a pip package (``noto-cjk-sans-otc``), registered with
matplotlib here, so no system font is needed.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter, StrMethodFormatter  # noqa: E402

from toolkit.config import ROOT  # noqa: E402

FIGURES = ROOT / "reports" / "figures"
CJK_FONT = "Noto Sans CJK SC"


@cache
def use_cjk_font() -> str:
    """Register the packaged Noto Sans CJK and make it the default; returns its name."""
    font_manager.fontManager.addfont(str(files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc"))
    sns.set_theme(style="whitegrid", font=CJK_FONT)
    plt.rcParams.update({"axes.unicode_minus": False, "figure.dpi": 100, "savefig.dpi": 120,
                         "svg.hashsalt": "ogi-toolkit"})
    return CJK_FONT


def save(figure: plt.Figure, name: str, folder: Path | None = None) -> Path:
    """Save a chart as ``folder/name.png`` (default ``reports/figures``) and return the path."""
    folder = folder or FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    figure.savefig(path, bbox_inches="tight", metadata={"Software": None})
    return path


def bars(table: pd.DataFrame, title: str, xlabel: str, ylabel: str, name: str,
         stacked: bool = False, horizontal: bool = False) -> plt.Figure:
    """Bar chart of a table (index on the axis, one colour per column)."""
    use_cjk_font()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    table.plot(kind="barh" if horizontal else "bar", stacked=stacked, ax=axes, rot=0 if horizontal else 30)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if (table.fillna(0) % 1 == 0).all().all():  # counts: no half reports on the axis
        (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    if table.shape[1] > 1:
        axes.legend(title=None, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
    elif axes.get_legend():
        axes.get_legend().remove()
    save(figure, name)
    return figure


def lines(table: pd.DataFrame, title: str, xlabel: str, ylabel: str, name: str) -> plt.Figure:
    """Line chart, one line per column, index on the x axis (years)."""
    use_cjk_font()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    table.plot(ax=axes, marker="o")
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.set_xticks(list(table.index))
    axes.legend(title=None, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
    save(figure, name)
    return figure


def strip(table: pd.DataFrame, x: str, y: str, title: str, xlabel: str, name: str, log: bool = False) -> plt.Figure:
    """One dot per report along ``x``, grouped by ``y`` (a spread, not a mean)."""
    use_cjk_font()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    sns.stripplot(data=table, x=x, y=y, ax=axes, size=8, jitter=False)  # no random jitter: same picture every run
    axes.set(title=title, xlabel=xlabel, xscale="log" if log else "linear")
    if log:  # plain numbers at 1, 2, 5 × 10^k: readable, and no colliding minor labels
        axes.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axes.xaxis.set_minor_formatter(NullFormatter())
    save(figure, name)
    return figure

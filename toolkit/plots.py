"""Charts for the notebooks: Chinese labels that render on any machine, every chart
saved as PNG under ``reports/figures`` and, in Jupyter, shown in the notebook as that
same PNG (so the HTML copies of ``make notebooks`` embed it too).

Every chart states its n: ``n=`` is required and becomes the title's second line
(``toolkit.analysis.n_label`` writes it).

The CJK font comes from a pip package (``noto-cjk-sans-otc``), registered with
matplotlib here, so no system font is needed. No backend is forced: Jupyter's inline
backend, a desktop window, or Agg on a server, whichever matplotlib picks.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter, StrMethodFormatter

from toolkit.config import IN_REPOSITORY, ROOT

# the repository's reports/figures; installed from a package, reports/figures of the working folder
FIGURES = ROOT / "reports" / "figures" if IN_REPOSITORY else Path("reports") / "figures"
CJK_FONT = "Noto Sans CJK SC"
LABELS = {  # names of the panel and of toolkit.analysis, as charts show them
    "not_held_share": "不掌握 not held",
    "withheld_share": "不予公开 withheld",
    "unable_share": "无法提供 unable (incl. 不掌握)",
    "not_processed_share": "不予处理 not processed",
    "grant_rate_incl_partial": "予以公开+部分公开 granted in full or part",
    "granted_in_full_rate": "予以公开 granted in full",
    "reconsideration_rate": "行政复议 reconsideration",
    "litigation_rate": "行政诉讼 litigation",
    "natural_person": "自然人", "commercial_enterprise": "商业企业", "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织", "legal_service_org": "法律服务机构", "other_org": "其他",
    "granted_in_full": "予以公开 granted in full", "partially_granted": "部分公开 granted in part",
    "withheld": "不予公开 withheld", "not_held": "不掌握 not held", "other_unable": "其他无法提供 other unable",
    "not_processed": "不予处理 not processed", "other": "其他处理 other",
}


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
    folder = Path(folder or FIGURES)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    figure.savefig(path, bbox_inches="tight", metadata={"Software": None})
    return path


def in_notebook() -> bool:
    """True inside a Jupyter kernel (notebook, JupyterLab, nbconvert --execute)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def show(figure: plt.Figure, path: Path) -> None:
    """In Jupyter, display the saved PNG once (an ``image/png`` output, embedded in the
    HTML copies) and close the figure, so that the backend does not draw it again."""
    if not in_notebook():
        return
    from IPython.display import Image, display

    display(Image(filename=str(path)))
    plt.close(figure)


def _titled(axes: plt.Axes, title: str, n: str, **labels) -> None:
    """The title, with the chart's n on a second line, and the axis labels."""
    if not n or not n.strip():
        raise ValueError("every chart states its n: pass n=, e.g. analysis.n_label(reports, requests)")
    axes.set(title=f"{title}\n{n}", **labels)


def _finish(figure: plt.Figure, name: str) -> plt.Figure:
    show(figure, save(figure, name))
    return figure


def bars(table: pd.DataFrame, title: str, xlabel: str, ylabel: str, name: str, *, n: str,
         stacked: bool = False, horizontal: bool = False) -> plt.Figure:
    """Bar chart of a table (index on the axis, one colour per column)."""
    use_cjk_font()
    wide = 8 if horizontal else max(8, 1.3 * len(table) + 2)  # room for each bar's label (its n) side by side
    figure, axes = plt.subplots(figsize=(wide, 4.5))
    table.plot(kind="barh" if horizontal else "bar", stacked=stacked, ax=axes, rot=0)
    _titled(axes, title, n, xlabel=xlabel, ylabel=ylabel)
    if (table.fillna(0) % 1 == 0).all().all():  # counts: no half reports on the axis
        (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    if table.shape[1] > 1:
        axes.legend(title=None, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
    elif axes.get_legend():
        axes.get_legend().remove()
    return _finish(figure, name)


def lines(table: pd.DataFrame, title: str, xlabel: str, ylabel: str, name: str, *, n: str) -> plt.Figure:
    """Line chart, one line per column, index on the x axis (years)."""
    use_cjk_font()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    table.plot(ax=axes, marker="o")
    _titled(axes, title, n, xlabel=xlabel, ylabel=ylabel)
    axes.set_xticks(list(table.index))
    axes.legend(title=None, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
    return _finish(figure, name)


def strip(table: pd.DataFrame, x: str, y: str, title: str, xlabel: str, name: str, *, n: str,
          log: bool = False) -> plt.Figure:
    """One dot per report along ``x``, grouped by ``y`` (a spread, not a mean)."""
    use_cjk_font()
    figure, axes = plt.subplots(figsize=(8, 4.5))
    sns.stripplot(data=table, x=x, y=y, ax=axes, size=8, jitter=False)  # no random jitter: same picture every run
    _titled(axes, title, n, xlabel=xlabel)
    axes.set(xscale="log" if log else "linear")
    if log:  # plain numbers at 1, 2, 5 × 10^k: readable, and no colliding minor labels
        axes.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axes.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        axes.xaxis.set_minor_formatter(NullFormatter())
    return _finish(figure, name)

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
from matplotlib.lines import Line2D
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
    # the core measures (toolkit.crosswalk), named for every era
    "requests_received": "收到申请 requests received", "requests_answered": "答复/办结 requests answered",
    "granted_full_or_part": "同意/予以公开（含部分）granted in full or part",
    "refused": "否决/不予公开 refused", "not_held_or_not_exist": "不掌握/信息不存在 not held",
    "unclear": "申请内容不明确 unclear", "other_answers": "其他答复 other answers",
    "reconsiderations": "行政复议 reconsiderations", "lawsuits": "行政诉讼 lawsuits", "fees_yuan": "信息处理费 fees (元)",
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


def series_with_breaks(values: pd.DataFrame, grades: pd.DataFrame, breaks: dict[float, str], title: str,
                       xlabel: str, ylabel: str, name: str, *, n: str) -> plt.Figure:
    """One line per column over the years, each point filled where its grade is exact and
    hollow where approximate; a dashed vertical line at each break (``breaks``: x -> what
    begins there), which no line crosses, and a gap for a year without a report."""
    if values.index.has_duplicates:
        raise ValueError("one value per year: the series holds two reports of one year")
    use_cjk_font()
    years = pd.Index(range(int(values.index.min()), int(values.index.max()) + 1))
    values, grades = values.reindex(years).astype("float"), grades.reindex(years)
    edges = [float("-inf"), *sorted(breaks), float("inf")]
    figure, axes = plt.subplots(figsize=(9, 4.5))
    handles = []
    for column in values.columns:
        color = None
        for low, high in zip(edges, edges[1:]):
            part = values[column][(years > low) & (years < high)]
            line, = axes.plot(part.index, part, color=color, label=column)
            color = line.get_color()
        handles.append(line)
        for grade, face in (("exact", color), ("approximate", "white")):
            shown = values[column].where(grades[column] == grade)
            axes.plot(shown.index, shown, linestyle="none", marker="o", color=color, markerfacecolor=face)
    for x, label in breaks.items():
        axes.axvline(x, color="grey", linestyle="--", linewidth=1)
        axes.annotate(label, (x, 1), xycoords=("data", "axes fraction"), xytext=(-3, -4), textcoords="offset points",
                      rotation=90, ha="right", va="top", fontsize="small", color="grey")
    _titled(axes, title, n, xlabel=xlabel, ylabel=ylabel)
    axes.set_xticks(list(years))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    markers = [Line2D([], [], color="grey", marker="o", linestyle="none", markerfacecolor=face, label=label)
               for face, label in (("grey", "exact"), ("white", "approximate"))]
    axes.legend(handles=[*handles, *markers], title=None, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
    return _finish(figure, name)

"""The style and script inlined into every review page (``toolkit.review``): nothing is
fetched, the pages open offline. Kept in Python so that any install of the package has them.

``SCRIPT``: clicking a cell (in a table or on a page image) selects it everywhere, scrolls
the source pane to where it was read, and builds its line for ``data/corrections.csv``.
"""

STYLE = r"""
:root {
  --ink: #1d2329; --muted: #5f6b76; --rule: #c9d1d9; --paper: #fff; --shade: #f4f6f8;
  --printed: #fff; --blank: #eef0f2; --unread: #ffe2b8; --unread-ink: #8a4b00;
  --failed: #ffd9d9; --failed-ink: #b00020; --corrected: #d8f0dc; --corrected-ink: #1e6b2e;
  --select: #1f6feb;
}
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--ink); background: var(--paper); font-size: 14px; line-height: 1.45;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "WenQuanYi Micro Hei", "Noto Sans", "Helvetica Neue", Arial, sans-serif;
}
header { padding: 12px 20px 8px; border-bottom: 1px solid var(--rule); background: var(--shade); }
h1 { font-size: 20px; margin: 4px 0; }
h1 small, h2 small { font-weight: normal; color: var(--muted); font-size: 13px; margin-left: 6px; word-break: break-all; }
h2 { font-size: 16px; margin: 18px 0 4px; }
.crumbs { margin: 0; font-size: 13px; }
.facts, .how { margin: 2px 0; color: var(--muted); font-size: 13px; }
.problem { margin: 6px 0; padding: 6px 10px; border-left: 4px solid var(--failed-ink); background: #fff4f4; }
.why { color: var(--muted); font-style: italic; }
.missing { color: var(--failed-ink); }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 8px 0 0; font-size: 12.5px; }
.swatch { display: inline-block; min-width: 2.4em; text-align: center; border: 1px solid var(--rule); padding: 0 4px; }

main { display: grid; grid-template-columns: minmax(0, 56fr) minmax(0, 44fr); }
.tables { padding: 0 20px 40px; }
.source { position: sticky; top: 0; height: 100vh; overflow: auto; border-left: 1px solid var(--rule); background: var(--shade); }
.source-view { padding: 0 14px 40px; }
.source h2 { margin-top: 10px; }

table { border-collapse: collapse; margin: 6px 0 10px; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; }
th { background: var(--shade); font-weight: normal; font-size: 12.5px; }
th.label { text-align: left; max-width: 22em; }
th.group { writing-mode: vertical-rl; letter-spacing: 2px; min-width: 2em; }
.s3 th.label { min-width: 11em; }
td { text-align: right; font-variant-numeric: tabular-nums; min-width: 3.2em; cursor: pointer; white-space: nowrap; }
td.none { background: var(--shade); cursor: default; }
td.printed, .swatch.printed { background: var(--printed); }
td.blank, .swatch.blank { background: var(--blank); color: var(--muted); text-align: center; }
td.unread, .swatch.unread { background: var(--unread); color: var(--unread-ink); font-weight: bold; text-align: center;
  background-image: repeating-linear-gradient(45deg, transparent 0 5px, rgba(138, 75, 0, .12) 5px 7px); }
td.failed, .swatch.failed { background: var(--failed); color: var(--failed-ink); }
td.total, .swatch.total { outline: 2px solid var(--failed-ink); outline-offset: -2px; font-weight: bold; }
td.corrected, .swatch.corrected { background: var(--corrected); color: var(--corrected-ink); }
td s, .swatch s { color: var(--muted); }
td:hover { box-shadow: inset 0 0 0 2px #8fb8f5; }
td.selected { box-shadow: inset 0 0 0 3px var(--select); }
abbr { color: var(--unread-ink); text-decoration: none; cursor: help; }
details.notes { margin-top: 16px; font-size: 13px; color: var(--muted); }
details.notes li { margin: 4px 0; }

.panel { position: sticky; top: 0; z-index: 2; background: var(--paper); border-bottom: 2px solid var(--select);
  padding: 8px 14px; font-size: 13px; min-height: 3.5em; }
.panel .hint { color: var(--muted); margin: 4px 0; }
.panel h3 { font-size: 14px; margin: 0 0 4px; }
.panel dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; margin: 0 0 6px; }
.panel dt { color: var(--muted); }
.panel dd { margin: 0; }
.panel .check { color: var(--failed-ink); }
.panel .fix { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; margin: 4px 0; }
.panel input { font: inherit; padding: 2px 4px; }
.panel input.number { width: 9.5em; }
.panel input.note { flex: 1; min-width: 12em; }
.panel output { display: block; font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; font-size: 12px;
  background: var(--shade); border: 1px solid var(--rule); padding: 4px 6px; word-break: break-all; user-select: all; }
.panel button { font: inherit; cursor: pointer; }

figure.page { margin: 8px 0 16px; }
figure.page figcaption { color: var(--muted); font-size: 12px; }
figure.page svg { width: 100%; height: auto; display: block; background: #fff; border: 1px solid var(--rule); }
rect.row { fill: rgba(31, 111, 235, .06); stroke: rgba(31, 111, 235, .45); stroke-width: .6; cursor: pointer; }
rect.value { fill: rgba(31, 111, 235, .10); stroke: rgba(31, 111, 235, .8); stroke-width: .5; cursor: pointer; }
rect.value.failed { fill: rgba(176, 0, 32, .14); stroke: var(--failed-ink); }
rect.value.unread { fill: rgba(255, 160, 40, .3); stroke: var(--unread-ink); }
rect.value.corrected { fill: rgba(30, 107, 46, .18); stroke: var(--corrected-ink); }
rect.selected { fill: rgba(255, 214, 0, .35); stroke: #d12; stroke-width: 2; }

ol.lines { font-family: "Noto Sans Mono CJK SC", "Noto Sans CJK SC", "DejaVu Sans Mono", monospace; font-size: 12.5px;
  padding-left: 3.6em; margin: 6px 0; background: var(--paper); border: 1px solid var(--rule); }
ol.lines li { padding: 1px 4px; white-space: pre-wrap; color: var(--muted); }
ol.lines li::marker { color: #9aa5b1; font-size: 11px; }
ol.lines li.read { color: var(--ink); cursor: pointer; }
ol.lines li.gap { list-style: none; color: #9aa5b1; }
ol.lines li.selected { background: #fff3c4; }
ol.lines .c { display: inline-block; padding: 0 4px; margin: 1px 2px 1px 0; border: 1px solid #dde3e9; }
ol.lines .c.blank { color: #b0b8c0; }
ol.lines .r { background: #e6efff; border-bottom: 2px solid #8fb8f5; }
ol.lines .r.selected { background: #ffd54f; border-color: #d12; }
ol.lines .c.selected { background: #ffd54f; border-color: #d12; color: var(--ink); }

table.index { margin: 12px 20px; }
table.index td { cursor: default; text-align: left; }
table.index td.n { text-align: right; }
table.index td.bad { color: var(--failed-ink); font-weight: bold; background: var(--failed); }
"""

SCRIPT = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("cells").textContent);
  const cells = data.cells;
  function infoOf(key) {  // the cell's facts over its row's
    return Object.assign({}, data.rows[key.slice(0, key.lastIndexOf("."))], cells[key]);
  }
  const panel = document.getElementById("panel");

  function csvField(text) {
    text = String(text);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function where(info) {
    if (!info.at) return "row not found in the report";
    let text = info.at;
    if (info.box) return text + " (its cell is outlined on the page)";
    if (info.row_box) return text + " (its row is outlined on the page)";
    if (info.line && info.at !== "line " + info.line) text += " (line " + info.line + " of the text as read)";
    if (info.cell != null && info.line) text += ", cell " + (info.cell + 1) + " of the line";
    return text;
  }

  function correctionForm(info, key) {
    const box = element("div");
    if (info.no_correction) {
      box.appendChild(element("p", data.no_correction[info.no_correction]));
      return box;
    }
    const printed = info.status === "unread" ? "" : info.value;
    const value = element("input", undefined, "number");
    value.placeholder = "corrected value";
    value.setAttribute("aria-label", "corrected value");
    const note = element("input", undefined, "note");
    note.value = (info.at ? info.at + ": " : "") + "checked against the report";
    note.setAttribute("aria-label", "source of the correction");
    const line = element("output");
    line.id = "correction-line";
    const copy = element("button", "copy");
    copy.type = "button";
    function update() {
      line.textContent = [data.report, key, printed, value.value.trim(), note.value].map(csvField).join(",");
    }
    value.addEventListener("input", update);
    note.addEventListener("input", update);
    copy.addEventListener("click", function () {
      const text = line.textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(function () {});
      const range = document.createRange();
      range.selectNodeContents(line);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    });
    update();
    const fix = element("div", undefined, "fix");
    fix.append(element("span", "line for data/corrections.csv:"), value, note, copy);
    box.append(fix, line, element("p", "Type the corrected value, then add the line to data/corrections.csv " +
      "(report,field,printed_value,corrected_value,source) and run make demo.", "hint"));
    return box;
  }

  function show(key) {
    const info = infoOf(key);
    panel.replaceChildren();
    panel.appendChild(element("h3", info.label + " · " + info.column));
    const facts = element("dl");
    const rows = [["field", key], ["value", info.value === "" ? "(none)" : info.value], ["status", info.status],
      ["read at", where(info)]];
    if (info.printed_label) rows.push(["label as printed", info.printed_label + (info.matched && info.matched !== "exact" ? " (matched " + info.matched + ")" : "")]);
    if (info.corrected != null) rows.push(["corrected to", info.corrected]);
    for (const [name, value] of rows) facts.append(element("dt", name), element("dd", value));
    panel.appendChild(facts);
    for (const message of info.checks || []) panel.appendChild(element("p", "failed identity: " + message, "check"));
    panel.appendChild(correctionForm(info, key));
  }

  function reveal(node) {  // scroll the source pane alone, the node to its middle below the panel
    const pane = document.querySelector(".source");
    const box = node.getBoundingClientRect();
    const top = pane.getBoundingClientRect().top + panel.offsetHeight;
    pane.scrollTop += box.top - top - (pane.clientHeight - panel.offsetHeight - box.height) / 2;
  }

  function mark(selector) {
    document.querySelectorAll(selector).forEach(function (node) { node.classList.add("selected"); });
    return document.querySelector(selector);
  }

  function select(key, from) {
    if (!cells[key]) return;
    document.querySelectorAll(".selected").forEach(function (node) { node.classList.remove("selected"); });
    const info = infoOf(key);
    const row = key.slice(0, key.lastIndexOf("."));
    const td = mark('td[data-key="' + key + '"]');
    let target = mark('rect.value[data-value="' + key + '"]') || mark('rect.row[data-row="' + row + '"]');
    if (info.line) {  // a long line: its row's label; else the line, and the value's cell in it
      const label = mark('#line-' + info.line + ' .r[data-row="' + row + '"]');
      const line = label || mark("#line-" + info.line);
      if (line && !label && info.cell != null) line.querySelectorAll(".c")[info.cell].classList.add("selected");
      target = target || line;
    }
    if (!target && info.page) target = document.getElementById("page-" + info.page);
    show(key);
    if (from !== "source" && target) reveal(target);
    if (from === "source" && td) td.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "#" + key);
  }

  document.addEventListener("click", function (event) {
    const node = event.target.closest("td[data-key], rect[data-value], rect[data-row], li[data-rows]");
    if (!node) return;
    if (node.dataset.key) select(node.dataset.key, "table");
    else if (node.dataset.value) select(node.dataset.value, "source");
    else {
      const row = (node.dataset.row || node.dataset.rows.split(" ")[0]);
      const first = Object.keys(cells).find(function (key) { return key.startsWith(row + "."); });
      if (first) select(first, "source");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.dataset && event.target.dataset.key) select(event.target.dataset.key, "table");
  });
  // value rects carry their cell's status, so the page shows it too
  document.querySelectorAll("rect.value").forEach(function (rect) {
    const td = document.querySelector('td[data-key="' + rect.dataset.value + '"]');
    if (td) ["failed", "unread", "corrected"].forEach(function (c) { if (td.classList.contains(c)) rect.classList.add(c); });
  });
  if (location.hash.length > 1) select(decodeURIComponent(location.hash.slice(1)), "table");
})();
"""

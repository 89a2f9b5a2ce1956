"""The report's HTML page: the headline first (window, verdicts, KPI tiles, worst offenders),
then one section per metric type with its inline SVG chart and a sortable table.

The page is one self-contained file: styles, charts and its small script are inline, and its
Content-Security-Policy forbids loading anything, so it reads the same from disk, over HTTP or
offline. Tables show latency in milliseconds and rates as percentages.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from wal_telemetry_sdk.chart_design import STATE_COLOURS, ChartModel
from wal_telemetry_server.chartdata import SHOWN_FACTORS, TITLES
from wal_telemetry_server.model import METRIC_TYPES
from wal_telemetry_server.report_summary import (
    Headline,
    Tally,
    Thresholds,
    amount,
    change,
    milliseconds,
    percent,
)
from wal_telemetry_server.report_svg import svg_of

SUMMARY_AGGREGATIONS = ("average", "minimum", "maximum", "percentile_95", "count")
AGGREGATION_NAMES = {
    "average": "Average",
    "minimum": "Minimum",
    "maximum": "Maximum",
    "percentile_95": "p95",
}
# The unit of each metric type's figures in the tables, what `count` counts, and what a row is.
TABLE_UNITS = {
    "operation_count": ("ops/interval", "Intervals with operations", "Operation / backend"),
    "operation_latency": ("ms", "Operations", "Operation / backend"),
    "success_rate": ("%", "Intervals with operations", "Operation / backend"),
    "error_rate": ("%", "Intervals with operations", "Operation / backend"),
    "backend_health": ("1 = online", "Health readings", "Backend"),
    "throughput": ("ops/s", "Intervals with operations", "Series"),
    "queue_size": ("operations", "Queue readings", "Queue"),
    "retry_count": ("retries/interval", "Intervals with operations", "Operation / backend"),
}
VERDICT_COLOURS = {
    "failing": STATE_COLOURS["offline"],
    "degraded": STATE_COLOURS["degraded"],
    "healthy": STATE_COLOURS["online"],
    "no data": STATE_COLOURS["unknown"],
}
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
STYLE = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#dde1e8;--bad:#c62828;--good:#2e7d32;--warn:#b26a00}
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:var(--ink);margin:0;background:#f5f6f8}
main{max-width:1360px;margin:0 auto;padding:14px 20px 40px}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 16px;margin-bottom:10px}
h1{font-size:20px;margin:0}
h2{font-size:17px;margin:0 0 8px}
h3{font-size:13px;margin:0 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.window{font-size:15px;font-weight:600}
.muted{color:var(--muted)}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.verdicts{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:10px}
.verdict{flex:1 1 200px;border-left:6px solid;padding:8px 12px}
.verdict b{font-size:15px}
.verdict .level{font-weight:700;text-transform:uppercase;font-size:12px;margin-left:6px}
.verdict ul{margin:4px 0 0;padding-left:16px;color:var(--muted);font-size:12.5px}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin-bottom:10px}
.kpi .label{color:var(--muted);font-size:13px}
.kpi .value{font-size:30px;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums}
.kpi .value small{font-size:15px;font-weight:600;color:var(--muted)}
.kpi.breached{border-color:var(--bad);box-shadow:inset 0 0 0 1px var(--bad)}
.kpi.breached .value{color:var(--bad)}
.kpi .limit{font-size:12.5px;color:var(--muted)}
.breached .limit{color:var(--bad);font-weight:600}
.up-bad,.down-bad{color:var(--bad);font-weight:600}
.up-good,.down-good{color:var(--good);font-weight:600}
.offenders{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin-bottom:10px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;text-align:right;border-bottom:1px solid var(--line);white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{font-weight:600;color:var(--muted);font-size:12.5px;background:#fafbfc}
.sortable th{cursor:pointer;user-select:none}
.sortable th::after{content:" \\2195";color:#b8bec9}
.sortable th[aria-sort=ascending]::after{content:" \\2191";color:var(--ink)}
.sortable th[aria-sort=descending]::after{content:" \\2193";color:var(--ink)}
td.over{color:var(--bad);font-weight:700}
nav{position:sticky;top:0;z-index:2;background:#f5f6f8;padding:6px 0;margin-bottom:6px;
border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center}
nav a{color:#0b57d0;text-decoration:none}
nav button{margin-left:auto}
section{margin-bottom:14px;position:relative;scroll-margin-top:44px}
.hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.table-wrap{max-height:480px;overflow:auto;margin-top:8px}
svg.chart{width:100%;height:auto;display:block;font-family:inherit}
svg.chart .title{font-size:15px;font-weight:700;fill:var(--ink)}
svg.chart .subtitle,svg.chart .tick,svg.chart .axis{font-size:11.5px;fill:var(--muted)}
svg.chart .legend,svg.chart .lane{font-size:12px;fill:var(--ink)}
svg.chart .note{font-size:15px;fill:var(--muted)}
svg.chart .grid{stroke:#eceff3}
svg.chart .axisline,svg.chart .xticks line,svg.chart .zticks line{stroke:#9aa1ad}
svg.chart .line{fill:none;stroke-width:1.6;vector-effect:non-scaling-stroke;stroke-linejoin:round}
svg.chart .empty{fill:#fafbfc;stroke:var(--line)}
svg.chart .cross{stroke:#1d2330;stroke-dasharray:3 3}
svg.chart .sel{fill:#0b57d0;fill-opacity:.12}
svg.chart:not([data-empty]){cursor:crosshair}
.tip{position:fixed;z-index:5;pointer-events:none;background:#fff;border:1px solid var(--line);
border-radius:6px;padding:6px 8px;font-size:12px;box-shadow:0 2px 8px rgba(0,0,0,.15)}
.tip i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.tip td{border:0;padding:1px 4px}
footer{color:var(--muted);font-size:12.5px}
@media (max-width:900px){.kpis{grid-template-columns:1fr 1fr}.offenders{grid-template-columns:1fr}}
"""


@cache
def script() -> str:
    """`report.js`: sortable tables, hover values and drag-to-zoom on the time axis."""
    return resources.files("wal_telemetry_server").joinpath("report.js").read_text()


def _when(ts: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))
    except (OverflowError, OSError, ValueError):  # outside the calendar's range
        return f"{ts:.6g} s after 1970-01-01 UTC"


def duration(seconds: float) -> str:
    """A window's length as people say it: "24 h", "48 h", "30 min", "7 days"."""
    for size, unit in ((86_400, "days"), (3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0 and (unit != "days" or seconds > 2 * size):
            return f"{int(seconds // size)} {unit}"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:,.0f} s"


def _leaf_rows(tree: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    if isinstance(tree, dict):
        rows: list[tuple[str, Any]] = []
        for key, node in tree.items():
            rows += _leaf_rows(node, (*prefix, str(key)))
        return rows
    return [(" / ".join(prefix), tree)]


def _cell(value: Any, metric_type: str, aggregation: str) -> str:
    """A sortable table cell: counts as integers, other figures in the table's unit."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return f"<td>{html.escape(str(value))}</td>"
    if aggregation == "count":
        return f'<td data-v="{value}">{value:,.0f}</td>'
    shown = value * SHOWN_FACTORS.get(metric_type, 1.0)
    return f'<td data-v="{shown}">{shown:,.2f}</td>'


def _table(headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    return (
        f'<div class="table-wrap"><table class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _summary_table(metric_type: str, summary: Mapping[str, Any]) -> str:
    rows: dict[str, list[Any]] = {
        label: [] for label, _ in _leaf_rows(summary[SUMMARY_AGGREGATIONS[0]])
    }
    for aggregation in SUMMARY_AGGREGATIONS:
        for label, value in _leaf_rows(summary[aggregation]):
            rows.setdefault(label, []).append(value)
    if not rows:
        return '<p class="muted">No data in this time range.</p>'
    unit, counted, first = TABLE_UNITS[metric_type]
    headers = [first] + [
        counted if a == "count" else f"{AGGREGATION_NAMES[a]} ({unit})"
        for a in SUMMARY_AGGREGATIONS
    ]
    body = [
        f"<tr><td>{html.escape(label)}</td>"
        + "".join(
            _cell(v, metric_type, a) for v, a in zip(values, SUMMARY_AGGREGATIONS, strict=False)
        )
        + "</tr>"
        for label, values in rows.items()
    ]
    return _table(headers, body)


def _moved(delta: float | None, text: str, previous: str, *, worse: str) -> str:
    """A KPI's move, "▲ 3.1% vs previous 24 h": red when it went the `worse` way ("up" or
    "down"), green the other way, plain when `worse` is ""; `text` is the move as shown."""
    if delta is None:
        return f'<span class="muted">no data in the previous {previous}</span>'
    if delta == 0:
        return f'<span class="muted">= unchanged vs previous {previous}</span>'
    way = "up" if delta > 0 else "down"
    tone = "" if not worse else (f"{way}-bad" if way == worse else f"{way}-good")
    arrow = "▲" if delta > 0 else "▼"
    return (
        f'<span class="{tone}">{arrow} {text}</span>'
        f' <span class="muted">vs previous {previous}</span>'
    )


def _change(now: float | None, before: float | None, previous: str, *, worse: str) -> str:
    """The relative move of a figure (0 when under 0.05%)."""
    relative = change(now, before)
    if relative is not None and abs(relative) < 0.0005:
        relative = 0.0
    return _moved(relative, f"{abs(relative or 0):.1%}", previous, worse=worse)


def _points_change(now: float | None, before: float | None, previous: str) -> str:
    """A success rate's move in percentage points (a relative change of a rate misleads)."""
    points = None if now is None or before is None else (now - before) * 100
    if points is not None and abs(points) < 0.005:
        points = 0.0
    return _moved(points, f"{abs(points or 0):.2f} pp", previous, worse="down")


def _tile(label: str, value: str, moved: str, limit: str, breached: bool) -> str:
    css = "card kpi breached" if breached else "card kpi"
    return (
        f'<div class="{css}"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{value}</div><div>{moved}</div>'
        f'<div class="limit">{html.escape(limit)}</div></div>'
    )


def _kpis(head: Headline, previous: str) -> str:
    now, before, limits = head.current, head.previous, head.thresholds
    p95 = now.overall.p95_ms
    rate = now.overall.success_rate
    peak = now.queue_peak
    latency_over = p95 is not None and p95 > limits.max_latency_p95_ms
    rate_under = rate is not None and rate < limits.min_success_rate
    queue_over = peak is not None and peak > limits.max_queue_size
    last = "" if now.queue_last is None else f" <small>now {now.queue_last:,.0f}</small>"
    tiles = [
        _tile(
            "p95 latency, all operations",
            html.escape(milliseconds(p95)),
            _change(p95, before.overall.p95_ms, previous, worse="up"),
            f"{'over' if latency_over else 'limit'} {milliseconds(limits.max_latency_p95_ms)}",
            latency_over,
        ),
        _tile(
            "Success rate",
            html.escape(percent(rate)),
            _points_change(rate, before.overall.success_rate, previous),
            f"{'below' if rate_under else 'at least'} {percent(limits.min_success_rate)}"
            f" · {now.overall.failures:,} failed",
            rate_under,
        ),
        _tile(
            "Throughput",
            f"{now.throughput:,.2f} <small>ops/s</small>",
            _change(now.throughput, before.throughput if before.overall.operations else None,
                    previous, worse=""),
            f"{now.overall.operations:,} operations",
            False,
        ),
        _tile(
            "Queue size, peak",
            ("\N{EN DASH}" if peak is None else f"{peak:,.0f}") + last,
            _change(peak, before.queue_peak, previous, worse="up"),
            f"{'over' if queue_over else 'limit'} {amount(limits.max_queue_size)} operations",
            queue_over,
        ),
    ]  # fmt: skip
    return f'<div class="kpis">{"".join(tiles)}</div>'


def _verdicts(head: Headline) -> str:
    if not head.verdicts:
        return '<div class="verdicts"><div class="card muted">No backends reported.</div></div>'
    cards = []
    for v in head.verdicts:
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in v.reasons)
        colour = VERDICT_COLOURS[v.level]
        cards.append(
            f'<div class="card verdict" style="border-left-color:{colour}"'
            f' data-verdict="{html.escape(v.level)}"><b>{html.escape(v.backend)}</b>'
            f'<span class="level" style="color:{colour}">{html.escape(v.level)}</span>'
            + (f"<ul>{reasons}</ul>" if reasons else "")
            + "</div>"
        )
    return f'<div class="verdicts">{"".join(cards)}</div>'


def _pair(key: tuple[str, str]) -> str:
    return html.escape(f"{key[0]} / {key[1]}")


def _offenders(head: Headline) -> str:
    limits: Thresholds = head.thresholds
    slow_rows = [
        f"<tr><td>{_pair(k)}</td>"
        + _flagged(milliseconds(t.p95_ms), p95, p95 > limits.max_latency_p95_ms)
        + f'<td data-v="{t.operations}">{t.operations:,}</td></tr>'
        for k, t in head.slowest
        for p95 in [t.p95_ms or 0.0]
    ]
    failing_rows = [
        f"<tr><td>{_pair(k)}</td>"
        + _flagged(percent(t.failure_rate), t.failure_rate, _under(t, limits))
        + f'<td data-v="{t.failures}">{t.failures:,} of {t.operations:,}</td></tr>'
        for k, t in head.failing
    ]
    slow = (
        _table(["Operation / backend", "p95 latency", "Operations"], slow_rows)
        if slow_rows
        else '<p class="muted">No operations in this window.</p>'
    )
    failing = (
        _table(["Operation / backend", "Failure rate", "Failed of all"], failing_rows)
        if failing_rows
        else '<p class="muted">No failed operations in this window.</p>'
    )
    return (
        '<div class="offenders">'
        f'<div class="card"><h3>Slowest (p95 latency)</h3>{slow}</div>'
        f'<div class="card"><h3>Most failing (share of operations)</h3>{failing}</div></div>'
    )


def _under(t: Tally, limits: Thresholds) -> bool:
    rate = t.success_rate
    return rate is not None and rate < limits.min_success_rate


def _flagged(text: str, value: float, over: bool) -> str:
    css = ' class="over"' if over else ""
    return f'<td{css} data-v="{value}">{html.escape(text)}</td>'


def render_html(data: Mapping[str, Any], head: Headline, models: Mapping[str, ChartModel]) -> str:
    """The report page; `data` is `report.json`'s content."""
    start, end = data["start_time"], data["end_time"]
    length = duration(end - start)
    nav = "".join(f'<a href="#{t}-section">{html.escape(TITLES[t])}</a>' for t in METRIC_TYPES)
    sections = []
    for metric_type in METRIC_TYPES:
        model = models.get(metric_type)
        chart = f'<div class="chart-box">{svg_of(model)}</div>' if model is not None else ""
        heading = ' class="hidden"' if model is not None else ""  # the chart shows its title
        sections.append(
            f'<section class="card" id="{metric_type}-section">'
            f'<h2 id="{metric_type}"{heading}>{html.escape(TITLES[metric_type])}</h2>{chart}'
            + _summary_table(metric_type, data["summary"][metric_type])
            + "</section>"
        )
    links = " · ".join(
        f'<a href="{html.escape(name)}">{html.escape(name)}</a>'
        for name in data["files"]
        if name not in ("report.html", "index.html")
    )
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>WAL telemetry report {html.escape(data['report_id'])}</title>",
            f"<style>{STYLE}</style>",
            "</head><body><main>",
            "<header><h1>WAL telemetry report</h1>"
            f'<span class="window">{_when(start)} → {_when(end)} ({length})</span>'
            f'<span class="muted">compared with the previous {length} · generated'
            f" {_when(data['generated_at'])}</span></header>",
            _verdicts(head),
            _kpis(head, length),
            _offenders(head),
            f'<nav>{nav}<button type="button" id="reset-zoom" hidden>Reset zoom</button></nav>',
            '<p class="muted">Hover a chart for its values; drag across a chart to zoom every'
            " chart to that time; double-click to zoom out. Click a column header to sort.</p>",
            *sections,
            f"<footer>Files: {links}</footer>",
            f"</main><script>{script()}</script></body></html>",
        ]
    )

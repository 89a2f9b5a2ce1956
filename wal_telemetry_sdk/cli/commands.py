"""`wal-telemetry` commands: each is a thin shell over one client call and one rendering.

Only click is imported up front: the client, rich and the renderings load when a command runs,
so `--help` stays quick.
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wal_telemetry_sdk.cli import checks
from wal_telemetry_sdk.cli.exporter import alerts, exporter
from wal_telemetry_sdk.cli.times import parse_interval, parse_time
from wal_telemetry_sdk.errors import WALTelemetryError

if TYPE_CHECKING:
    from rich.console import Console

    from wal_telemetry_sdk._sync.client import WALTelemetryClient


@functools.cache
def console() -> Console:
    """The terminal that results are printed to."""
    from rich.console import Console

    return Console()


class EnumChoice(click.Choice):  # type: ignore[type-arg]  # not generic before click 8.2
    """The values of one of the SDK's enums, read when a command parses or describes them."""

    def __init__(self, enum_name: str) -> None:
        self.enum_name = enum_name
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        from wal_telemetry_sdk import enums

        return tuple(member.value for member in getattr(enums, self.enum_name))

    @choices.setter
    def choices(self, _: Sequence[str]) -> None:
        """`click.Choice` stores its choices here; these come from the enum instead."""


METRIC_TYPES = EnumChoice("TelemetryMetricType")
AGGREGATIONS = EnumChoice("TelemetryAggregation")


class Context:
    """Global options, turned into a client on first use."""

    def __init__(
        self,
        url: str | None,
        api_key: str | None,
        timeout: float | None,
        verify_ssl: bool | None,
        debug: bool,
    ) -> None:
        self.options: dict[str, Any] = {
            "base_url": url,
            "api_key": api_key,
            "timeout": timeout,
            "verify_ssl": verify_ssl,
        }
        self.debug = debug

    @contextmanager
    def client(self) -> Iterator[WALTelemetryClient]:
        from wal_telemetry_sdk._sync.client import WALTelemetryClient

        checks.server_root(self.options["base_url"])
        with WALTelemetryClient(**self.options) as client, checks.reachable(client):
            yield client


pass_context = click.make_pass_decorator(Context)


def time_option(name: str, help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A `--start`/`--end` option parsed by `parse_time`."""

    def convert(_: click.Context, __: click.Parameter, value: str | None) -> float | None:
        try:
            return None if value is None else parse_time(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None

    return click.option(name, callback=convert, help=help_text)


def filter_options(function: Any) -> Any:
    """The filters shared by metrics, time series and charts."""
    options: list[Any] = [
        click.option(
            "--operation", "operation_type", help="Only this operation type (e.g. append)."
        ),
        click.option("--backend", help="Only this backend (e.g. json, ipfs, s3)."),
        click.option("--status", help="Only operations with this status (e.g. success)."),
        time_option("--start", "Start: Unix seconds, ISO 8601, or an age like 24h."),
        time_option("--end", "End: Unix seconds, ISO 8601, 'now', or an age like 1h."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def window(start: float | None, end: float | None) -> tuple[float, float] | None:
    """A `(start, end)` range when either bound is given; the open side is 24 h ago or now."""
    checks.ordered(start, end)
    if start is None and end is None:
        return None
    end = end if end is not None else parse_time("now")
    return (start if start is not None else end - 86400, end)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--url", envvar="WAL_TELEMETRY_API_URL", help="Server URL [env WAL_TELEMETRY_API_URL]."
)
@click.option(
    "--api-key", envvar="WAL_TELEMETRY_API_KEY", help="API key [env WAL_TELEMETRY_API_KEY]."
)
@click.option(
    "--timeout", type=float, help="Request timeout in seconds [env WAL_TELEMETRY_TIMEOUT]."
)
@click.option(
    "--no-verify-ssl",
    is_flag=True,
    help="Skip TLS certificate checks [env WAL_TELEMETRY_VERIFY_SSL=0].",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and HTTP debug logs.")
@click.pass_context
def cli(
    ctx: click.Context,
    url: str | None,
    api_key: str | None,
    timeout: float | None,
    no_verify_ssl: bool,
    debug: bool,
) -> None:
    """Query, monitor and chart the WAL telemetry API."""
    if debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
    ctx.obj = Context(url, api_key, timeout, False if no_verify_ssl else None, debug)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def realtime(ctx: Context, as_json: bool) -> None:
    """The latest real-time metrics."""
    from wal_telemetry_sdk.cli import render

    with ctx.client() as client:
        metrics = client.get_realtime_metrics()
    print_json(metrics.to_dict()) if as_json else console().print(render.realtime_table(metrics))


@cli.command()
@click.option("--type", "metric_type", type=METRIC_TYPES, help="Metric type.")
@filter_options
@click.option("--aggregation", type=AGGREGATIONS, help="Reduce each series to one number.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def metrics(
    ctx: Context,
    metric_type: str | None,
    operation_type: str | None,
    backend: str | None,
    status: str | None,
    start: float | None,
    end: float | None,
    aggregation: str | None,
    as_json: bool,
) -> None:
    """Stored metrics, filtered and optionally aggregated."""
    from wal_telemetry_sdk.cli import render

    with ctx.client() as client:
        result = client.get_metrics(
            metric_type=metric_type,
            operation_type=operation_type,
            backend=backend,
            status=status,
            time_range=window(start, end),
            aggregation=aggregation,
        )
        checks.known_filters(client, result.series, operation_type, backend)
    print_json(result.to_dict()) if as_json else console().print(render.metrics_table(result))


@cli.command()
@click.argument("metric_type", type=METRIC_TYPES)
@filter_options
@click.option(
    "--interval",
    default="hour",
    show_default=True,
    help="hour, day, week, or a step such as 900, 15m, 6h.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write timestamp,series,value rows to this file ('-' for stdout).",
)
@click.option("--no-sparkline", is_flag=True, help="Leave out the sparkline column.")
@pass_context
def timeseries(
    ctx: Context,
    metric_type: str,
    operation_type: str | None,
    backend: str | None,
    status: str | None,
    start: float | None,
    end: float | None,
    interval: str,
    csv_path: str | None,
    no_sparkline: bool,
) -> None:
    """A metric bucketed over time, with trends and anomalies."""
    from wal_telemetry_sdk.cli import render

    checks.ordered(start, end)
    with ctx.client() as client:
        try:
            result = client.get_metrics_over_time(
                metric_type,
                operation_type=operation_type,
                backend=backend,
                status=status,
                start_time=start,
                end_time=end,
                interval=parse_interval(interval),
            )
        except ValueError as error:
            if "interval" not in str(error):
                raise
            message = checks.bucket_count(interval, start, end) or str(error)
            raise click.BadParameter(message, param_hint="'--interval'") from None
        checks.known_filters(
            client, [s for b in result.time_series for s in b.series], operation_type, backend
        )
    series = result.series
    if csv_path:
        write_csv(series, csv_path)
        if csv_path == "-":
            return
    console().print(render.timeseries_table(series, spark=not no_sparkline))


def write_csv(series: Any, path: str) -> None:
    """Rows of `timestamp,series,value`, oldest first within each series."""
    with click.open_file(path, "w", atomic=path != "-") as stream:
        writer = csv.writer(stream)
        writer.writerow(["timestamp", "series", "value"])
        for labels in series.labels:
            for moment, value in series[labels]:
                writer.writerow([moment, ":".join(labels), value])


@cli.command()
@click.option(
    "--interval", type=float, default=5.0, show_default=True, help="Seconds between ticks."
)
@click.option(
    "--duration", type=float, help="Stop after this many seconds (default: until Ctrl-C)."
)
@click.option(
    "--alert",
    "alerts",
    multiple=True,
    help="A rule such as 'operation_latency.percentile_95>500' or "
    "'success_rate.value<0.99 for 3'. Repeatable.",
)
@pass_context
def monitor(ctx: Context, interval: float, duration: float | None, alerts: tuple[str, ...]) -> None:
    """A live view of real-time metrics, with alerts.

    The table says when its reading was taken; while fetches fail it is dimmed and marked
    "stale since <time>, <n> errors". Exit status: 0 when every reading succeeded, 1 when any
    failed, 2 for a rule or option that cannot be used.
    """
    from rich.console import Group, RenderableType
    from rich.live import Live
    from rich.text import Text

    from wal_telemetry_sdk._schedule import MonitorTick
    from wal_telemetry_sdk.alerts import AlertEvaluator, AlertEvent, metric_type_of
    from wal_telemetry_sdk.cli import render
    from wal_telemetry_sdk.models import RealtimeMetrics
    from wal_telemetry_sdk.units import formatted

    try:  # every rule is read and checked before the first request
        rules = AlertEvaluator(alerts).rules
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--alert'") from None
    failed, last_problem = 0, ""  # failed readings, and why the latest one failed

    def on_alert(event: AlertEvent) -> None:
        colour = "red" if event.state == "firing" else "green"
        kind = metric_type_of(event.rule.field)
        live.console.print(
            f"[{colour}]{event.state.upper()}[/] {event.rule.name}: "
            f"{formatted(kind, event.value)} (threshold {formatted(kind, event.rule.threshold)})"
        )

    def on_error(error: BaseException, iteration: int) -> None:
        nonlocal failed, last_problem
        failed, last_problem = failed + 1, checks.describe(error, client)

    def show(metrics: RealtimeMetrics | None, iteration: int, tick: MonitorTick) -> None:
        view: RenderableType = (
            render.freshness(tick) if metrics is None else render.realtime_table(metrics, tick)
        )
        if not tick.fresh:  # why, below the table, at the terminal's width
            view = Group(view, Text(f"last error: {last_problem}", style="red"))
        live.update(view, refresh=True)

    with ctx.client() as client, Live(console=console(), auto_refresh=False) as live:
        client.monitor_realtime(
            show,
            interval=interval,
            duration=duration,
            alerts=rules,
            on_alert=on_alert,
            on_error=on_error,
        )
    if failed:
        console().print(f"[red]readings failed: {failed}[/]; the last: {last_problem}")
        raise SystemExit(1)


@cli.command()
@time_option("--start", "Start: Unix seconds, ISO 8601, or an age like 24h (default 24h).")
@time_option("--end", "End: Unix seconds, ISO 8601, or 'now' (default now).")
@click.option("--wait", is_flag=True, help="Wait until the report's files are written.")
@click.option(
    "--output",
    type=click.Path(file_okay=False),
    help="Download every file into DIR (implies --wait).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the report in a browser.")
@click.option(
    "--wait-timeout",
    type=float,
    default=300,
    show_default=True,
    help="Seconds to wait for the report.",
)
@click.option(
    "--max-p95-ms",
    "max_latency_p95_ms",
    type=click.FloatRange(min=0),
    help="Flag p95 latency above this many ms (server default 1000).",
)
@click.option(
    "--min-success-rate",
    type=click.FloatRange(0, 1),
    help="Flag success rates below this fraction, e.g. 0.995 (server default 0.99).",
)
@click.option(
    "--max-queue-size",
    type=click.FloatRange(min=0),
    help="Flag a queue peak above this many operations (server default 250).",
)
@pass_context
def report(
    ctx: Context,
    start: float | None,
    end: float | None,
    wait: bool,
    output: str | None,
    open_browser: bool,
    wait_timeout: float,
    max_latency_p95_ms: float | None,
    min_success_rate: float | None,
    max_queue_size: float | None,
) -> None:
    """Generate a performance report, judged by the thresholds given (else the server's)."""
    import webbrowser

    thresholds: dict[str, Any] = {  # None: the server's default
        "max_latency_p95_ms": max_latency_p95_ms,
        "min_success_rate": min_success_rate,
        "max_queue_size": max_queue_size,
    }

    from wal_telemetry_sdk._arguments import absolute_url, report_file_url

    with ctx.client() as client:
        if not (wait or output):
            result = client.generate_report(
                start_time=start, end_time=end, open_browser=open_browser, **thresholds
            )
            url = absolute_url(client.base_url, result.report_url or "")
            console().print(f"report {result.report_id} started: {url}")
            return
        with console().status("writing report…") as status:
            poller = client.begin_generate_report(
                start_time=start,
                end_time=end,
                on_progress=lambda progress: status.update(
                    f"report {progress.state}: {len(progress.files)} files"
                ),
                **thresholds,
            )
            poller.result(timeout=wait_timeout)
        console().print(f"report {poller.report_id} complete")
        if output:
            paths = client.download_report(poller.report_id, output)
            console().print(f"downloaded {len(paths)} files to {output}")
            target = str(Path(output, "report.html").resolve().as_uri())
        else:
            target = report_file_url(client.base_url, poller.report_id, "report.html")
        console().print(target)
        if open_browser:
            webbrowser.open(target)


@cli.command()
@click.argument("metric_type", type=METRIC_TYPES)
@filter_options
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Save the PNG here (default METRIC.png)."
)
@click.option(
    "--width", type=int, default=12, show_default=True, help="Width in inches (100 px each)."
)
@click.option(
    "--height", type=int, default=8, show_default=True, help="Height in inches (100 px each)."
)
@click.option(
    "--source",
    type=click.Choice(["auto", "server", "client"]),
    default="auto",
    show_default=True,
    help="Who renders: the server, this machine, or server with fallback.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the chart afterwards.")
@pass_context
def chart(
    ctx: Context,
    metric_type: str,
    operation_type: str | None,
    backend: str | None,
    status: str | None,
    start: float | None,
    end: float | None,
    output: str | None,
    width: int,
    height: int,
    source: str,
    open_browser: bool,
) -> None:
    """Render a chart of a metric type to a PNG file (its folder is created if missing)."""
    target = Path(output or f"{metric_type}.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    with ctx.client() as client:
        result = client.get_visualization(
            metric_type=metric_type,
            operation_type=operation_type,
            backend=backend,
            status=status,
            time_range=window(start, end),
            width=width,
            height=height,
            save_path=target,
            open_browser=open_browser,
            source=source,
        )
    console().print(
        f"saved {result.saved_path} ({result.source}-rendered, {width * 100}x{height * 100} px)"
    )


@cli.group()
def config() -> None:
    """Read or change the telemetry settings."""


@config.command("get")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@pass_context
def config_get(ctx: Context, as_json: bool) -> None:
    """Show the current settings."""
    from wal_telemetry_sdk.cli import render

    with ctx.client() as client:
        result = client.get_config()
    settings = result.config.to_dict()
    print_json(settings) if as_json else console().print(
        render.key_value_table("settings", settings.items())
    )


@config.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@pass_context
def config_set(ctx: Context, assignments: tuple[str, ...]) -> None:
    """Change settings, e.g. `retention_days=14 enable_detailed_timing=false`."""
    from wal_telemetry_sdk.cli import render

    changes = dict(parse_assignment(text) for text in assignments)
    with ctx.client() as client:
        result = client.update_config(**changes)
    console().print(render.key_value_table("settings", result.config.to_dict().items()))
    if result.warning:
        console().print(f"[yellow]warning:[/] {result.warning}")


def parse_assignment(text: str) -> tuple[str, Any]:
    """`key=value` with the value read as JSON when it is JSON (numbers, true/false), else text."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="KEY=VALUE")
    key = checks.setting(key.strip())
    lowered = raw.strip().lower()
    if lowered in {"true", "yes", "on"}:
        return key, True
    if lowered in {"false", "no", "off"}:
        return key, False
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


SERVER_ARGUMENTS = {"ignore_unknown_options": True, "allow_extra_args": True}


@cli.command(context_settings=SERVER_ARGUMENTS, add_help_option=False)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def serve(arguments: tuple[str, ...]) -> None:
    """Run the reference server (extra `[server]`); `serve --help` lists its options."""
    raise SystemExit(run_server_module("wal_telemetry_server.entry", arguments))


@cli.command(context_settings=SERVER_ARGUMENTS, add_help_option=False)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def demo(arguments: tuple[str, ...]) -> None:
    """Start a seeded reference server and run the whole dashboard flow against it."""
    raise SystemExit(run_server_module("wal_telemetry_server.demo", arguments))


def run_server_module(module: str, arguments: tuple[str, ...]) -> int:
    """Run one of the reference server's entry points in its own process; its exit status."""
    import importlib.util
    import signal
    import subprocess

    needed = ("wal_telemetry_server", "starlette", "uvicorn", "matplotlib")
    if missing := [name for name in needed if importlib.util.find_spec(name) is None]:
        raise click.ClickException(
            f"the reference server needs {', '.join(missing)}: "
            "pip install 'wal-telemetry-sdk[server]'"
        )
    child = subprocess.Popen([sys.executable, "-m", module, *arguments])
    signal.signal(signal.SIGTERM, lambda number, frame: child.send_signal(number))
    try:
        return child.wait()
    except KeyboardInterrupt:  # the child got the same Ctrl-C and shuts down on its own
        return child.wait()


cli.add_command(exporter)
cli.add_command(alerts)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line and a non-zero exit on errors; tracebacks only with --debug."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=argv, prog_name="wal-telemetry", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:  # usage errors too: one line, not the usage text
        click.echo(f"error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except (WALTelemetryError, ValueError, OSError, TimeoutError, ImportError) as error:
        if debug:
            raise
        named = isinstance(error, WALTelemetryError)  # the class says what kind of failure
        click.echo(f"error: {type(error).__name__ + ': ' if named else ''}{error}", err=True)
        sys.exit(1)

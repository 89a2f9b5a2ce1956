"""`wal-telemetry exporter` (extra `[prometheus]`) and `wal-telemetry alerts export`."""

import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from wal_telemetry_sdk._files import save_atomically
from wal_telemetry_sdk.cli.times import parse_interval

DEFAULT_LISTEN = "127.0.0.1:9822"
CONFIG_KEYS = ("listen", "scrape_timeout", "target", "allow")
EXTRA_HINT = (
    "the exporter needs the [prometheus] extra: pip install 'wal-telemetry-sdk[prometheus]'"
)


def parse_listen(text: str) -> tuple[str, int]:
    """`HOST:PORT`, `[::1]:PORT` or `:PORT` (every interface) as a host and a port."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise click.BadParameter(
            f"{text!r} is not HOST:PORT (e.g. {DEFAULT_LISTEN})", param_hint="--listen"
        )
    return host.removeprefix("[").removesuffix("]"), int(port)


@click.command()
@click.option(
    "--listen", help=f"HOST:PORT to serve /metrics and /probe on [default {DEFAULT_LISTEN}]."
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="URL",
    help="A server root URL to read on every /metrics scrape. Repeatable.",
)
@click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="PATTERN",
    help="Other URLs /probe may read, e.g. 'http://wal-*.internal:8000'. Repeatable.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="TOML file with targets, allow patterns and their API keys.",
)
@click.option(
    "--scrape-timeout",
    type=float,
    help="Seconds a scrape may take [default 10, less if Prometheus waits less].",
)
@click.pass_context
def exporter(
    ctx: click.Context,
    listen: str | None,
    targets: tuple[str, ...],
    allow: tuple[str, ...],
    config_path: str | None,
    scrape_timeout: float | None,
) -> None:
    """Serve the WAL telemetry of one or many servers to Prometheus.

    API keys come from WAL_TELEMETRY_API_KEY or, per target, from the config file.
    """
    parent = ctx.parent
    if (
        parent is not None
        and parent.get_parameter_source("api_key") is click.core.ParameterSource.COMMANDLINE
    ):
        raise click.UsageError(
            "the exporter does not take --api-key (other users can see the command line): "
            "set WAL_TELEMETRY_API_KEY or give api_key_file/api_key_env in --config"
        )
    try:
        from wal_telemetry_sdk.exporter.server import DEFAULT_SCRAPE_TIMEOUT, Exporter, serve
    except ImportError as error:
        if "prometheus_client" not in str(error):
            raise
        raise click.ClickException(EXTRA_HINT) from None
    from wal_telemetry_sdk.exporter.targets import load_config

    try:
        target_set, settings = load_config(config_path, targets, allow)
    except ValueError as error:
        hint = "--config" if config_path else "--target/--allow"
        raise click.BadParameter(str(error), param_hint=hint) from None
    unknown = set(settings) - set(CONFIG_KEYS)
    if unknown:
        raise click.BadParameter(
            f"{config_path}: unknown setting {', '.join(sorted(unknown))}; "
            f"valid: {', '.join(CONFIG_KEYS)}",
            param_hint="--config",
        )
    if not target_set.targets and not target_set.allow:
        raise click.UsageError(
            "give at least one --target URL (or targets or allow patterns in --config)"
        )
    timeout = (
        scrape_timeout
        if scrape_timeout is not None
        else settings.get("scrape_timeout", DEFAULT_SCRAPE_TIMEOUT)
    )
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise click.BadParameter(
            f"must be a number of seconds above 0, got {timeout!r}", param_hint="--scrape-timeout"
        )
    host, port = parse_listen(listen or str(settings.get("listen", DEFAULT_LISTEN)))
    app = Exporter(target_set, float(timeout))
    try:
        server = serve(app, host, port)
    except OSError as error:
        app.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {error.strerror or error}"
        ) from None
    shown = f"[{host}]" if ":" in host else host or "0.0.0.0"
    click.echo(
        f"WAL telemetry exporter listening on http://{shown}:{server.server_port} "
        f"(/metrics reads {len(target_set.targets)} target(s); "
        f"/probe allows {len(target_set.allow)} pattern(s) besides them)",
    )
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.close()


@click.group()
def alerts() -> None:
    """SDK alert rules for Prometheus."""


@alerts.command("export")
@click.argument("rules", nargs=-1, metavar="RULE...")
@click.option(
    "--file",
    "rules_file",
    type=click.File("r"),
    help="Read rules from this file, one per line ('#' starts a comment).",
)
@click.option(
    "--interval",
    default="15s",
    show_default=True,
    help="Prometheus's evaluation interval; one SDK tick each.",
)
@click.option(
    "--severity", default="warning", show_default=True, help="The severity label of every alert."
)
@click.option(
    "--group", "group", default="wal-telemetry", show_default=True, help="The rule group's name."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the rule file here (default: print it).",
)
def alerts_export(
    rules: tuple[str, ...],
    rules_file: Any,
    interval: str,
    severity: str,
    group: str,
    output: str | None,
) -> None:
    """Turn SDK alert rules into Prometheus alerting rules.

    RULE is what `monitor --alert` takes, e.g. 'operation_latency.percentile_95 > 500 for 3'.
    """
    from wal_telemetry_sdk.exporter.rules import prometheus_rules, read_rule_lines

    texts = [*rules, *(read_rule_lines(rules_file.read()) if rules_file else [])]
    if not texts:
        raise click.UsageError("give at least one RULE (or --file)")
    try:
        seconds = parse_interval(interval)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--interval") from None
    if isinstance(seconds, str) or not seconds > 0:
        raise click.BadParameter(
            f"{interval!r} is not a step such as 15s or 1m", param_hint="--interval"
        )
    try:
        text = prometheus_rules(texts, interval=seconds, group=group, severity=severity)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="RULE") from None
    if output is None:
        click.echo(text, nl=False)
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    save_atomically(output, text.encode())
    click.echo(f"wrote {len(texts)} rule(s) to {output}", err=True)

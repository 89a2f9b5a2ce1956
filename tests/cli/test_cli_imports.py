"""`--help` loads click and the command definitions only: the client, httpx, the generated
package and rich load when a command runs. A command that offers metric types reads them from
the generated enums, and loads those modules alone of the generated package for its `--help`."""

import click
import pytest

from tests.fresh_interpreter import GENERATED_ENUMS, generated, loaded_after
from wal_telemetry_sdk.cli import main
from wal_telemetry_sdk.cli.commands import EnumChoice, cli

# What printing help never needs.
NEVER = ("wal_telemetry_sdk._sync.client", "wal_telemetry_sdk.models", "matplotlib", "pandas")
# What only commands that run need (httpx brings rich along when click is installed).
CLIENT = ("httpx", "wal_telemetry_api_client.client", "attrs", "rich")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under `group` that has a `--help` of its own."""
    paths: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if command.add_help_option:
            paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


def help_loads(*path: str) -> set[str]:
    return loaded_after(
        "from wal_telemetry_sdk.cli import main\n"
        f"try:\n    main({[*path, '--help']!r})\nexcept SystemExit:\n    pass"
    )


def test_help_loads_neither_httpx_nor_the_generated_client() -> None:
    modules = help_loads()
    assert "click" in modules
    assert not modules & {*NEVER, *CLIENT}
    assert not generated(modules)


@pytest.mark.parametrize("path", command_paths(cli), ids=" ".join)
def test_every_commands_help_loads_no_client(path: tuple[str, ...]) -> None:
    command = cli
    for name in path:
        command = command.commands[name]
    modules = help_loads(*path)
    assert not modules & {*NEVER, *CLIENT}
    if any(isinstance(param.type, EnumChoice) for param in command.params):
        assert generated(modules) == GENERATED_ENUMS
    else:
        assert not generated(modules)


def test_a_help_with_metric_types_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    main(["metrics", "--help"])
    assert "--type [backend_health|error_rate|" in capsys.readouterr().out

"""Target URLs, the `/probe` allow-list and where API keys come from."""

from pathlib import Path

import pytest

from wal_telemetry_sdk.exporter.targets import (
    AllowPattern,
    ProbeRefused,
    Target,
    TargetSet,
    load_config,
    normalized_url,
)

CONFIGURED = TargetSet(
    (Target("http://wal-1.internal:8000", "key-1"),),
    (AllowPattern("http://wal-*.internal:8000", "fleet-key"),),
)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://127.0.0.1:8000",
        "http://wal-x.evil.example/.internal:8000",
        "http://wal-x.evil.example#.internal:8000",
        "http://wal-1.internal:8000@evil.example:8000",
        "http://user@wal-1.internal:8000",
        "http://wal-1.internal:8001",
        "https://wal-1.internal:8000",
        "http://wal-1.internal:8000/admin",
        "http://wal-1.internal:8000?x=1",
        "file:///etc/passwd",
        "wal-1.internal:8000",
        "",
    ],
)
def test_probe_refuses_urls_outside_the_configuration(url: str) -> None:
    with pytest.raises(ProbeRefused):
        CONFIGURED.probe_target(url)


def test_probe_takes_configured_and_allowed_urls_in_any_spelling() -> None:
    assert CONFIGURED.probe_target("HTTP://WAL-1.internal:8000/").api_key == "key-1"
    allowed = CONFIGURED.probe_target("http://wal-17.internal:8000")
    assert (allowed.url, allowed.api_key) == ("http://wal-17.internal:8000", "fleet-key")
    assert (
        TargetSet((Target("http://node"),)).probe_target("http://node:80").url == "http://node:80"
    )


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://node", "http:// or https://"),
        ("http://k:secret@node", "credentials"),
        ("http://node:8000/api/v0/wal/telemetry", "root URL"),
        ("http://node:99999", "not a URL"),
    ],
)
def test_target_urls_must_be_server_roots(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        normalized_url(url)


def test_bad_allow_patterns_are_refused() -> None:
    with pytest.raises(ValueError, match="must look like"):
        AllowPattern("http://*/")


def test_config_file_gives_keys_from_a_file_the_environment_or_itself(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    config = tmp_path / "exporter.toml"
    config.write_text(
        f"""scrape_timeout = 3
[[target]]
url = "http://a:8000"
api_key_file = "{secret}"
[[target]]
url = "http://b:8000"
api_key_env = "B_KEY"
[[target]]
url = "http://c:8000"
api_key = "inline"
[[allow]]
pattern = "http://n-*:8000"
"""
    )
    targets, settings = load_config(config, ["http://d:8000"], environ={"B_KEY": "from-env"})
    keys = {target.url: target.api_key for target in targets.targets}
    assert keys == {
        "http://d:8000": None,  # the client falls back to WAL_TELEMETRY_API_KEY
        "http://a:8000": "from-file",
        "http://b:8000": "from-env",
        "http://c:8000": "inline",
    }
    assert settings == {"scrape_timeout": 3}
    assert targets.probe_target("http://n-4:8000").api_key is None
    assert "from-file" not in repr(targets)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('url = "http://a"\napi_key_env = "UNSET"', "UNSET.*is not set"),
        ('url = "http://a"\napi_key_file = "/nonexistent/key"', "cannot read api_key_file"),
        ('url = "http://a"\napi_key = "x"\napi_key_env = "X"', "only one of"),
        ('url = "http://a"\napikey = "x"', "unknown setting apikey"),
        ('api_key = "x"', "url must be"),
    ],
)
def test_config_file_mistakes_name_the_entry(tmp_path: Path, entry: str, problem: str) -> None:
    config = tmp_path / "exporter.toml"
    config.write_text(f"[[target]]\n{entry}\n")
    with pytest.raises(ValueError, match=f"target 1: .*{problem}"):
        load_config(config, environ={})


def test_unreadable_config_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "exporter.toml"
    config.write_text("[[target]\n")
    with pytest.raises(ValueError, match=r"cannot read config file .*exporter\.toml"):
        load_config(config)

"""`python -m wal_telemetry_sdk.cli`, the same as `wal-telemetry`."""

from wal_telemetry_sdk.cli import main

main()

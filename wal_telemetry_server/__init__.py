"""Reference server for the WAL telemetry API."""

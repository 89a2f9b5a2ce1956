"""The Prometheus exporter (extra `[prometheus]`): WAL telemetry of remote nodes as metrics.

`families` says which Prometheus families come from which SDK fields, in Prometheus units;
`targets` holds the configured nodes and the `/probe` allow-list; `scrape` reads them all
concurrently; `server` serves `/metrics` and `/probe`; `rules` turns the SDK's alert rules into
Prometheus alerting rules. Only `scrape` and `server` need `prometheus-client`.
"""

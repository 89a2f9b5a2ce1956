// Generated from openapi.yaml (TelemetryMetricType x-unit) by scripts/generate_ts_units.py; do not edit.

/** Each metric type's unit in results (`unit`) and as servers send it (`sentIn`). */
export const METRIC_UNITS: Readonly<Record<string, { unit: string; sentIn: string }>> = {};

// Generated from openapi.yaml (TelemetryMetricType x-unit) by scripts/generate_ts_units.py; do not edit.

/** Each metric type's unit in results (`unit`) and as servers send it (`sentIn`). */
export const METRIC_UNITS: Readonly<Record<string, { unit: string; sentIn: string }>> = {
  "operation_count": {
    "unit": "operations",
    "sentIn": "operations"
  },
  "operation_latency": {
    "unit": "ms",
    "sentIn": "s"
  },
  "success_rate": {
    "unit": "ratio",
    "sentIn": "ratio"
  },
  "error_rate": {
    "unit": "ratio",
    "sentIn": "ratio"
  },
  "backend_health": {
    "unit": "health",
    "sentIn": "health"
  },
  "throughput": {
    "unit": "ops/s",
    "sentIn": "ops/s"
  },
  "queue_size": {
    "unit": "operations",
    "sentIn": "operations"
  },
  "retry_count": {
    "unit": "retries",
    "sentIn": "retries"
  }
};

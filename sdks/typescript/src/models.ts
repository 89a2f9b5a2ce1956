/**
 * Typed results, the same shapes as the Python SDK's (`wal_telemetry_sdk.models`), whichever
 * server dialect sent them. Field names stay as the API spells them (snake_case), so a result
 * reads like the JSON on the wire and like the Python result's `to_dict()`.
 *
 * Unknown fields a newer server sends are kept in `extra`; `toDict()` merges them back in, as
 * Python's `to_dict()` does. A value the server did not send and that cannot be derived is
 * `null`, never a guess.
 */

import type { components } from "./generated/openapi.js";

/** A metric type the spec knows. */
export type TelemetryMetricType = components["schemas"]["TelemetryMetricType"];
/** An aggregation the spec knows. */
export type TelemetryAggregation = components["schemas"]["TelemetryAggregation"];
/** A report state the spec knows. */
export type ReportState = components["schemas"]["ReportState"];

/**
 * A value from a server-sent enum: a known member, or a newer value kept as a string.
 * (`string & {}` keeps the known members visible to editors' completion.)
 */
export type Open<T extends string> = T | (string & {});

/** Fields a server sent that this version of the client does not know. */
export type Extra = Record<string, unknown>;

/** Overall latency of recent operations, in milliseconds; null where the server cannot say. */
export interface LatencySummary {
  average: number | null;
  median: number | null;
  minimum: number | null;
  maximum: number | null;
  percentile_95: number | null;
  percentile_99: number | null;
  count: number;
}

/** One overall value (null when unknown) and the per-`operation:backend` values behind it. */
export interface ValueSummary {
  value: number | null;
  by_key: Record<string, number>;
}

/** Latency of one `operation:backend` pair, in seconds, as servers send it. */
export interface LatencyStats {
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  percentile_95: number | null;
  count: number;
}

/** The health of one backend: value 1.0 online, 0.5 degraded, 0.0 offline. */
export interface BackendHealth {
  status: Open<components["schemas"]["BackendState"]> | null;
  value: number | null;
}

/** The latest real-time metrics, the same shape whichever server dialect sent them. */
export interface RealtimeMetrics {
  success: boolean;
  operation: string | null;
  timestamp: number | null;
  window_seconds: number | null;
  operation_latency: LatencySummary;
  success_rate: ValueSummary;
  error_rate: ValueSummary;
  throughput: ValueSummary;
  operation_count: ValueSummary;
  queue_size: ValueSummary;
  retry_count: ValueSummary;
  backend_health: Record<string, BackendHealth>;
  latency: Record<string, LatencyStats>;
  status_distribution: Record<string, number>;
  extra: Extra;
}

/**
 * A metrics tree: labels down to series of `[timestamp, value]` points or single numbers (the
 * spec's `MetricsTree`; a null leaf some servers send is kept as null).
 */
export interface MetricsTree {
  [label: string]: MetricsNode;
}

/** A subtree, a series of `[timestamp, value]` points, one aggregated number, or null. */
export type MetricsNode = MetricsTree | number[][] | number | null;

/** One leaf of a metrics tree: its labels, and its points or (aggregated) one value. */
export interface MetricSeries {
  labels: string[];
  points: [number, number][];
  value: number | null;
}

/** Stored metrics: the raw label tree and the same data as a flat list of series. */
export interface MetricsResult {
  success: boolean;
  operation: string | null;
  timestamp: number | null;
  metric_type: Open<TelemetryMetricType> | null;
  aggregation: Open<TelemetryAggregation> | null;
  metrics: MetricsTree;
  series: MetricSeries[];
  extra: Extra;
}

/** A report the server started writing; `report_id` is derived when the server leaves it out. */
export interface ReportResult {
  success: boolean;
  operation: string | null;
  timestamp: number | null;
  report_id: string | null;
  report_path: string | null;
  report_url: string | null;
  status: Open<ReportState> | null;
  extra: Extra;
}

/** The progress of a report and the files it has so far (reference server only). */
export interface ReportStatusResult {
  success: boolean | null;
  report_id: string;
  status: Open<ReportState>;
  files: string[];
  created_at: number | null;
  completed_at: number | null;
  extra: Extra;
}

/** The telemetry settings; a setting the server does not report is null. */
export interface TelemetryConfig {
  enabled: boolean | null;
  metrics_path: string | null;
  retention_days: number | null;
  sampling_interval: number | null;
  enable_detailed_timing: boolean | null;
  operation_hooks: boolean | null;
  extra: Extra;
}

/** The settings as the server reports them, with a warning about changes needing a restart. */
export interface ConfigResult {
  success: boolean;
  operation: string | null;
  timestamp: number | null;
  config: TelemetryConfig;
  warning: string | null;
  extra: Extra;
}

/** A file from the server (a report file or a chart), and where it was saved, if anywhere. */
export interface FileResult {
  url: string;
  content: Uint8Array | null;
  content_type: string | null;
  saved_path: string | null;
  opened_in_browser: boolean;
}

/** The metrics of one time bucket: its bounds, its midpoint, its tree and series. */
export interface MetricsBucket {
  start_time: number;
  end_time: number;
  timestamp: number;
  metrics: MetricsTree;
  series: MetricSeries[];
}

/** A metric bucketed over time by the server (`getTimeSeries`, reference server only). */
export interface TimeSeriesResult {
  success: boolean;
  operation: string | null;
  timestamp: number | null;
  metric_type: Open<TelemetryMetricType> | null;
  aggregation: Open<TelemetryAggregation> | null;
  start_time: number | null;
  end_time: number | null;
  step: number | null;
  buckets: MetricsBucket[];
  extra: Extra;
}

/** A metric over consecutive time buckets, oldest first (the seed's `time_series`). */
export interface MetricsOverTime {
  metric_type: TelemetryMetricType;
  start_time: number;
  end_time: number;
  /** 'hour', 'day', 'week' or a step in seconds. */
  interval: string | number;
  time_series: MetricsBucket[];
  /** How it was fetched: "timeseries" (one server-side query) or "per-bucket"; null if empty. */
  source: "timeseries" | "per-bucket" | null;
}

/** Results made by this client; only their `extra` is merged by `toDict()`. */
const RESULTS = new WeakSet<object>();

/** Mark `value` as a result object, whose `extra` map `toDict()` merges back in. */
export function asResult<T extends object>(value: T): T {
  RESULTS.add(value);
  return value;
}

/**
 * Plain JSON data of a result, as Python's `to_dict()` gives it: the `extra` map of every
 * result object merged into it (known fields win), nested results and arrays converted too.
 * Label maps such as metrics trees are copied as they are, even with a label named "extra".
 */
export function toDict(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(toDict);
  }
  if (value instanceof Uint8Array || value === null || typeof value !== "object") {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const plain: Record<string, unknown> = {};
  if (RESULTS.has(value)) {
    Object.assign(plain, (value as { extra?: Extra }).extra ?? {});
    for (const [key, item] of entries) {
      if (key !== "extra") {
        plain[key] = toDict(item);
      }
    }
    return plain;
  }
  for (const [key, item] of entries) {
    plain[key] = toDict(item);
  }
  return plain;
}

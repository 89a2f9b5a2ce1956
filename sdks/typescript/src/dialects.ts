/**
 * Response bodies to typed results, for both server dialects: a port of
 * `wal_telemetry_sdk/_dialects.py` (together with the checks its generated models make), so
 * both clients give the same result for the same body. The shared conformance fixtures under
 * `tests/conformance/` hold them to that.
 *
 * The reference server sends the seed's summaries (`operation_latency` in ms,
 * `success_rate.value`, `report_id`); the upstream ipfs_kit_py server sends only
 * per-`operation:backend` maps (latency in seconds) and a `report_url`. When a summary is missing:
 * - `operation_latency`: average = count-weighted mean of the per-key means; minimum/maximum
 *   over keys; median and percentile_95 copied when there is one key (they cannot be combined
 *   across keys); percentile_99 unknown. Seconds become milliseconds.
 * - `success_rate`/`error_rate`: mean of the per-key rates weighted by the per-key latency
 *   counts (every finished operation has one latency sample), else a plain mean; `throughput`,
 *   `queue_size` and `retry_count` are sums.
 * - `operation_count`: the sum of the per-key latency counts, per key in `by_key`.
 * - `report_id`: the path segment before the file name in `report_url` (else the last segment
 *   of `report_path`).
 * A value that cannot be derived is null, never a guess. A body that does not fit throws
 * `BodyError`, which the client reports as `APIResponseValidationError`.
 */

import {
  asResult,
  type BackendHealth,
  type ConfigResult,
  type Extra,
  type LatencyStats,
  type LatencySummary,
  type MetricsBucket,
  type MetricSeries,
  type MetricsResult,
  type MetricsTree,
  type RealtimeMetrics,
  type ReportResult,
  type ReportStatusResult,
  type TelemetryConfig,
  type TimeSeriesResult,
  type ValueSummary,
} from "./models.js";
import type { components } from "./generated/openapi.js";
import { isRecord } from "./responses.js";
import { factorOf, treeInUnits } from "./units.js";

type Schemas = components["schemas"];

const MILLISECONDS = 1000;

/** A successful response whose body does not match the API. */
export class BodyError extends Error {
  override name = "BodyError";
}

/** Every property of a schema, each once: `satisfies` fails `tsc` on a missing or unknown one. */
type Properties<Name extends keyof Schemas> = Record<keyof Schemas[Name], true>;

/**
 * The properties each response schema declares; everything else a server sends is `extra`.
 * Checked against the generated types, so a spec change that adds a property fails `tsc` here.
 */
const KNOWN = {
  metrics: Object.keys({
    success: true,
    operation: true,
    timestamp: true,
    metrics: true,
    metric_type: true,
    aggregation: true,
    error: true,
  } satisfies Properties<"MetricsResponse">),
  realtime: Object.keys({
    success: true,
    operation: true,
    timestamp: true,
    window_seconds: true,
    latency: true,
    success_rate: true,
    error_rate: true,
    throughput: true,
    status_distribution: true,
    operation_latency: true,
    operation_count: true,
    queue_size: true,
    retry_count: true,
    backend_health: true,
    error: true,
  } satisfies Properties<"RealtimeMetrics">),
  report: Object.keys({
    success: true,
    operation: true,
    timestamp: true,
    report_id: true,
    report_path: true,
    report_url: true,
    status: true,
    error: true,
  } satisfies Properties<"ReportResponse">),
  reportStatus: Object.keys({
    success: true,
    report_id: true,
    status: true,
    files: true,
    created_at: true,
    completed_at: true,
    error: true,
  } satisfies Properties<"ReportStatus">),
  config: Object.keys({
    success: true,
    operation: true,
    timestamp: true,
    config: true,
    warning: true,
    error: true,
  } satisfies Properties<"ConfigResponse">),
  settings: Object.keys({
    enabled: true,
    metrics_path: true,
    retention_days: true,
    sampling_interval: true,
    enable_detailed_timing: true,
    operation_hooks: true,
  } satisfies Properties<"TelemetryConfig">),
  timeSeries: Object.keys({
    success: true,
    operation: true,
    timestamp: true,
    metric_type: true,
    aggregation: true,
    start_time: true,
    end_time: true,
    step: true,
    buckets: true,
  } satisfies Properties<"TimeSeriesResponse">),
} as const;

/** The response body as an object, or `BodyError`. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) {
    throw new BodyError("the body is not a JSON object");
  }
  return body;
}

/** Real-time metrics from either dialect, summaries derived where the server left them out. */
export function realtimeFromBody(raw: unknown): RealtimeMetrics {
  const body = bodyObject(raw);
  const sent: Record<string, LatencyStats> = {};
  for (const [key, stats] of Object.entries(entries(body["latency"], "latency"))) {
    sent[key] = latencyStats(stats, `latency.${key}`);
  }
  const factor = factorOf("operation_latency");
  const latency = Object.fromEntries(
    Object.entries(sent).map(([key, stats]) => [key, scaledStats(stats, factor)]),
  );
  const counts: Record<string, number> = {};
  for (const [key, stats] of Object.entries(latency)) {
    counts[key] = stats.count;
  }
  const backendHealth: Record<string, BackendHealth> = {};
  for (const [name, health] of Object.entries(entries(body["backend_health"], "backend_health"))) {
    const where = `backend_health.${name}`;
    const fields = requiredKeys(health, where, ["value"]);
    backendHealth[name] = asResult({
      status: string(fields["status"], `${where}.status`),
      value: number(fields["value"], `${where}.value`),
    });
  }
  return asResult({
    success: bool(body["success"], "success"),
    operation: string(body["operation"], "operation"),
    timestamp: number(body["timestamp"], "timestamp"),
    window_seconds: number(body["window_seconds"], "window_seconds"),
    operation_latency: latencySummary(body["operation_latency"], sent),
    success_rate: rate(body["success_rate"], "success_rate", counts, false),
    error_rate: rate(body["error_rate"], "error_rate", counts, false),
    throughput: rate(body["throughput"], "throughput", counts, true),
    operation_count: operationCount(body["operation_count"], counts),
    queue_size: summaryOnly(body["queue_size"], "queue_size"),
    retry_count: summaryOnly(body["retry_count"], "retry_count"),
    backend_health: backendHealth,
    latency,
    status_distribution: numbers(body["status_distribution"], "status_distribution"),
    extra: extraOf(body, KNOWN.realtime),
  });
}

/** Stored metrics: the raw tree, and its leaves as typed series. */
export function metricsFromBody(raw: unknown): MetricsResult {
  const body = bodyObject(raw);
  requiredKeys(body, "body", ["success", "metrics"]);
  const tree = treeInUnits(metricsTree(body["metrics"], "metrics"), metricTypeOf(body));
  return asResult({
    success: bool(body["success"], "success"),
    operation: string(body["operation"], "operation"),
    timestamp: number(body["timestamp"], "timestamp"),
    metric_type: string(body["metric_type"], "metric_type"),
    aggregation: string(body["aggregation"], "aggregation"),
    metrics: tree,
    series: seriesFromTree(tree),
    extra: extraOf(body, KNOWN.metrics),
  });
}

/** Every leaf of a metrics tree as a series: points for a list, one value for a number. */
export function seriesFromTree(tree: MetricsTree): MetricSeries[] {
  const series: MetricSeries[] = [];
  for (const [labels, leaf] of leaves(tree, [])) {
    const where = `metrics.${labels.join(".")}`;
    if (Array.isArray(leaf)) {
      const points = leaf.map((point): [number, number] => [
        pointPart(point, 0, where),
        pointPart(point, 1, where),
      ]);
      series.push(asResult({ labels, points, value: null }));
    } else {
      series.push(asResult({ labels, points: [], value: number(leaf, where) }));
    }
  }
  return series;
}

/** A started report, with its id taken from `report_url` when the server leaves it out. */
export function reportFromBody(raw: unknown): ReportResult {
  const body = bodyObject(raw);
  requiredKeys(body, "body", ["success"]);
  const reportUrl = string(body["report_url"], "report_url");
  const reportPath = string(body["report_path"], "report_path");
  const reportId = string(body["report_id"], "report_id") || reportIdFrom(reportUrl, reportPath);
  return asResult({
    success: bool(body["success"], "success"),
    operation: string(body["operation"], "operation"),
    timestamp: number(body["timestamp"], "timestamp"),
    report_id: reportId,
    report_path: reportPath,
    report_url: reportUrl,
    status: string(body["status"], "status"),
    extra: extraOf(body, KNOWN.report),
  });
}

/** The report id: the segment before the file name in the URL, else the folder's name. */
export function reportIdFrom(reportUrl: string | null, reportPath: string | null): string | null {
  if (reportUrl) {
    const folder = posixName(posixParent(urlPath(reportUrl)));
    if (folder) {
      return folder;
    }
  }
  if (reportPath) {
    return posixName(reportPath.replaceAll("\\", "/").replace(/\/+$/u, "")) || null;
  }
  return null;
}

/** The status of a report being written (reference server only). */
export function reportStatusFromBody(raw: unknown): ReportStatusResult {
  const body = bodyObject(raw);
  requiredKeys(body, "body", ["report_id", "status"]);
  const files = body["files"];
  if (files !== undefined && !(Array.isArray(files) && files.every((f) => typeof f === "string"))) {
    throw new BodyError("files is not a list of file names");
  }
  const error = string(body["error"], "error");
  return asResult({
    success: optionalBool(body["success"], "success"),
    report_id: requiredString(body["report_id"], "report_id"),
    status: requiredString(body["status"], "status"),
    files: files === undefined ? [] : [...(files as string[])],
    created_at: number(body["created_at"], "created_at"),
    completed_at: number(body["completed_at"], "completed_at"),
    // The reason of a failed report stays in `extra`, as in Python.
    extra: { ...extraOf(body, KNOWN.reportStatus), ...(error ? { error } : {}) },
  });
}

/** The telemetry settings; upstream leaves `enabled` out, which stays null. */
export function configFromBody(raw: unknown): ConfigResult {
  const body = bodyObject(raw);
  requiredKeys(body, "body", ["success", "config"]);
  const settings = body["config"];
  if (!isRecord(settings)) {
    throw new BodyError("config is not an object");
  }
  const config: TelemetryConfig = asResult({
    enabled: optionalBool(settings["enabled"], "config.enabled"),
    metrics_path: string(settings["metrics_path"], "config.metrics_path"),
    retention_days: integer(settings["retention_days"], "config.retention_days"),
    sampling_interval: integer(settings["sampling_interval"], "config.sampling_interval"),
    enable_detailed_timing: optionalBool(
      settings["enable_detailed_timing"],
      "config.enable_detailed_timing",
    ),
    operation_hooks: optionalBool(settings["operation_hooks"], "config.operation_hooks"),
    extra: extraOf(settings, KNOWN.settings),
  });
  return asResult({
    success: bool(body["success"], "success"),
    operation: string(body["operation"], "operation"),
    timestamp: number(body["timestamp"], "timestamp"),
    config,
    warning: string(body["warning"], "warning"),
    extra: extraOf(body, KNOWN.config),
  });
}

/** A metric bucketed over time by the server, each bucket as a tree and as series. */
export function timeSeriesFromBody(raw: unknown): TimeSeriesResult {
  const body = bodyObject(raw);
  requiredKeys(body, "body", ["success", "buckets"]);
  const buckets = body["buckets"];
  if (!Array.isArray(buckets)) {
    throw new BodyError("buckets is not a list");
  }
  return asResult({
    success: bool(body["success"], "success"),
    operation: string(body["operation"], "operation"),
    timestamp: number(body["timestamp"], "timestamp"),
    metric_type: string(body["metric_type"], "metric_type"),
    aggregation: string(body["aggregation"], "aggregation"),
    start_time: number(body["start_time"], "start_time"),
    end_time: number(body["end_time"], "end_time"),
    step: number(body["step"], "step"),
    buckets: buckets.map((bucket, index) =>
      timeBucket(bucket, `buckets.${index}`, metricTypeOf(body)),
    ),
    extra: extraOf(body, KNOWN.timeSeries),
  });
}

/** The envelope check: `success: false` in a 2xx body, with its `error`, or null. */
export function envelopeFailure(raw: unknown): { detail: unknown } | null {
  if (isRecord(raw) && raw["success"] === false) {
    return { detail: raw["error"] ?? null };
  }
  return null;
}

function timeBucket(raw: unknown, where: string, metricType: string | null): MetricsBucket {
  const bucket = requiredKeys(raw, where, ["start_time", "end_time", "metrics"]);
  const start = requiredNumber(bucket["start_time"], `${where}.start_time`);
  const end = requiredNumber(bucket["end_time"], `${where}.end_time`);
  const tree = treeInUnits(metricsTree(bucket["metrics"], `${where}.metrics`), metricType);
  return asResult({
    start_time: start,
    end_time: end,
    timestamp: number(bucket["timestamp"], `${where}.timestamp`) ?? (start + end) / 2,
    metrics: tree,
    series: seriesFromTree(tree),
  });
}

function latencyStats(raw: unknown, where: string): LatencyStats {
  if (!isRecord(raw)) {
    throw new BodyError(`${where} is not an object`);
  }
  return asResult({
    mean: number(raw["mean"], `${where}.mean`),
    median: number(raw["median"], `${where}.median`),
    min: number(raw["min"], `${where}.min`),
    max: number(raw["max"], `${where}.max`),
    percentile_95: number(raw["percentile_95"], `${where}.percentile_95`),
    count: number(raw["count"], `${where}.count`) || 0,
  });
}

/** Per-key latency stats (sent in seconds) in the results' unit. */
function scaledStats(stats: LatencyStats, factor: number): LatencyStats {
  const scale = (value: number | null): number | null => (value === null ? null : value * factor);
  return asResult({
    mean: scale(stats.mean),
    median: scale(stats.median),
    min: scale(stats.min),
    max: scale(stats.max),
    percentile_95: scale(stats.percentile_95),
    count: stats.count,
  });
}

/** The `metric_type` a body says its values are, or null (every type, or not said). */
function metricTypeOf(body: Record<string, unknown>): string | null {
  const kind = body["metric_type"];
  return typeof kind === "string" ? kind : null;
}

/**
 * The summary: as sent (the reference server's, in ms), or derived from the per-key stats as
 * servers send them (seconds), in milliseconds, the unit the summary is documented in.
 */
function latencySummary(raw: unknown, perKey: Record<string, LatencyStats>): LatencySummary {
  if (raw !== undefined) {
    if (!isRecord(raw)) {
      throw new BodyError("operation_latency is not an object");
    }
    return asResult({
      average: number(raw["average"], "operation_latency.average"),
      median: number(raw["median"], "operation_latency.median"),
      minimum: number(raw["minimum"], "operation_latency.minimum"),
      maximum: number(raw["maximum"], "operation_latency.maximum"),
      percentile_95: number(raw["percentile_95"], "operation_latency.percentile_95"),
      percentile_99: number(raw["percentile_99"], "operation_latency.percentile_99"),
      count: integer(raw["count"], "operation_latency.count") || 0,
    });
  }
  const measured = Object.values(perKey).filter((s) => s.count > 0 && s.mean !== null);
  const total = sum(measured.map((s) => s.count));
  if (!total) {
    return asResult(emptyLatencySummary());
  }
  const only = measured.length === 1 ? measured[0] : undefined;
  const mins = measured.map((s) => s.min).filter((v): v is number => v !== null);
  const maxes = measured.map((s) => s.max).filter((v): v is number => v !== null);
  return asResult({
    average: (sum(measured.map((s) => s.count * (s.mean ?? 0))) / total) * MILLISECONDS,
    median: milliseconds(only ? only.median : null),
    minimum: milliseconds(mins.length ? Math.min(...mins) : null),
    maximum: milliseconds(maxes.length ? Math.max(...maxes) : null),
    percentile_95: milliseconds(only ? only.percentile_95 : null),
    percentile_99: null,
    count: roundHalfEven(total),
  });
}

function emptyLatencySummary(): LatencySummary {
  return {
    average: null,
    median: null,
    minimum: null,
    maximum: null,
    percentile_95: null,
    percentile_99: null,
    count: 0,
  };
}

/** Whether a field is the reference server's `{value, by_key?}` form of a summary. */
function isValueSummary(raw: Record<string, unknown>): boolean {
  return "value" in raw && (raw["by_key"] === undefined || isRecord(raw["by_key"]));
}

function rate(
  raw: unknown,
  name: string,
  counts: Record<string, number>,
  additive: boolean,
): ValueSummary {
  if (raw !== undefined && !isRecord(raw)) {
    throw new BodyError(`${name} is not an object`);
  }
  if (raw !== undefined && isValueSummary(raw)) {
    return summary(raw, name);
  }
  const byKey = numbers(raw, name);
  const rates = Object.entries(byKey);
  if (rates.length === 0) {
    return asResult({ value: null, by_key: byKey });
  }
  if (additive) {
    return asResult({ value: sum(rates.map(([, value]) => value)), by_key: byKey });
  }
  const weights = rates.map(([key]) => counts[key] ?? 0);
  if (weights.every((weight) => weight > 0)) {
    const weighted = sum(rates.map(([, value], index) => value * (weights[index] ?? 0)));
    return asResult({ value: weighted / sum(weights), by_key: byKey });
  }
  return asResult({ value: sum(rates.map(([, value]) => value)) / rates.length, by_key: byKey });
}

function summary(raw: Record<string, unknown>, name: string): ValueSummary {
  return asResult({
    value: number(raw["value"], `${name}.value`),
    by_key: numbers(raw["by_key"], name),
  });
}

/** A field the spec types as a `{value, by_key?}` summary only (no per-key form). */
function summaryOnly(raw: unknown, name: string): ValueSummary {
  if (raw === undefined) {
    return asResult({ value: null, by_key: {} });
  }
  const fields = requiredKeys(raw, name, ["value"]);
  if (fields["by_key"] !== undefined && !isRecord(fields["by_key"])) {
    throw new BodyError(`${name}.by_key is not an object`);
  }
  return summary(fields, name);
}

function operationCount(raw: unknown, counts: Record<string, number>): ValueSummary {
  const keys = Object.keys(counts);
  if (raw !== undefined || keys.length === 0) {
    return summaryOnly(raw, "operation_count");
  }
  return asResult({ value: sum(Object.values(counts)), by_key: { ...counts } });
}

function metricsTree(raw: unknown, where: string): MetricsTree {
  if (!isRecord(raw)) {
    throw new BodyError(`${where} is not an object`);
  }
  const tree: MetricsTree = {};
  for (const [key, node] of Object.entries(raw)) {
    if (isRecord(node)) {
      tree[key] = metricsTree(node, `${where}.${key}`);
    } else if (Array.isArray(node) || typeof node === "number" || node === null) {
      // A null leaf is kept and becomes a series without value, as in the Python SDK.
      tree[key] = node as number[][] | number | null;
    } else {
      throw new BodyError(`${where}.${key} is neither a subtree, a series nor a number`);
    }
  }
  return tree;
}

function* leaves(tree: MetricsTree, prefix: string[]): Generator<[string[], unknown]> {
  for (const [key, node] of Object.entries(tree)) {
    const labels = [...prefix, key];
    if (isRecord(node)) {
      yield* leaves(node as MetricsTree, labels);
    } else {
      yield [labels, node];
    }
  }
}

function pointPart(point: unknown, index: number, where: string): number {
  if (!Array.isArray(point) || point.length !== 2) {
    throw new BodyError(`${where} has a point that is not [timestamp, value]`);
  }
  const value = number(point[index], where);
  if (value === null) {
    throw new BodyError(`${where} has a point with a null part`);
  }
  return value;
}

/** An object field's entries: absent is empty, anything but an object is a `BodyError`. */
function entries(raw: unknown, name: string): Record<string, unknown> {
  if (raw === undefined) {
    return {};
  }
  if (!isRecord(raw)) {
    throw new BodyError(`${name} is not an object`);
  }
  return raw;
}

function numbers(raw: unknown, name: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(entries(raw, name))) {
    result[key] = number(value, `${name}.${key}`) || 0;
  }
  return result;
}

function requiredKeys(raw: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (!isRecord(raw)) {
    throw new BodyError(`${where} is not an object`);
  }
  for (const key of keys) {
    if (!(key in raw)) {
      throw new BodyError(`${where} has no '${key}'`);
    }
  }
  return raw;
}

function extraOf(body: Record<string, unknown>, known: readonly string[]): Extra {
  const extra: Extra = {};
  for (const [key, value] of Object.entries(body)) {
    if (!known.includes(key)) {
      extra[key] = value;
    }
  }
  return extra;
}

function number(value: unknown, name: string): number | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== "number") {
    throw new BodyError(`${name} is not a number: ${JSON.stringify(value)}`);
  }
  return value;
}

function requiredNumber(value: unknown, name: string): number {
  const result = number(value, name);
  if (result === null) {
    throw new BodyError(`${name} is missing`);
  }
  return result;
}

function integer(value: unknown, name: string): number | null {
  const result = number(value, name);
  if (result !== null && !Number.isInteger(result)) {
    throw new BodyError(`${name} is not a whole number: ${result}`);
  }
  return result;
}

function string(value: unknown, name: string): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== "string") {
    throw new BodyError(`${name} is not a string: ${JSON.stringify(value)}`);
  }
  return value;
}

function requiredString(value: unknown, name: string): string {
  const result = string(value, name);
  if (result === null) {
    throw new BodyError(`${name} is missing`);
  }
  return result;
}

function optionalBool(value: unknown, name: string): boolean | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== "boolean") {
    throw new BodyError(`${name} is not true or false: ${JSON.stringify(value)}`);
  }
  return value;
}

function bool(value: unknown, name: string): boolean {
  const result = optionalBool(value, name);
  if (result === null) {
    throw new BodyError(`${name} is missing`);
  }
  return result;
}

function milliseconds(seconds: number | null): number | null {
  return seconds === null ? null : seconds * MILLISECONDS;
}

/** Left-to-right sum from 0, the order Python's `sum()` adds in. */
function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Python's `round()`: to the nearest whole number, ties to the even one. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) {
    return floor + 1;
  }
  if (fraction < 0.5) {
    return floor;
  }
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The path of a URL, absolute or relative, without query or fragment (`urlsplit().path`). */
function urlPath(url: string): string {
  const withoutFragment = url.split("#", 1)[0] ?? "";
  const withoutQuery = withoutFragment.split("?", 1)[0] ?? "";
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/u.exec(withoutQuery);
  let rest = scheme ? withoutQuery.slice(scheme[0].length) : withoutQuery;
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    rest = slash === -1 ? "" : rest.slice(slash);
  }
  return rest;
}

/** The parts of a POSIX path as `PurePosixPath` sees them: no empty or "." parts. */
function posixParts(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}

/** `PurePosixPath(path).parent` as a string. */
function posixParent(path: string): string {
  const parts = posixParts(path);
  const root = path.startsWith("/") ? "/" : "";
  return root + parts.slice(0, -1).join("/");
}

/** `PurePosixPath(path).name`: the last part, "" for a root or an empty path. */
function posixName(path: string): string {
  return posixParts(path).at(-1) ?? "";
}

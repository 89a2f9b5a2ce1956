/**
 * Arguments to request parameters, checked before anything is sent: a port of
 * `wal_telemetry_sdk/_arguments.py`, so both clients refuse the same arguments and send the same
 * requests. A wrong type throws `TypeError`, a wrong value `RangeError` (Python: `ValueError`).
 */

import {
  type operations,
  telemetryAggregationValues,
  telemetryMetricTypeValues,
} from "./generated/openapi.js";
import type { TelemetryAggregation, TelemetryMetricType } from "./models.js";

/** Unix seconds, or a `Date`. */
export type Timestamp = number | Date;
/** `[start, end]`, each Unix seconds or a `Date`. */
export type TimeRange = readonly [Timestamp, Timestamp];

/** One day in seconds: the default span of reports and of `getMetricsOverTime`. */
export const DAY = 24 * 60 * 60;
const CHART_INCHES = { min: 1, max: 40 } as const;
const CONFIG_LIMITS = {
  retention_days: { min: 1, max: 3650 },
  sampling_interval: { min: 1, max: 86400 },
} as const;
const METRICS_PATH_MAX = 1024;

/** The query parameters of an operation, as the generated types declare them. */
export type QueryOf<Operation extends keyof operations> = NonNullable<
  operations[Operation]["parameters"]["query"]
>;
/** The query of `getMetrics`. */
export type MetricsQuery = QueryOf<"getMetrics">;
/** The query of `getVisualization`. */
export type VisualizationQuery = QueryOf<"getVisualization">;
/** The query of `getTimeSeries`. */
export type TimeSeriesQuery = QueryOf<"getTimeSeries">;
/** The filter parameters every filtered operation shares. */
export type FilterQuery = Pick<
  MetricsQuery,
  "operation_type" | "backend" | "status" | "start_time" | "end_time"
>;
/** The JSON body of `updateConfig`. */
export type ConfigUpdateBody =
  operations["updateConfig"]["requestBody"]["content"]["application/json"];
/** The form body of `generateReport`. */
export type ReportBody = NonNullable<
  operations["generateReport"]["requestBody"]
>["content"]["application/x-www-form-urlencoded"];

/** Unix seconds from a number or a `Date`. */
export function timestamp(value: unknown, name: string): number {
  if (value instanceof Date) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) {
      throw new RangeError(`${name} is an invalid Date`);
    }
    return millis / 1000;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `${name} must be a Unix timestamp (a number) or a Date, got ${describe(value)}`,
    );
  }
  return value;
}

/** `[start, end]` in Unix seconds, or null; an end before the start is refused. */
export function timeRange(value: unknown, name = "timeRange"): [number, number] | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TypeError(`${name} must be a [startTime, endTime] pair, got ${describe(value)}`);
  }
  return ordered(timestamp(value[0], "startTime"), timestamp(value[1], "endTime"));
}

/** `[start, end]` unchanged, or `RangeError` when the range ends before it starts. */
export function ordered(start: number, end: number): [number, number] {
  if (end < start) {
    throw new RangeError(`endTime (${end}) is before startTime (${start})`);
  }
  return [start, end];
}

/** A filter such as `operationType`: absent, or a non-empty string. */
export function optionalText(value: unknown, name: string): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`${name} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** A member of a spec enum; strings match a value in any letter case, as in Python. */
export function coerceEnum<T extends string>(
  value: unknown,
  members: readonly T[],
  name: string,
): T {
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    const member = members.find((candidate) => candidate === text);
    if (member !== undefined) {
      return member;
    }
  }
  throw new RangeError(`Invalid ${name} ${describe(value)}. Must be one of: ${members.join(", ")}`);
}

/** A metric type the spec knows (from the generated list of values). */
export function metricType(value: unknown, name = "metricType"): TelemetryMetricType {
  return coerceEnum(value, telemetryMetricTypeValues, name);
}

/** An aggregation the spec knows (from the generated list of values). */
export function aggregation(value: unknown, name = "aggregation"): TelemetryAggregation {
  return coerceEnum(value, telemetryAggregationValues, name);
}

/** Filters shared by metrics, visualization and time-series requests. */
export interface Filters {
  /** Only operations of this type (for example `append`, `add`, `pin`). */
  operationType?: string | undefined;
  /** Only operations on this backend (for example `json`, `ipfs`, `s3`). */
  backend?: string | undefined;
  /** Only operations that ended with this status (for example `success`, `failure`). */
  status?: string | undefined;
}

/** The filter parameters (absent ones left out) and an optional `[start, end]` window. */
export function filters(options: Filters, window: [number, number] | null): FilterQuery {
  const query: FilterQuery = {};
  const operationType = optionalText(options.operationType, "operationType");
  const backend = optionalText(options.backend, "backend");
  const status = optionalText(options.status, "status");
  if (operationType !== null) query.operation_type = operationType;
  if (backend !== null) query.backend = backend;
  if (status !== null) query.status = status;
  if (window !== null) {
    query.start_time = window[0];
    query.end_time = window[1];
  }
  return query;
}

/** Arguments of `getMetrics`. */
export interface MetricsOptions extends Filters {
  /** The metric type to return; all types when left out. */
  metricType?: TelemetryMetricType | string | undefined;
  /** Only samples in `[start, end]` (Unix seconds or Dates). */
  timeRange?: TimeRange | undefined;
  /** Reduce every series to one number with this aggregation. */
  aggregation?: TelemetryAggregation | string | undefined;
}

/** The query of a `getMetrics` request. */
export function metricsQuery(options: MetricsOptions): MetricsQuery {
  const query: MetricsQuery = filters(options, timeRange(options.timeRange));
  if (options.metricType !== undefined && options.metricType !== null) {
    query.metric_type = metricType(options.metricType);
  }
  if (options.aggregation !== undefined && options.aggregation !== null) {
    query.aggregation = aggregation(options.aggregation);
  }
  return query;
}

/** Arguments of `getVisualization` besides the metric type. */
export interface VisualizationOptions extends Filters {
  /** Only samples in `[start, end]` (Unix seconds or Dates). */
  timeRange?: TimeRange | undefined;
  /** Chart width in inches, 1 to 40 (100 pixels each); 12 by default. */
  width?: number | undefined;
  /** Chart height in inches, 1 to 40 (100 pixels each); 8 by default. */
  height?: number | undefined;
}

/** The metric type (a path parameter) and query of a `getVisualization` request. */
export function visualizationQuery(
  kind: unknown,
  options: VisualizationOptions,
): { metricType: TelemetryMetricType; query: VisualizationQuery } {
  const checkedKind = metricType(kind);
  const query: VisualizationQuery = {
    ...filters(options, timeRange(options.timeRange)),
    width: wholeIn(options.width ?? 12, CHART_INCHES, "width"),
    height: wholeIn(options.height ?? 8, CHART_INCHES, "height"),
  };
  return { metricType: checkedKind, query };
}

/** Arguments of `generateReport`. */
export interface ReportOptions {
  /** Start of the report's range; `endTime` minus one day by default. */
  startTime?: Timestamp | undefined;
  /** End of the report's range; now by default. */
  endTime?: Timestamp | undefined;
  /** The report flags p95 latency above this many milliseconds (the server's default). */
  maxLatencyP95Ms?: number | undefined;
  /** The report flags a success rate (0-1) below this (the server's default). */
  minSuccessRate?: number | undefined;
  /** The report flags a queue above this many operations (the server's default). */
  maxQueueSize?: number | undefined;
}

/** The form body of a `generateReport` request: the last 24 hours by default, as in the seed,
 * and the thresholds given. */
export function reportRequest(
  options: ReportOptions,
  now: () => number = () => Date.now() / 1000,
): ReportBody {
  const end = options.endTime === undefined ? now() : timestamp(options.endTime, "endTime");
  const start =
    options.startTime === undefined ? end - DAY : timestamp(options.startTime, "startTime");
  const [checkedStart, checkedEnd] = ordered(start, end);
  const body: ReportBody = { start_time: checkedStart, end_time: checkedEnd };
  const thresholds = [
    ["max_latency_p95_ms", options.maxLatencyP95Ms, "maxLatencyP95Ms", Infinity],
    ["min_success_rate", options.minSuccessRate, "minSuccessRate", 1],
    ["max_queue_size", options.maxQueueSize, "maxQueueSize", Infinity],
  ] as const;
  for (const [key, value, name, highest] of thresholds) {
    if (value !== undefined && value !== null) {
      body[key] = threshold(value, name, highest);
    }
  }
  return body;
}

function threshold(value: unknown, name: string, highest: number): number {
  if (typeof value !== "number") {
    throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  }
  if (!(Number.isFinite(value) && value >= 0 && value <= highest)) {
    const bound = Number.isFinite(highest) ? `from 0 to ${highest}` : ">= 0";
    throw new RangeError(`${name} must be a number ${bound}, got ${describe(value)}`);
  }
  return value;
}

/** Arguments of `updateConfig`: the settings to change; those left out keep their value. */
export interface ConfigUpdateOptions {
  enabled?: boolean | undefined;
  metricsPath?: string | undefined;
  retentionDays?: number | undefined;
  samplingInterval?: number | undefined;
  enableDetailedTiming?: boolean | undefined;
  operationHooks?: boolean | undefined;
}

/** The JSON body of an `updateConfig` request, type- and range-checked as the spec says. */
export function configUpdate(options: ConfigUpdateOptions): ConfigUpdateBody {
  const body: ConfigUpdateBody = {};
  const flags = [
    ["enabled", options.enabled],
    ["enable_detailed_timing", options.enableDetailedTiming],
    ["operation_hooks", options.operationHooks],
  ] as const;
  if (options.metricsPath !== undefined && options.metricsPath !== null) {
    body.metrics_path = textUpTo(options.metricsPath, METRICS_PATH_MAX, "metricsPath");
  }
  if (options.retentionDays !== undefined && options.retentionDays !== null) {
    body.retention_days = wholeIn(
      options.retentionDays,
      CONFIG_LIMITS.retention_days,
      "retentionDays",
    );
  }
  if (options.samplingInterval !== undefined && options.samplingInterval !== null) {
    body.sampling_interval = wholeIn(
      options.samplingInterval,
      CONFIG_LIMITS.sampling_interval,
      "samplingInterval",
    );
  }
  for (const [name, value] of flags) {
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value !== "boolean") {
      throw new TypeError(`${name} must be true or false, got ${describe(value)}`);
    }
    body[name] = value;
  }
  return body;
}

/** Arguments of `getTimeSeries` (reference server only). */
export interface TimeSeriesOptions extends Filters {
  /** The metric type to bucket. */
  metricType: TelemetryMetricType | string;
  /** Start of the first bucket. */
  startTime: Timestamp;
  /** End of the last bucket. */
  endTime: Timestamp;
  /** Bucket width in seconds, at least 1. */
  step: number;
  /** How each bucket's series are reduced to one number. */
  aggregation?: TelemetryAggregation | string | undefined;
}

/** The query of a `getTimeSeries` request. */
export function timeSeriesQuery(options: TimeSeriesOptions): TimeSeriesQuery {
  const kind = metricType(options.metricType);
  const [start, end] = ordered(
    timestamp(options.startTime, "startTime"),
    timestamp(options.endTime, "endTime"),
  );
  if (typeof options.step !== "number" || !Number.isFinite(options.step)) {
    throw new TypeError(`step must be a number of seconds, got ${describe(options.step)}`);
  }
  if (options.step < 1) {
    throw new RangeError(`step must be at least 1 second, got ${options.step}`);
  }
  const query: TimeSeriesQuery = {
    ...filters(options, null),
    metric_type: kind,
    start_time: start,
    end_time: end,
    step: options.step,
  };
  if (options.aggregation !== undefined && options.aggregation !== null) {
    query.aggregation = aggregation(options.aggregation);
  }
  return query;
}

function wholeIn(value: unknown, allowed: { min: number; max: number }, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    const range = `${allowed.min} to ${allowed.max}`;
    throw new TypeError(`${name} must be a whole number from ${range}, got ${describe(value)}`);
  }
  if (value < allowed.min || value > allowed.max) {
    throw new RangeError(
      `${name} must be a whole number from ${allowed.min} to ${allowed.max}, got ${value}`,
    );
  }
  return value;
}

function textUpTo(value: unknown, limit: number, name: string): string {
  if (typeof value !== "string") {
    throw new TypeError(
      `${name} must be a string of 1 to ${limit} characters, got ${describe(value)}`,
    );
  }
  const length = Array.from(value).length;
  if (length < 1 || length > limit) {
    throw new RangeError(`${name} must be a string of 1 to ${limit} characters, got ${length}`);
  }
  return value;
}

/** A short, safe rendering of a bad argument for an error message. */
export function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  if (value instanceof Date) {
    return `Date(${value.toISOString()})`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A value as Python's `repr` shows it (strings in single quotes), so messages read the same. */
export function repr(value: unknown): string {
  if (typeof value !== "string") {
    return String(value);
  }
  return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value}'`;
}

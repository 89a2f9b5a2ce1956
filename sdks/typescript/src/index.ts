/**
 * TypeScript client for the WAL telemetry API, generated from the repository's `openapi.yaml`
 * (`src/generated/`) with a hand-written layer that mirrors the Python SDK: the client, its
 * results and errors, and the helpers (monitoring with alerts, report pollers, time series).
 *
 * This core entry point uses only `fetch`, `AbortController`, `URL` and web streams, so it runs
 * in any JavaScript runtime; saving files is in `@wal-telemetry/sdk/node`.
 */

export {
  ALERT_FIELDS,
  type AlertField,
  AlertEvaluator,
  type AlertEvaluatorOptions,
  AlertEvent,
  type AlertOperator,
  AlertRule,
  type AlertRuleOptions,
  ANY_KEY,
  checkRules,
  formatNumber,
  OPERATORS,
} from "./alerts.js";
export type {
  ConfigUpdateOptions,
  Filters,
  MetricsOptions,
  ReportOptions,
  TimeRange,
  TimeSeriesOptions,
  Timestamp,
  VisualizationOptions,
} from "./arguments.js";
export {
  API_PREFIX,
  type BeginReportOptions,
  type CallOptions,
  type ClientOptions,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  type MonitorRealtimeOptions,
  OPERATION_METHODS,
  type VisualizationCallOptions,
  WALTelemetryClient,
} from "./client.js";
export {
  APIConnectionError,
  APIError,
  type APIErrorOptions,
  APIResponseValidationError,
  APIStatusError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  WALTelemetryError,
} from "./errors.js";
export type { components, operations, paths } from "./generated/openapi.js";
export {
  type BackendHealth,
  type ConfigResult,
  type Extra,
  type FileResult,
  type LatencyStats,
  type LatencySummary,
  type MetricSeries,
  type MetricsBucket,
  type MetricsNode,
  type MetricsOverTime,
  type MetricsResult,
  type MetricsTree,
  type Open,
  type RealtimeMetrics,
  type ReportResult,
  type ReportState,
  type ReportStatusResult,
  type TelemetryAggregation,
  type TelemetryConfig,
  type TelemetryMetricType,
  type TimeSeriesResult,
  toDict,
  type ValueSummary,
} from "./models.js";
export type { MonitorOptions, MonitorTick } from "./monitor.js";
export { INTERVALS, type OverTimeOptions } from "./overTime.js";
export {
  type Report,
  ReportFailedError,
  ReportPoller,
  type ReportPollerOptions,
  type ReportProgress,
} from "./reportPoller.js";
export {
  RESAMPLE_METHODS,
  type ResampleMethod,
  type Series,
  TimeSeries,
  type Trend,
} from "./timeSeries.js";
export { DEFAULT_RETRY_POLICY, type FetchLike, type RetryPolicy } from "./transport.js";
export { VERSION } from "./version.js";

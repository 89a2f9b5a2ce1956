/**
 * TypeScript client for the WAL telemetry API, generated from the repository's `openapi.yaml`
 * (`src/generated/`) with a thin hand-written layer that mirrors the Python SDK.
 */

export * from "./arguments.js";
export {
  absoluteUrl,
  API_PREFIX,
  type CallOptions,
  type ClientOptions,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  OPERATION_METHODS,
  type ReportFileOptions,
  type VisualizationCallOptions,
  WALTelemetryClient,
} from "./client.js";
export { reportIdFrom } from "./dialects.js";
export * from "./errors.js";
export type { components, operations, paths } from "./generated/openapi.js";
export * from "./models.js";
export { INTERVALS, type OverTimeOptions } from "./overTime.js";
export { DEFAULT_RETRY_POLICY, type FetchLike, type RetryPolicy } from "./transport.js";
export { VERSION } from "./version.js";

/**
 * `WALTelemetryClient`: the Python SDK's client in TypeScript, over the client generated from
 * `openapi.yaml` (openapi-typescript types, called through openapi-fetch). Method names are the
 * Python ones in camelCase; results have the same fields as the Python results' `to_dict()`;
 * errors have the same class names. The generated types check every path, parameter and body
 * against the spec at compile time, so a spec change that breaks a call fails `tsc`.
 */

import createClient, { type Client } from "openapi-fetch";

import * as args from "./arguments.js";
import {
  BodyError,
  configFromBody,
  envelopeFailure,
  metricsFromBody,
  realtimeFromBody,
  reportFromBody,
  reportStatusFromBody,
  timeSeriesFromBody,
} from "./dialects.js";
import { AlertEvaluator, type AlertEvent, type AlertRule } from "./alerts.js";
import { APIResponseValidationError, NotFoundError } from "./errors.js";
import { checkedFileName, checkedReportId } from "./files.js";
import type { operations, paths } from "./generated/openapi.js";
import {
  asResult,
  type ConfigResult,
  type FileResult,
  type MetricsOverTime,
  type MetricsResult,
  type RealtimeMetrics,
  type ReportResult,
  type ReportStatusResult,
  type TimeSeriesResult,
} from "./models.js";
import { iterate, monitor, type MonitorOptions, type MonitorTick } from "./monitor.js";
import {
  fromServerBuckets,
  type OverTimeOptions,
  perBucketRequests,
  plan,
  stepSeconds,
} from "./overTime.js";
import { progressFromPage, REPORT_PAGE } from "./reportPages.js";
import { ReportPoller, type ReportPollerOptions, type ReportProgress } from "./reportPoller.js";
import { failureFromEnvelope } from "./responses.js";
import { DEFAULT_RETRY_POLICY, type FetchLike, type RetryPolicy, Transport } from "./transport.js";
import { VERSION } from "./version.js";

/** Where the API lives under a server's base URL. */
export const API_PREFIX = "/api/v0/wal/telemetry";
/** The seed's default server. */
export const DEFAULT_BASE_URL = "http://localhost:8000";
/** Seconds a call may take by default, retries included. */
export const DEFAULT_TIMEOUT = 30;
/** Retries of a failed request by default. */
export const DEFAULT_MAX_RETRIES = 2;

const ENV_BASE_URL = "WAL_TELEMETRY_API_URL";
const ENV_API_KEY = "WAL_TELEMETRY_API_KEY";
const ENV_TIMEOUT = "WAL_TELEMETRY_TIMEOUT";

/** How a client is set up; each setting falls back to its environment variable, then a default. */
export interface ClientOptions {
  /** The server's base URL; `WAL_TELEMETRY_API_URL`, else `http://localhost:8000`. */
  baseUrl?: string | undefined;
  /** Sent as `Authorization: Bearer <key>`; `WAL_TELEMETRY_API_KEY`, else none. */
  apiKey?: string | null | undefined;
  /** Seconds a whole call may take, retries included; `WAL_TELEMETRY_TIMEOUT`, else 30. */
  timeout?: number | undefined;
  /** How many times a failed request is retried (connection errors, timeouts, 408, 429, 5xx). */
  maxRetries?: number | undefined;
  /** Backoff settings in seconds; the Python SDK's by default. */
  retryPolicy?: Partial<RetryPolicy> | undefined;
  /** Send through this `fetch` instead of the global one (proxies, custom TLS, recording). */
  fetch?: FetchLike | undefined;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call (retries included); the call then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Arguments of `getVisualization` besides the metric type. */
export interface VisualizationCallOptions extends args.VisualizationOptions, CallOptions {}

/** Arguments of `monitorRealtime`. */
export interface MonitorRealtimeOptions extends MonitorOptions {
  /** Rules such as `"operation_latency.percentile_95 > 500 for 3"`, checked before any fetch. */
  alerts?: Iterable<AlertRule | string> | undefined;
  /** Told of every alert that starts firing or resolves. */
  onAlert?: ((event: AlertEvent) => void) | undefined;
}

/** Arguments of `beginGenerateReport`. */
export interface BeginReportOptions extends args.ReportOptions, ReportPollerOptions, CallOptions {}

/** Every operation of the spec, and the client method that calls it (checked by `tsc`). */
export const OPERATION_METHODS = {
  getMetrics: "getMetrics",
  getRealtimeMetrics: "getRealtimeMetrics",
  generateReport: "generateReport",
  getReportStatus: "getReportStatus",
  getReportFile: "getReportFile",
  getVisualization: "getVisualization",
  getConfig: "getConfig",
  updateConfig: "updateConfig",
  getTimeSeries: "getTimeSeries",
} as const satisfies { [Operation in keyof operations]: keyof WALTelemetryClient };

interface Settings {
  baseUrl: string;
  apiKey: string | null;
  timeout: number;
  maxRetries: number;
}

/**
 * Client for the WAL telemetry API (`/api/v0/wal/telemetry`). It needs only `fetch`,
 * `AbortController`, `URL` and web streams, so it runs in Node, Deno, Bun, browsers and edge
 * runtimes; file downloads live in the `"./node"` entry point.
 *
 * One instance may serve any number of concurrent calls; its settings never change after
 * construction (it only remembers whether the server lacks an operation it can do without).
 * Use `withOptions()` for another timeout or retry count.
 */
export class WALTelemetryClient {
  readonly #settings: Settings;
  readonly #transport: Transport;
  readonly #api: Client<paths>;
  #offersTimeSeries = true;
  #offersReportStatus = true;

  constructor(options: ClientOptions = {}, transport?: Transport) {
    this.#settings = resolveSettings(options);
    this.#transport =
      transport?.with({ timeout: this.#settings.timeout, maxRetries: this.#settings.maxRetries }) ??
      new Transport({
        fetch: options.fetch ?? ((request) => fetch(request)),
        timeout: this.#settings.timeout,
        maxRetries: this.#settings.maxRetries,
        policy: { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy },
      });
    const headers: Record<string, string> = { "User-Agent": `wal-telemetry-sdk-ts/${VERSION}` };
    if (this.#settings.apiKey) {
      headers["Authorization"] = `Bearer ${this.#settings.apiKey}`;
    }
    const send = this.#transport;
    this.#api = createClient<paths>({
      baseUrl: this.#settings.baseUrl,
      headers,
      fetch: (request) => send.send(request),
    });
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#settings.baseUrl;
  }

  /** Seconds a call may take, retries included. */
  get timeout(): number {
    return this.#settings.timeout;
  }

  /** How many times a failed request is retried. */
  get maxRetries(): number {
    return this.#settings.maxRetries;
  }

  /** A copy with another timeout or retry count that sends through the same `fetch`. */
  withOptions(options: { timeout?: number; maxRetries?: number }): this {
    const Client = this.constructor as new (options: ClientOptions, transport: Transport) => this;
    return new Client(
      {
        baseUrl: this.#settings.baseUrl,
        apiKey: this.#settings.apiKey,
        timeout: options.timeout ?? this.#settings.timeout,
        maxRetries: options.maxRetries ?? this.#settings.maxRetries,
      },
      this.#transport,
    );
  }

  /** Stored metrics, optionally filtered and aggregated, as a tree and as series. */
  async getMetrics(options: args.MetricsOptions & CallOptions = {}): Promise<MetricsResult> {
    const query = args.metricsQuery(options);
    const { data, response } = await this.#api.GET(`${API_PREFIX}/metrics`, {
      params: { query },
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, metricsFromBody);
  }

  /** The latest real-time metrics (summaries derived when an upstream server omits them). */
  async getRealtimeMetrics(options: CallOptions = {}): Promise<RealtimeMetrics> {
    const { data, response } = await this.#api.GET(`${API_PREFIX}/realtime`, {
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, realtimeFromBody);
  }

  /**
   * Start a report over a time range (the last 24 hours by default). Never sent twice: a retry
   * happens only when the server cannot have started the first one.
   */
  async generateReport(options: args.ReportOptions & CallOptions = {}): Promise<ReportResult> {
    const body = args.reportRequest(options);
    const { data, response } = await this.#api.POST(`${API_PREFIX}/report`, {
      body,
      bodySerializer: (form) => formBody(form ?? {}),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, reportFromBody);
  }

  /** Whether a report is still being written, and which files it has (reference server only). */
  async getReportStatus(reportId: string, options: CallOptions = {}): Promise<ReportStatusResult> {
    const report_id = checkedReportId(reportId);
    const { data, response } = await this.#api.GET(`${API_PREFIX}/reports/{report_id}`, {
      params: { path: { report_id } },
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, reportStatusFromBody);
  }

  /** One file of a report. */
  async getReportFile(
    reportId: string,
    fileName: string,
    options: CallOptions = {},
  ): Promise<FileResult> {
    const report_id = checkedReportId(reportId);
    const file_name = checkedFileName(fileName);
    const { data, response } = await this.#api.GET(
      `${API_PREFIX}/reports/{report_id}/{file_name}`,
      {
        params: { path: { report_id, file_name } },
        parseAs: "arrayBuffer",
        signal: options.signal ?? null,
      },
    );
    const url = this.reportFileUrl(report_id, file_name);
    return fileResult(data as unknown as ArrayBuffer | undefined, response, url);
  }

  /**
   * A PNG chart of a metric type, `width`×`height` inches at 100 dpi. (The Python client can
   * also open it in a browser; here `result.url` is the chart's address for that.)
   */
  async getVisualization(
    metricType: string,
    options: VisualizationCallOptions = {},
  ): Promise<FileResult> {
    const request = args.visualizationQuery(metricType, options);
    const query = request.query;
    const { data, response } = await this.#api.GET(`${API_PREFIX}/visualization/{metric_type}`, {
      params: { path: { metric_type: request.metricType }, query },
      parseAs: "arrayBuffer",
      signal: options.signal ?? null,
    });
    return fileResult(
      data as unknown as ArrayBuffer | undefined,
      response,
      this.visualizationUrl(request),
    );
  }

  /** The current telemetry settings. */
  async getConfig(options: CallOptions = {}): Promise<ConfigResult> {
    const { data, response } = await this.#api.GET(`${API_PREFIX}/config`, {
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, configFromBody);
  }

  /** Change the given settings (left out keeps a setting) and return them all. */
  async updateConfig(options: args.ConfigUpdateOptions & CallOptions = {}): Promise<ConfigResult> {
    const body = args.configUpdate(options);
    const { data, response } = await this.#api.POST(`${API_PREFIX}/config`, {
      body,
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, configFromBody);
  }

  /** A metric bucketed over time in one request (reference server only). */
  async getTimeSeries(options: args.TimeSeriesOptions & CallOptions): Promise<TimeSeriesResult> {
    const query = args.timeSeriesQuery(options);
    const { data, response } = await this.#api.GET(`${API_PREFIX}/timeseries`, {
      params: { query },
      parseAs: "text",
      signal: options.signal ?? null,
    });
    return parsed(data, response, timeSeriesFromBody);
  }

  /**
   * A metric averaged per bucket: 'hour', 'day', 'week' or a step in seconds (the last 24
   * hours by default). One server-side query where the server offers it; otherwise one
   * `getMetrics` request per bucket, at most 8 at a time.
   */
  async getMetricsOverTime(options: OverTimeOptions & CallOptions): Promise<MetricsOverTime> {
    const overTime = plan(options);
    const { signal, operationType, backend, status } = options;
    if (this.#offersTimeSeries) {
      try {
        const result = await this.getTimeSeries({
          metricType: overTime.metric_type,
          startTime: overTime.start_time,
          endTime: overTime.end_time,
          step: stepSeconds(overTime.interval),
          aggregation: "average",
          operationType,
          backend,
          status,
          signal,
        });
        return fromServerBuckets(overTime, result);
      } catch (error) {
        if (!isMissingOperation(error)) {
          throw error;
        }
        this.#offersTimeSeries = false;
      }
    }
    const getMetrics = (metrics: args.MetricsOptions): Promise<MetricsResult> =>
      this.getMetrics({ ...metrics, signal });
    return perBucketRequests(getMetrics, overTime, options);
  }

  /**
   * Call `callback(metrics, tick)` every `interval` seconds (5 by default) for `duration` (or
   * until `signal` aborts); resolves with the number of ticks. Ticks are drift-free. A failed
   * fetch (after the client's retries) goes to `onError` and monitoring goes on: the callback
   * still runs, with the last good reading and `tick.fresh` false, `tick.lastGoodAt` and
   * `tick.errorsSinceGood`. Alert rules are checked before the first request; firing and
   * resolved events go to `onAlert`.
   */
  async monitorRealtime(
    callback: (metrics: RealtimeMetrics | null, tick: MonitorTick) => void | Promise<void>,
    options: MonitorRealtimeOptions = {},
  ): Promise<number> {
    const rules = [...(options.alerts ?? [])];
    const alerts = rules.length ? new AlertEvaluator(rules, { onEvent: options.onAlert }) : null;
    return monitor((signal) => this.getRealtimeMetrics({ signal }), callback, {
      ...options,
      alerts,
    });
  }

  /** Real-time metrics every `interval` seconds as an async iterator; a failed fetch ends it. */
  iterRealtime(
    options: Pick<MonitorOptions, "interval" | "duration" | "signal"> = {},
  ): AsyncGenerator<RealtimeMetrics> {
    return iterate((signal) => this.getRealtimeMetrics({ signal }), options);
  }

  /**
   * Start a report and return a poller: `result({ timeout })`, `status()`, `done()`,
   * `cancel()`. It follows the server's report status, or, on servers without one, waits until
   * the report's page stops answering 404. The result has the report's id, files and URLs.
   */
  async beginGenerateReport(options: BeginReportOptions = {}): Promise<ReportPoller> {
    const report = await this.generateReport(options);
    const reportId = checkedReportId(report.report_id ?? "");
    return new ReportPoller(
      reportId,
      (signal) => this.reportProgress(reportId, { signal }),
      (fileName) => this.reportFileUrl(reportId, fileName),
      options,
    );
  }

  /** Where a report is: the server's status, or its page's existence where there is none. */
  async reportProgress(reportId: string, options: CallOptions = {}): Promise<ReportProgress> {
    const id = checkedReportId(reportId);
    if (this.#offersReportStatus) {
      try {
        const status = await this.getReportStatus(id, options);
        const detail = status.extra["error"];
        return {
          state: status.status,
          files: status.files,
          detail: typeof detail === "string" ? detail : null,
        };
      } catch (error) {
        if (!isMissingOperation(error)) {
          throw error;
        }
        this.#offersReportStatus = false;
      }
    }
    try {
      const page = await this.getReportFile(id, REPORT_PAGE, options);
      return progressFromPage(page.content ?? new Uint8Array());
    } catch (error) {
      if (error instanceof NotFoundError) {
        return { state: "pending", files: [], detail: null };
      }
      throw error;
    }
  }

  /** Whether the server has `GET /reports/{id}` (false once it answered a bare 404). */
  protected get offersReportStatus(): boolean {
    return this.#offersReportStatus;
  }

  /** The URL of one file of a report. */
  reportFileUrl(reportId: string, fileName: string): string {
    const id = checkedReportId(reportId);
    return `${this.baseUrl}${API_PREFIX}/reports/${id}/${checkedFileName(fileName)}`;
  }

  /** The chart's URL with its query, as a browser would fetch it. */
  private visualizationUrl(request: {
    metricType: string;
    query: args.VisualizationQuery;
  }): string {
    const url = new URL(`${this.baseUrl}${API_PREFIX}/visualization/${request.metricType}`);
    for (const [key, value] of Object.entries(request.query)) {
      url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/** A URL a server sent (often a path) resolved against the client's base URL. */
export function absoluteUrl(baseUrl: string, url: string): string {
  return new URL(url, `${baseUrl}/`).toString();
}

/**
 * The converter of each JSON operation's body: what `parsed()` applies after the envelope check.
 * @internal Exported for the conformance tests, which map response bodies without a server.
 */
export const BODY_CONVERTERS = {
  getMetrics: metricsFromBody,
  getRealtimeMetrics: realtimeFromBody,
  generateReport: reportFromBody,
  getReportStatus: reportStatusFromBody,
  getConfig: configFromBody,
  updateConfig: configFromBody,
  getTimeSeries: timeSeriesFromBody,
} as const;

/**
 * The `{"success": false}` check, then the body's conversion into a typed result.
 * @internal Exported for the conformance tests.
 */
export function parsed<T>(text: unknown, response: Response, convert: (body: unknown) => T): T {
  let body: unknown;
  try {
    body = JSON.parse(typeof text === "string" ? text : "");
  } catch (error) {
    throw invalidBody(error, response);
  }
  const failure = envelopeFailure(body);
  if (failure !== null) {
    throw failureFromEnvelope(failure.detail, response.status, response.headers);
  }
  try {
    return convert(body);
  } catch (error) {
    if (error instanceof BodyError) {
      throw invalidBody(error, response);
    }
    throw error;
  }
}

function invalidBody(error: unknown, response: Response): APIResponseValidationError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new APIResponseValidationError(
    `The server's response does not match the API (${reason})`,
    { statusCode: response.status, detail: reason, headers: response.headers },
  );
}

/**
 * A downloaded file.
 * @internal Exported for the conformance tests.
 */
export function fileResult(
  data: ArrayBuffer | undefined,
  response: Response,
  url: string,
): FileResult {
  return asResult({
    url,
    content: new Uint8Array(data ?? new ArrayBuffer(0)),
    content_type: response.headers.get("content-type"),
    saved_path: null,
    opened_in_browser: false,
  });
}

/** Whether an error is a 404 meaning the server has no such operation (a bare "Not Found"). */
export function isMissingOperation(error: unknown): boolean {
  return error instanceof NotFoundError && error.detail === "Not Found";
}

function formBody(form: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    params.set(key, String(value));
  }
  return params;
}

function resolveSettings(options: ClientOptions): Settings {
  const baseUrl = options.baseUrl ?? (environment(ENV_BASE_URL) || DEFAULT_BASE_URL);
  if (!/^https?:\/\//u.test(baseUrl)) {
    throw new RangeError(
      `baseUrl must start with http:// or https://, got ${JSON.stringify(baseUrl)}`,
    );
  }
  const apiKey = options.apiKey !== undefined ? options.apiKey : environment(ENV_API_KEY) || null;
  let timeout = options.timeout;
  if (timeout === undefined) {
    const text = (environment(ENV_TIMEOUT) ?? "").trim();
    timeout = text ? Number(text) : DEFAULT_TIMEOUT;
    if (Number.isNaN(timeout)) {
      throw new RangeError(
        `${ENV_TIMEOUT} must be a number of seconds, got ${JSON.stringify(text)}`,
      );
    }
  }
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0) {
    throw new RangeError(`timeout must be a finite number of seconds above 0, got ${timeout}`);
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number of at least 0, got ${maxRetries}`);
  }
  return { baseUrl: baseUrl.replace(/\/+$/u, ""), apiKey: apiKey || null, timeout, maxRetries };
}

/**
 * An environment variable where the runtime has them (Node, Bun, Deno with `--allow-env`);
 * undefined in browsers, edge runtimes, and where reading it is not permitted.
 */
function environment(name: string): string | undefined {
  const runtime = globalThis as { process?: { env?: Record<string, string | undefined> } };
  try {
    return runtime.process?.env?.[name];
  } catch {
    return undefined;
  }
}

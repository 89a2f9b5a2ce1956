/**
 * The client's exceptions: one tree rooted at `WALTelemetryError`, with the same class names as
 * the Python SDK (`wal_telemetry_sdk.errors`) so code and logs read the same in both languages.
 *
 * API errors (an error status, a `{"success": false}` body, a body that does not parse) are
 * `APIError`s. Network failures are `APIConnectionError`s, timeouts `APITimeoutError`s.
 * Invalid arguments are refused before anything is sent with a plain `RangeError` or
 * `TypeError` (Python raises `ValueError`), which are not `WALTelemetryError`s.
 */

const REQUEST_ID_HEADERS = ["x-request-id", "request-id"] as const;

/** Base class of every error the client throws on purpose. */
export class WALTelemetryError extends Error {
  override name = "WALTelemetryError";
}

/** What every `APIError` may carry about the response that caused it. */
export interface APIErrorOptions {
  /** The HTTP status, or null when the error did not come with one. */
  statusCode?: number | null;
  /** The server's `detail` (FastAPI), `error` (envelope) or an excerpt of the body. */
  detail?: unknown;
  /** The response's headers, kept to read the request id and for debugging. */
  headers?: Headers | null;
}

/** The server answered, but not with a usable result. */
export class APIError extends WALTelemetryError {
  override name = "APIError";
  /** The HTTP status, or null when there was none (a parse failure without a response). */
  readonly statusCode: number | null;
  /** The server's explanation, as sent: a string, FastAPI's list of failed checks, or null. */
  readonly detail: unknown;
  /** The response's headers, when there was a response. */
  readonly headers: Headers | null;
  /** The server's request id (`x-request-id` or `request-id`), to quote in bug reports. */
  readonly requestId: string | null;

  constructor(message: string, options: APIErrorOptions = {}) {
    const headers = options.headers ?? null;
    const requestId = requestIdOf(headers);
    super(requestId ? `${message} (request id ${requestId})` : message);
    this.statusCode = options.statusCode ?? null;
    this.detail = options.detail ?? null;
    this.headers = headers;
    this.requestId = requestId;
  }
}

/** The server answered with an error status. */
export class APIStatusError extends APIError {
  override name = "APIStatusError";
}

/** 400: an argument has a value the server does not accept. */
export class BadRequestError extends APIStatusError {
  override name = "BadRequestError";
}

/** 401: the server needs an API key, and none or a wrong one was sent. */
export class AuthenticationError extends APIStatusError {
  override name = "AuthenticationError";
}

/** 403: the API key may not do this. */
export class PermissionDeniedError extends APIStatusError {
  override name = "PermissionDeniedError";
}

/** 404: no such report, file or endpoint. */
export class NotFoundError extends APIStatusError {
  override name = "NotFoundError";
}

/** 422: a parameter or body field failed the server's validation. */
export class UnprocessableEntityError extends APIStatusError {
  override name = "UnprocessableEntityError";
}

/** 429: too many requests; retried automatically before it reaches you. */
export class RateLimitError extends APIStatusError {
  override name = "RateLimitError";
}

/** 5xx: the server (or a proxy in front of it) failed. */
export class InternalServerError extends APIStatusError {
  override name = "InternalServerError";
}

/** A successful status whose body is not what the API describes (not JSON, fields missing). */
export class APIResponseValidationError extends APIError {
  override name = "APIResponseValidationError";
}

/** The request could not be completed: refused, reset, DNS, TLS or protocol errors. */
export class APIConnectionError extends WALTelemetryError {
  override name = "APIConnectionError";

  constructor(message = "Connection error.", options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** The server did not answer within the client's timeout (retries included). */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";

  constructor(message = "Request timed out.", options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** A constructor of one of the status error classes. */
export type StatusErrorClass = new (message: string, options?: APIErrorOptions) => APIStatusError;

const STATUS_ERRORS: ReadonlyMap<number, StatusErrorClass> = new Map<number, StatusErrorClass>([
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [422, UnprocessableEntityError],
  [429, RateLimitError],
]);

/** The error class for an HTTP status; every 5xx shares `InternalServerError`. */
export function statusErrorClass(statusCode: number): StatusErrorClass {
  if (statusCode >= 500) {
    return InternalServerError;
  }
  return STATUS_ERRORS.get(statusCode) ?? APIStatusError;
}

function requestIdOf(headers: Headers | null): string | null {
  if (headers === null) {
    return null;
  }
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) {
      return value;
    }
  }
  return null;
}

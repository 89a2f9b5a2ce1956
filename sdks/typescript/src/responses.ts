/**
 * Status and body to error, in one place, as `wal_telemetry_sdk/_responses.py` does it: used by
 * the transport for error statuses and by the result parsers for `{"success": false}` bodies.
 */

import { APIError, type APIStatusError, statusErrorClass } from "./errors.js";

/** Reason phrases of error statuses, as Python's `http.HTTPStatus` (and so httpx) has them. */
const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Request Entity Too Large",
  414: "Request-URI Too Long",
  415: "Unsupported Media Type",
  416: "Requested Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  510: "Not Extended",
  511: "Network Authentication Required",
};

/** Longest excerpt of a body or detail put into an error message. */
export const MAX_DETAIL_CHARS = 300;

/** The typed error for an error status; the body may be JSON, HTML or nothing at all. */
export function errorFromResponse(
  statusCode: number,
  headers: Headers,
  content: Uint8Array,
): APIStatusError {
  const detail = errorDetail(content);
  // httpx takes the reason from the status code, not from the server, and so do we.
  const reason = REASONS[statusCode] ?? "Error";
  let message = `${statusCode} ${reason}`;
  if (detail !== null) {
    message += `: ${describeDetail(detail)}`;
  }
  const ErrorClass = statusErrorClass(statusCode);
  return new ErrorClass(message, { statusCode, detail, headers });
}

/** The error for a `{"success": false, "error": ...}` body sent with a 2xx status. */
export function failureFromEnvelope(
  detail: unknown,
  statusCode: number | null,
  headers: Headers | null,
): APIError {
  const described = describeDetail(detail) || "the server reported a failure";
  return new APIError(`API error: ${described}`, { statusCode, detail, headers });
}

/** The server's `detail` (FastAPI) or `error` (envelope), else a short excerpt of the body. */
export function errorDetail(content: Uint8Array): unknown {
  const text = new TextDecoder("utf-8").decode(content);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const excerpt = firstChars(text.trim().split(/\s+/u).filter(Boolean).join(" "));
    return excerpt || null;
  }
  if (isRecord(body)) {
    for (const key of ["detail", "error", "message"]) {
      const value = body[key];
      if (value !== undefined && value !== null && value !== "") {
        return value;
      }
    }
  }
  return body;
}

/** One line for a detail: a message as is, FastAPI's list of checks as `loc: msg; ...`. */
export function describeDetail(detail: unknown): string {
  if (detail === null || detail === undefined) {
    return "";
  }
  if (Array.isArray(detail) && detail.every(isRecord)) {
    return firstChars(detail.map(describeCheck).join("; "));
  }
  return firstChars(typeof detail === "string" ? detail : JSON.stringify(detail));
}

function describeCheck(item: Record<string, unknown>): string {
  const loc = Array.isArray(item["loc"]) ? (item["loc"] as unknown[]) : [];
  const location = loc
    .filter((part) => part !== "query" && part !== "body")
    .map(String)
    .join(".");
  const message = String(item["msg"] ?? "invalid");
  return location ? `${location}: ${message}` : message;
}

/** The first `MAX_DETAIL_CHARS` code points (Python slices strings by code point). */
function firstChars(text: string): string {
  return Array.from(text).slice(0, MAX_DETAIL_CHARS).join("");
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

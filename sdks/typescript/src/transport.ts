/**
 * The HTTP policy of every request, in one place, as `wal_telemetry_sdk/_transport.py` has it:
 * one deadline per call (the client's timeout, retries included, enforced with an
 * `AbortController`), retries of what is safe to retry, and the final outcome turned into the
 * client's errors, so the typed layer above only ever sees 2xx responses.
 *
 * Retried: connection errors, timeouts, 408, 429 and 5xx, with jittered exponential backoff or
 * the server's `Retry-After` (`Retry-After-Ms`), which is obeyed up to `maxRetryAfter` seconds;
 * a longer requested wait ends the call at once. `POST /report` creates a report each time, so it
 * is retried only when the server cannot have acted on it: after 408 or 429, or when the
 * connection was never established.
 */

import { APIConnectionError, APITimeoutError } from "./errors.js";
import { errorFromResponse } from "./responses.js";
import { sleep } from "./timers.js";

/** Backoff settings, in seconds. */
export interface RetryPolicy {
  /** Delay before the first retry; it doubles for every further one. */
  initialDelay: number;
  /** Longest backoff delay. */
  maxDelay: number;
  /** Longest `Retry-After` obeyed; a longer one is not waited for. */
  maxRetryAfter: number;
}

/** The Python SDK's backoff: 0.5 s doubling up to 8 s; `Retry-After` obeyed up to 60 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  initialDelay: 0.5,
  maxDelay: 8,
  maxRetryAfter: 60,
};

/** A `fetch` the client sends through: the global one, or yours (proxies, capture, tests). */
export type FetchLike = (input: Request) => Promise<Response>;

const RETRY_STATUSES = new Set([408, 429]);
const REFUSED_BEFORE_PROCESSING = new Set([408, 429]);
/** Error codes of connections that were never established: the server saw nothing. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/u;

/** Settings of one `Transport`. */
export interface TransportSettings {
  fetch: FetchLike;
  /** Seconds a whole call may take, retries included. */
  timeout: number;
  maxRetries: number;
  policy: RetryPolicy;
  /** Source of jitter in [0, 1); replaceable for tests. */
  random?: () => number;
}

/** Whether sending `request` twice does no harm; only `POST /report` creates something new. */
export function isReplaySafe(request: Request): boolean {
  return !(request.method === "POST" && new URL(request.url).pathname.endsWith("/report"));
}

/** The server's requested wait in seconds, from `Retry-After-Ms` or `Retry-After`, or null. */
export function retryAfterSeconds(headers: Headers, now: number = Date.now()): number | null {
  const millis = headers.get("retry-after-ms");
  if (millis && NUMBER.test(millis)) {
    return Number(millis) / 1000;
  }
  const value = headers.get("retry-after");
  if (!value) {
    return null;
  }
  if (NUMBER.test(value)) {
    return Number(value);
  }
  const moment = Date.parse(value);
  return Number.isNaN(moment) ? null : (moment - now) / 1000;
}

/**
 * The retry bookkeeping of one call: retries left and the deadline every attempt shares.
 * Delays are in seconds; null means "do not retry".
 */
export class RetryBudget {
  retriesTaken = 0;
  readonly deadline: number;

  constructor(
    private readonly settings: TransportSettings,
    now: number = performance.now(),
  ) {
    this.deadline = now + settings.timeout * 1000;
  }

  /** Milliseconds left before the deadline. */
  remaining(): number {
    return this.deadline - performance.now();
  }

  /** The delay before retrying after a network error or timeout. */
  delayAfterError(request: Request, notSent: boolean): number | null {
    if (!isReplaySafe(request) && !notSent) {
      return null;
    }
    return this.nextDelay(null);
  }

  /** The delay before retrying after an error status. */
  delayAfterResponse(request: Request, status: number, headers: Headers): number | null {
    if (!RETRY_STATUSES.has(status) && status < 500) {
      return null;
    }
    if (!isReplaySafe(request) && !REFUSED_BEFORE_PROCESSING.has(status)) {
      return null;
    }
    return this.nextDelay(retryAfterSeconds(headers));
  }

  private nextDelay(retryAfter: number | null): number | null {
    const policy = this.settings.policy;
    if (this.retriesTaken >= this.settings.maxRetries) {
      return null;
    }
    let delay: number;
    if (retryAfter !== null && Number.isFinite(retryAfter)) {
      if (retryAfter > policy.maxRetryAfter) {
        return null;
      }
      delay = Math.max(retryAfter, 0);
    } else {
      const backoff = Math.min(policy.initialDelay * 2 ** this.retriesTaken, policy.maxDelay);
      delay = backoff * (1 - 0.25 * (this.settings.random ?? Math.random)());
    }
    if (performance.now() + delay * 1000 >= this.deadline) {
      return null;
    }
    this.retriesTaken += 1;
    return delay;
  }
}

/** Sends requests with the policy above; one instance per client, shared by its copies. */
export class Transport {
  constructor(readonly settings: TransportSettings) {}

  /** A transport with other limits that sends through the same `fetch`. */
  with(changes: Partial<Pick<TransportSettings, "timeout" | "maxRetries">>): Transport {
    return new Transport({ ...this.settings, ...changes });
  }

  /**
   * Send `request` (its own `signal`, if any, cancels the call) and return a 2xx response whose
   * body has been read in full within the deadline. Anything else throws a client error.
   */
  async send(request: Request): Promise<Response> {
    const budget = new RetryBudget(this.settings);
    const caller = request.signal;
    for (;;) {
      const remaining = budget.remaining();
      if (caller.aborted) {
        throw caller.reason;
      }
      if (remaining <= 0) {
        throw new APITimeoutError();
      }
      // One controller per attempt, aborted by the deadline or by the caller's signal (cheaper
      // than AbortSignal.any, which costs a measurable share of a loopback call).
      const attempt = new AbortController();
      const timeout = setTimeout(() => attempt.abort(), remaining);
      const forward = (): void => attempt.abort(caller.reason);
      caller.addEventListener("abort", forward, { once: true });
      const stopTimers = (): void => {
        clearTimeout(timeout);
        caller.removeEventListener("abort", forward);
      };
      let response: Response;
      let content: Uint8Array<ArrayBuffer>;
      try {
        // A body can be sent once: keep the original for a retry, send a copy.
        const sent = request.body === null ? request : request.clone();
        response = await this.settings.fetch(
          new Request(sent, { signal: attempt.signal, redirect: "manual" }),
        );
      } catch (error) {
        stopTimers();
        const failure = this.failure(error, caller, attempt.signal);
        const delay = budget.delayAfterError(request, isNotSent(error));
        if (delay === null) {
          throw failure;
        }
        await sleep(delay, caller);
        continue;
      }
      try {
        content = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw this.failure(error, caller, attempt.signal);
      } finally {
        stopTimers();
      }
      if (response.status >= 200 && response.status < 300) {
        return readResponse(response, content);
      }
      const delay = budget.delayAfterResponse(request, response.status, response.headers);
      if (delay === null) {
        throw errorFromResponse(response.status, response.headers, content);
      }
      await sleep(delay, caller);
    }
  }

  /** The error for a failed attempt: the caller's abort reason, a timeout or a network error. */
  private failure(error: unknown, caller: AbortSignal, attempt: AbortSignal): unknown {
    if (caller.aborted) {
      return caller.reason;
    }
    if (attempt.aborted) {
      return new APITimeoutError("Request timed out.", { cause: error });
    }
    return new APIConnectionError(`Connection error: ${describeNetworkError(error)}`, {
      cause: error,
    });
  }
}

/**
 * A 2xx response whose body is already in memory, for the typed layer to parse: the parts of
 * `Response` that openapi-fetch and the client read. (A new `Response` would put the bytes
 * through a second web stream on every call, a measurable share of a loopback call.)
 */
function readResponse(response: Response, content: Uint8Array<ArrayBuffer>): Response {
  const text = async (): Promise<string> => new TextDecoder("utf-8").decode(content);
  const read: Pick<
    Response,
    "status" | "statusText" | "ok" | "headers" | "url" | "text" | "arrayBuffer" | "json"
  > = {
    status: response.status,
    statusText: response.statusText,
    ok: true,
    headers: response.headers,
    url: response.url,
    text,
    arrayBuffer: async () => content.buffer,
    json: async () => JSON.parse(await text()) as unknown,
  };
  return read as Response;
}

/** Whether a fetch failure happened before any byte could reach the server. */
function isNotSent(error: unknown): boolean {
  return NOT_SENT_CODES.has(errorCode(error) ?? "");
}

function errorCode(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function describeNetworkError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

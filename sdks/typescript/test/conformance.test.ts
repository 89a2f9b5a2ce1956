/**
 * The shared conformance cases (`tests/conformance/`), run against the TypeScript client; the
 * Python SDK runs the same files under pytest.
 *
 * Requests are built by the real client and captured by the `fetch` it is given, before they
 * would leave the process. Responses go through the client's own mapping without any server:
 * `errorFromResponse` for error statuses (what the transport throws), else `parsed()` with the
 * operation's converter, or `fileResult()` for files. Retry cases inject statuses and
 * connection failures through `fetch`, counting attempts.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { BODY_CONVERTERS, fileResult, parsed, WALTelemetryClient } from "../src/client.js";
import { toDict } from "../src/models.js";
import { errorFromResponse } from "../src/responses.js";
import {
  BASE_URL,
  camelCase,
  firstResultCase,
  type Json,
  loadOperations,
  loadRetryCases,
  mismatches,
  type OperationCases,
  parameterMismatches,
  type RequestCase,
  responseOf,
  type ResponseCase,
  type RetryStep,
} from "./shared.js";

const OPERATIONS = loadOperations();
/** Arguments passed by position, in order; the others go into the options object. */
const POSITIONAL: Record<string, string[]> = {
  getReportFile: ["report_id", "file_name"],
  getReportStatus: ["report_id"],
  getVisualization: ["metric_type"],
};
const FILE_OPERATIONS = new Set(["getReportFile", "getVisualization"]);

type Method = (...args: unknown[]) => Promise<unknown>;

/** Call the client method of `operation` with a case's (snake_case) arguments. */
function call(
  client: WALTelemetryClient,
  operation: string,
  args: Record<string, Json>,
): Promise<unknown> {
  const positional = POSITIONAL[operation] ?? [];
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    if (!positional.includes(name)) {
      options[camelCase(name)] = value;
    }
  }
  const method = (client as unknown as Record<string, Method>)[operation];
  assert.ok(method, `the client has no ${operation}()`);
  return method.call(client, ...positional.map((name) => args[name]), options);
}

/** A response case through the client's mapping, as the client would map it. */
async function mapResponse(operation: string, item: ResponseCase): Promise<unknown> {
  const response = responseOf(item);
  const content = new Uint8Array(await response.arrayBuffer());
  if (response.status < 200 || response.status >= 300) {
    throw errorFromResponse(response.status, response.headers, content);
  }
  if (FILE_OPERATIONS.has(operation)) {
    const result = fileResult(content.buffer as ArrayBuffer, response, BASE_URL);
    return {
      content_type: result.content_type,
      content_base64: Buffer.from(result.content ?? new Uint8Array()).toString("base64"),
    };
  }
  const convert: ((body: unknown) => unknown) | undefined =
    BODY_CONVERTERS[operation as keyof typeof BODY_CONVERTERS];
  assert.ok(convert, `no converter for ${operation}`);
  return toDict(parsed(new TextDecoder().decode(content), response, convert));
}

async function checkRequest(operation: OperationCases, item: RequestCase): Promise<void> {
  const captured: Request[] = [];
  const answer = firstResultCase(operation);
  const client = new WALTelemetryClient({
    baseUrl: BASE_URL,
    apiKey: item.client?.api_key ?? null,
    maxRetries: 0,
    fetch: async (request) => {
      captured.push(request);
      return responseOf(answer);
    },
  });
  const expect = item.expect;
  if (expect.rejected) {
    await assert.rejects(
      call(client, operation.operation, item.args),
      (error) => error instanceof RangeError || error instanceof TypeError,
    );
    assert.equal(captured.length, 0);
    return;
  }
  await call(client, operation.operation, item.args);
  assert.equal(captured.length, 1);
  const request = captured[0] as Request;
  const url = new URL(request.url);
  const problems: string[] = [];
  if (request.method !== expect.method) problems.push(`method ${request.method}`);
  if (url.pathname !== expect.path) problems.push(`path ${url.pathname} != ${expect.path}`);
  problems.push(...parameterMismatches(url.searchParams, expect.query ?? {}, "query"));
  const text = await request.text();
  if (expect.body === undefined) {
    if (text) problems.push(`unexpected body ${text}`);
  } else {
    const contentType = request.headers.get("content-type") ?? "";
    if (!contentType.startsWith(expect.content_type ?? "")) {
      problems.push(`content-type ${contentType} != ${expect.content_type}`);
    } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
      problems.push(
        ...parameterMismatches(
          new URLSearchParams(text),
          expect.body as Record<string, Json>,
          "body",
        ),
      );
    } else {
      problems.push(...mismatches(JSON.parse(text), expect.body, "body"));
    }
  }
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    if (request.headers.get(name) !== value) {
      problems.push(`header ${name}: ${request.headers.get(name)} != ${value}`);
    }
  }
  assert.deepEqual(problems, []);
}

async function checkResponse(operation: string, item: ResponseCase): Promise<void> {
  if (item.expect.result !== undefined) {
    assert.deepEqual(mismatches(await mapResponse(operation, item), item.expect.result), []);
    return;
  }
  const want = item.expect.error ?? {};
  let error: unknown = null;
  try {
    await mapResponse(operation, item);
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof Error, "expected an error");
  const fields = error as Error & { statusCode?: number | null; detail?: unknown };
  const got: Record<string, unknown> = {
    class: fields.name,
    status_code: fields.statusCode ?? null,
  };
  if ("detail" in want) {
    got["detail"] = fields.detail ?? null;
  }
  assert.deepEqual(mismatches(got, want), []);
}

for (const [name, operation] of OPERATIONS) {
  describe(name, () => {
    for (const item of operation.requests) {
      it(`request: ${item.name}`, () => checkRequest(operation, item));
    }
    for (const item of operation.responses) {
      it(`response: ${item.name}`, () =>
        asDeviation(item.known_deviation?.["typescript"], () => checkResponse(name, item)));
    }
  });
}

/** What one attempt of a retry case does: answer, or fail like undici does. */
function attempt(step: RetryStep, operation: string): Response {
  if (step.network !== undefined) {
    const code = step.network === "connect" ? "ECONNREFUSED" : "ECONNRESET";
    throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
  }
  if (step.body_from === "first_result") {
    return responseOf(firstResultCase(OPERATIONS.get(operation) as OperationCases));
  }
  return responseOf(step);
}

describe("retry policy", () => {
  for (const item of loadRetryCases()) {
    it(item.name, async () => {
      let attempts = 0;
      const client = new WALTelemetryClient({
        baseUrl: BASE_URL,
        maxRetries: item.client?.max_retries ?? 2,
        retryPolicy: { initialDelay: 0.001 },
        fetch: async () => {
          const step = item.attempts[attempts];
          attempts += 1;
          assert.ok(step, "more attempts than the case describes");
          return attempt(step, item.operation);
        },
      });
      let outcome = "result";
      try {
        await call(client, item.operation, item.args);
      } catch (error) {
        outcome = error instanceof Error ? error.name : String(error);
      }
      assert.deepEqual([attempts, outcome], [item.expect.attempts, item.expect.outcome]);
    });
  }
});

/**
 * A case this client is known not to meet yet (`known_deviation.typescript`) must still fail,
 * as Python's strict xfail: once it passes, the mark is stale and this says so.
 */
async function asDeviation(reason: string | undefined, check: () => Promise<void>): Promise<void> {
  if (reason === undefined) {
    return check();
  }
  const met = await check().then(
    () => true,
    () => false,
  );
  assert.ok(!met, `the case now passes: remove its known_deviation.typescript (${reason})`);
}

/**
 * What the shared cases cannot express: deadlines and cancellation (AbortController), the
 * backoff schedule, `Retry-After` parsing, replaying a request body, saving files (Node entry
 * point), and `toDict()`. Faults are injected through the client's `fetch`.
 */

import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  APIConnectionError,
  APITimeoutError,
  InternalServerError,
  toDict,
  WALTelemetryClient,
} from "../src/index.js";
import { realtimeFromBody } from "../src/dialects.js";
import { WALTelemetryClient as NodeClient } from "../src/node.js";
import { DEFAULT_RETRY_POLICY, RetryBudget, retryAfterSeconds } from "../src/transport.js";

const BASE_URL = "http://wal.test";
const CONFIG = { success: true, config: { retention_days: 7 } };

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A `fetch` that never answers, until the request is aborted. */
function hanging(request: Request): Promise<Response> {
  return new Promise((_, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  });
}

describe("deadlines", () => {
  it("a call that outlives the timeout fails with APITimeoutError", async () => {
    const client = new WALTelemetryClient({ baseUrl: BASE_URL, timeout: 0.05, fetch: hanging });
    const started = performance.now();
    await assert.rejects(client.getConfig(), APITimeoutError);
    assert.ok(performance.now() - started < 1000);
  });

  it("the timeout covers retries: no retry starts after the deadline", async () => {
    let attempts = 0;
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      timeout: 0.2,
      maxRetries: 5,
      retryPolicy: { initialDelay: 0.15 },
      fetch: async () => {
        attempts += 1;
        return json({ detail: "busy" }, 503);
      },
    });
    await assert.rejects(client.getConfig(), InternalServerError);
    assert.ok(attempts <= 2, `${attempts} attempts`);
  });

  it("a slow body counts against the timeout too", async () => {
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      timeout: 0.05,
      fetch: async (request) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"success": true, '));
            request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
          },
        });
        return new Response(body, { headers: { "content-type": "application/json" } });
      },
    });
    await assert.rejects(client.getConfig(), APITimeoutError);
  });

  it("the caller's signal cancels the call with its reason, without retrying", async () => {
    let attempts = 0;
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      fetch: (request) => {
        attempts += 1;
        return hanging(request);
      },
    });
    const controller = new AbortController();
    const call = client.getRealtimeMetrics({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 10);
    await assert.rejects(call, { message: "stop" });
    assert.equal(attempts, 1);
  });

  it("withOptions() changes limits and keeps the fetch", async () => {
    let attempts = 0;
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      retryPolicy: { initialDelay: 0.001 },
      fetch: async () => {
        attempts += 1;
        return json({ detail: "down" }, 502);
      },
    });
    const copy = client.withOptions({ maxRetries: 0, timeout: 5 });
    assert.deepEqual([copy.maxRetries, copy.timeout, copy.baseUrl], [0, 5, BASE_URL]);
    await assert.rejects(copy.getConfig(), InternalServerError);
    assert.equal(attempts, 1);
  });
});

describe("retries", () => {
  it("backoff doubles from 0.5 s up to 8 s, minus up to 25% jitter", () => {
    const settings = { fetch, timeout: 1000, maxRetries: 10, policy: DEFAULT_RETRY_POLICY };
    const request = new Request(`${BASE_URL}/api/v0/wal/telemetry/config`);
    const none = new Headers();
    const slowest = new RetryBudget({ ...settings, random: () => 0 });
    const delays = Array.from({ length: 6 }, () => slowest.delayAfterResponse(request, 503, none));
    assert.deepEqual(delays, [0.5, 1, 2, 4, 8, 8]);
    const fastest = new RetryBudget({ ...settings, random: () => 0.999999 });
    const first = fastest.delayAfterResponse(request, 503, none) ?? 0;
    assert.ok(first > 0.375 && first < 0.376, String(first));
  });

  it("Retry-After is read as seconds, an HTTP date, or Retry-After-Ms", () => {
    const now = Date.parse("2026-11-28T10:00:00Z");
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": "2" }), now), 2);
    assert.equal(
      retryAfterSeconds(new Headers({ "retry-after": "Sat, 28 Nov 2026 10:00:05 GMT" }), now),
      5,
    );
    assert.equal(
      retryAfterSeconds(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now),
      0.25,
    );
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": "soon" }), now), null);
    assert.equal(retryAfterSeconds(new Headers({ "retry-after": " " }), now), null);
  });

  it("a retried POST sends the same body again", async () => {
    const bodies: string[] = [];
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      fetch: async (request) => {
        bodies.push(await request.text());
        return bodies.length === 1
          ? json({ detail: "busy" }, 503, { "retry-after": "0" })
          : json(CONFIG);
      },
    });
    await client.updateConfig({ retentionDays: 7 });
    assert.deepEqual(bodies, ['{"retention_days":7}', '{"retention_days":7}']);
  });

  it("a connection error names its cause", async () => {
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      maxRetries: 0,
      fetch: async () => {
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
            code: "ECONNREFUSED",
          }),
        });
      },
    });
    await assert.rejects(client.getConfig(), (error: unknown) => {
      assert.ok(error instanceof APIConnectionError && !(error instanceof APITimeoutError));
      assert.match(error.message, /ECONNREFUSED/u);
      return true;
    });
  });
});

describe("calls built from other calls", () => {
  it("getVisualization with savePath writes the chart atomically", async () => {
    const folder = await mkdtemp(join(tmpdir(), "wal-telemetry-ts-"));
    try {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
      const client = new NodeClient({
        baseUrl: BASE_URL,
        fetch: async () => new Response(png, { headers: { "content-type": "image/png" } }),
      });
      const target = join(folder, "chart.png");
      const result = await client.getVisualization("throughput", { savePath: target, width: 2 });
      assert.equal(result.saved_path, target);
      assert.equal(
        result.url,
        `${BASE_URL}/api/v0/wal/telemetry/visualization/throughput?width=2&height=8`,
      );
      assert.deepEqual(new Uint8Array(await readFile(target)), png);
      assert.deepEqual(await readdir(folder), ["chart.png"]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("toDict", () => {
  it("merges a result's extra fields but copies label maps as they are", () => {
    const result = realtimeFromBody({
      success: true,
      build: "x",
      status_distribution: { extra: 2 },
    });
    const plain = toDict(result) as Record<string, unknown>;
    assert.equal(plain["build"], "x");
    assert.ok(!("extra" in plain));
    assert.deepEqual(plain["status_distribution"], { extra: 2 });
  });
});

/**
 * What the shared helper cases cannot express: the monitor's schedule, stale marking, stopping
 * and error policy, the async iterator, poller timeouts and cancellation, and report downloads.
 * Live tests talk to a reference server on loopback; faults are injected through `fetch`.
 */

import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  APIConnectionError,
  type MonitorTick,
  type RealtimeMetrics,
  type Report,
  WALTelemetryClient,
} from "../src/index.js";
import { WALTelemetryClient as NodeClient } from "../src/node.js";
import { startReferenceServer, type ReferenceServer } from "./server.js";

const BASE_URL = "http://wal.test";
const REALTIME = { success: true, operation_latency: { average: 12.5 }, queue_size: { value: 3 } };

/** A client whose `fetch` answers real-time requests from `answer(call)` (0-based). */
function scripted(answer: (call: number) => Response | Promise<Response>): {
  client: WALTelemetryClient;
  calls: () => number;
} {
  let calls = 0;
  const client = new WALTelemetryClient({
    baseUrl: BASE_URL,
    maxRetries: 0,
    fetch: async () => answer(calls++),
  });
  return { client, calls: () => calls };
}

const ok = (body: object = REALTIME): Response => Response.json(body);

/** A signal that aborts once `ticks` ticks have been seen: ends a monitor after a tick count. */
function afterTicks(ticks: number): { signal: AbortSignal; seen: () => void } {
  const controller = new AbortController();
  let seen = 0;
  return {
    signal: controller.signal,
    seen: () => {
      seen += 1;
      if (seen === ticks) {
        controller.abort();
      }
    },
  };
}
const down = (): Response => Response.json({ detail: "down" }, { status: 503 });

describe("monitorRealtime", () => {
  it("marks ticks stale while fetches fail, with the last good reading and the error count", async () => {
    const script = [ok(), down(), down(), ok({ ...REALTIME, queue_size: { value: 4 } })];
    const { client } = scripted((call) => script[call] ?? ok());
    const ticks: [number | null, MonitorTick][] = [];
    const errors: number[] = [];
    const stop = afterTicks(4);
    const count = await client.monitorRealtime(
      (metrics, tick) => {
        ticks.push([metrics?.queue_size.value ?? null, tick]);
        stop.seen();
      },
      { interval: 0.01, signal: stop.signal, onError: (_, iteration) => errors.push(iteration) },
    );
    assert.equal(count, 4);
    assert.deepEqual(
      ticks.map(([queue, tick]) => [queue, tick.iteration, tick.fresh, tick.errorsSinceGood]),
      [
        [3, 0, true, 0],
        [3, 1, false, 1],
        [3, 2, false, 2],
        [4, 3, true, 0],
      ],
    );
    const [first, second, third, fourth] = ticks.map(([, tick]) => tick);
    assert.ok(first && second && third && fourth);
    assert.equal(second.lastGoodAt, first.lastGoodAt);
    assert.equal(third.lastGoodAt, first.lastGoodAt);
    assert.ok((fourth.lastGoodAt ?? 0) > (first.lastGoodAt ?? Infinity));
    assert.ok(Math.abs((first.lastGoodAt ?? 0) - Date.now() / 1000) < 5, "Unix seconds");
    assert.equal(second.error?.constructor.name, "InternalServerError");
    assert.deepEqual(errors, [1, 2]);
  });

  it("before any good reading a stale tick has no reading and no lastGoodAt", async () => {
    const { client } = scripted(() => down());
    const ticks: [RealtimeMetrics | null, MonitorTick][] = [];
    const stop = afterTicks(2);
    await client.monitorRealtime(
      (metrics, tick) => {
        ticks.push([metrics, tick]);
        stop.seen();
      },
      { interval: 0.01, signal: stop.signal },
    );
    assert.deepEqual(
      ticks.map(([metrics, tick]) => [metrics, tick.fresh, tick.lastGoodAt, tick.errorsSinceGood]),
      [
        [null, false, null, 1],
        [null, false, null, 2],
      ],
    );
  });

  it("is drift-free: a slow fetch skips the slots it missed instead of bursting", async () => {
    const at: number[] = []; // when each tick's fetch starts
    let started = 0;
    const { client } = scripted(async (call) => {
      at.push(performance.now() - started);
      if (call === 1) {
        await new Promise((resolve) => setTimeout(resolve, 130));
      }
      return ok();
    });
    const stop = afterTicks(4);
    started = performance.now();
    await client.monitorRealtime(stop.seen, { interval: 0.05, signal: stop.signal });
    // Slots every 50 ms; tick 1 (at 50 ms) takes 130 ms, so slots 100 and 150 are missed: the
    // next tick waits for slot 200 rather than firing at once to catch up, and ticks stay a slot
    // apart.
    const shown = at.map((time) => time.toFixed(0)).join(", ");
    assert.equal(at.length, 4, shown);
    assert.ok((at[2] ?? 0) >= 195, shown);
    const gaps = at.slice(1).map((time, index) => time - (at[index] ?? 0));
    assert.ok(
      gaps.every((gap) => gap >= 45),
      `no burst: ${shown}`,
    );
  });

  it("checks alert rules before the first request, and alerts only on fresh readings", async () => {
    const { client, calls } = scripted(() => ok());
    await assert.rejects(
      client.monitorRealtime(() => undefined, { alerts: ["operation_latency.p95 > 5"] }),
      /unknown field 'operation_latency.p95'; valid fields .*operation_latency\.percentile_95/u,
    );
    assert.equal(calls(), 0);

    const script = [ok(), down(), ok()];
    const events: [number, string][] = [];
    const live = scripted((call) => script[call] ?? ok());
    const stop = afterTicks(3);
    await live.client.monitorRealtime(stop.seen, {
      interval: 0.01,
      signal: stop.signal,
      alerts: ["queue_size.value > 2 for 2"],
      onAlert: (event) => events.push([event.iteration, event.state]),
    });
    assert.deepEqual(events, [[2, "firing"]]);
  });

  it("an aborted signal ends it at once, cancelling the fetch in flight", async () => {
    const controller = new AbortController();
    const client = new WALTelemetryClient({
      baseUrl: BASE_URL,
      fetch: (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        ),
    });
    const ticks: MonitorTick[] = [];
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    const count = await client.monitorRealtime((_, tick) => void ticks.push(tick), {
      interval: 10,
      signal: controller.signal,
    });
    assert.ok(performance.now() - started < 1000);
    assert.equal(count, 1);
    assert.deepEqual(ticks, [], "an aborted fetch is not an error");
  });

  it("an error thrown by the callback ends the monitor with that error", async () => {
    const { client, calls } = scripted(() => ok());
    await assert.rejects(
      client.monitorRealtime(
        () => {
          throw new Error("broken screen");
        },
        { interval: 0.01 },
      ),
      /broken screen/u,
    );
    assert.equal(calls(), 1);
  });
});

describe("iterRealtime", () => {
  it("yields a reading per tick until the loop is left", async () => {
    const { client, calls } = scripted(() => ok());
    const seen: number[] = [];
    for await (const metrics of client.iterRealtime({ interval: 0.01 })) {
      seen.push(metrics.operation_latency.average ?? 0);
      if (seen.length === 3) {
        break;
      }
    }
    assert.deepEqual(seen, [12.5, 12.5, 12.5]);
    assert.equal(calls(), 3);
  });

  it("a failed fetch ends it with the error", async () => {
    const { client } = scripted((call) => (call === 0 ? ok() : down()));
    const seen: RealtimeMetrics[] = [];
    await assert.rejects(async () => {
      for await (const metrics of client.iterRealtime({ interval: 0.01 })) {
        seen.push(metrics);
      }
    }, /503/u);
    assert.equal(seen.length, 1);
  });
});

describe("report pollers", () => {
  const pending = (): Response => Response.json({ report_id: "r9", status: "running" });

  function reportClient(status: () => Response): WALTelemetryClient {
    return new WALTelemetryClient({
      baseUrl: BASE_URL,
      fetch: async (request) =>
        request.url.endsWith("/report")
          ? Response.json({ success: true, report_id: "r9", status: "pending" })
          : status(),
    });
  }

  it("result() times out with a TimeoutError while polling goes on", async () => {
    let complete = false;
    const client = reportClient(() =>
      complete
        ? Response.json({ report_id: "r9", status: "complete", files: ["a.png"] })
        : pending(),
    );
    const poller = await client.beginGenerateReport({ interval: 0.01 });
    await assert.rejects(poller.result({ timeout: 0.05 }), (error: Error) => {
      assert.equal(error.name, "TimeoutError");
      assert.match(error.message, /report r9 not complete after 0.05 s \(state: running\)/u);
      return true;
    });
    assert.equal(poller.done(), false);
    complete = true;
    const report = await poller.result({ timeout: 5 });
    assert.deepEqual(report.files, ["a.png"]);
    assert.equal(report.urls["a.png"], `${BASE_URL}/api/v0/wal/telemetry/reports/r9/a.png`);
  });

  it("cancel() ends polling; result() rejects with an AbortError", async () => {
    const client = reportClient(pending);
    const poller = await client.beginGenerateReport({ interval: 0.01 });
    poller.cancel();
    await assert.rejects(poller.result(), { name: "AbortError" });
    assert.equal(poller.done(), true);
  });
});

describe("against a reference server", () => {
  let server: ReferenceServer;
  let folder: string;
  let report: Report; // one report for the download tests: the server draws its charts once

  before(async () => {
    server = await startReferenceServer(11);
    folder = await mkdtemp(join(tmpdir(), "wal-telemetry-ts-download-"));
    const poller = await new WALTelemetryClient({ baseUrl: server.url }).beginGenerateReport({
      interval: 0.1,
    });
    report = await poller.result({ timeout: 60 });
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    await server?.stop();
  });

  it("downloadReport saves every file of the report", async () => {
    const client = new NodeClient({ baseUrl: server.url });
    const target = join(folder, "complete");
    const written = await client.downloadReport(report.reportId, target, { timeout: 60 });
    assert.deepEqual(written, report.files.map((name) => join(target, name)).sort());
    assert.deepEqual((await readdir(target)).sort(), [...report.files].sort());
    const page = await readFile(join(target, "report.html"), "utf8");
    assert.match(page, /WAL telemetry report/u);
  });

  it("downloadReport writes nothing unless every file arrived", async () => {
    const client = new NodeClient({
      baseUrl: server.url,
      maxRetries: 0,
      fetch: (request) =>
        request.url.endsWith(".png")
          ? Promise.resolve(Response.json({ detail: "disk error" }, { status: 500 }))
          : fetch(request),
    });
    const target = join(folder, "partial");
    await assert.rejects(
      client.downloadReport(report.reportId, target),
      /500 Internal Server Error/u,
    );
    assert.deepEqual(
      await readdir(folder).then((names) => names.filter((n) => n !== "complete")),
      [],
    );
  });

  it("a monitor marks ticks stale once the server is gone", async () => {
    const own = await startReferenceServer(12);
    const client = new WALTelemetryClient({ baseUrl: own.url, maxRetries: 0, timeout: 2 });
    const ticks: MonitorTick[] = [];
    const stop = afterTicks(5);
    try {
      await client.monitorRealtime(
        async (_, tick) => {
          ticks.push(tick);
          stop.seen();
          if (tick.iteration === 1) {
            await own.stop(); // the server is gone before the next tick
          }
        },
        { interval: 0.05, signal: stop.signal },
      );
    } finally {
      await own.stop();
    }
    assert.deepEqual(
      ticks.map((tick) => [tick.fresh, tick.errorsSinceGood]),
      [
        [true, 0],
        [true, 0],
        [false, 1],
        [false, 2],
        [false, 3],
      ],
    );
    assert.ok(ticks.slice(2).every((tick) => tick.error instanceof APIConnectionError));
    assert.ok(ticks.slice(2).every((tick) => tick.lastGoodAt === ticks[1]?.lastGoodAt));
  });
});

/**
 * The shared helper cases (`tests/conformance/helpers/*.json`), run against the TypeScript SDK;
 * the Python SDK runs the same files under pytest (`tests/conformance/test_helpers.py`).
 *
 * HTTP goes through the real client into its `fetch`, which answers each path from the case's
 * script. Snake_case names of the cases are passed in camelCase, this SDK's idiom.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import {
  ALERT_FIELDS,
  AlertEvaluator,
  type AlertEvent,
  AlertRule,
  formatNumber,
  type ReportProgress,
  TimeSeries,
  WALTelemetryClient,
} from "../src/index.js";
import { bounds, plan } from "../src/overTime.js";
import { camelCase, type Json, mismatches, ROOT } from "./shared.js";

const HELPERS = join(ROOT, "tests", "conformance", "helpers");
const API_PREFIX = "/api/v0/wal/telemetry";

type Case = { name: string; expect: Record<string, Json> } & Record<string, Json>;

function load(name: string): Record<string, Json> {
  return JSON.parse(readFileSync(join(HELPERS, `${name}.json`), "utf8")) as Record<string, Json>;
}

const ALERTS = load("alerts");
const OVER_TIME = load("over_time");
const POLLER = load("report_poller");
const TIMESERIES = load("timeseries");

/** Snake_case keys of a case's arguments in camelCase. */
function camelKeys(args: Json | undefined): Record<string, Json> {
  return Object.fromEntries(
    Object.entries((args ?? {}) as Record<string, Json>).map(([key, value]) => [
      camelCase(key),
      value,
    ]),
  );
}

/** The message of what `action` throws. */
function thrown(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail("nothing was thrown");
}

function assertAgrees(actual: unknown, expected: unknown, where = "$"): void {
  assert.deepEqual(mismatches(actual, expected, where), []);
}

describe("shared cases: alert rules", () => {
  it("the valid fields are the shared list", () => {
    assert.deepEqual([...ALERT_FIELDS], ALERTS["valid_fields"]);
  });

  for (const item of ALERTS["parse"] as Case[]) {
    it(`parse: ${item.name}`, () => {
      const rule = String(item["rule"]);
      if ("error" in item.expect) {
        assert.ok(thrown(() => AlertRule.parse(rule)).includes(String(item.expect["error"])));
        return;
      }
      const parsed = AlertRule.parse(rule) as unknown as Record<string, unknown>;
      const actual = Object.fromEntries(
        Object.keys(item.expect).map((key) => [key, parsed[camelCase(key)]]),
      );
      assertAgrees(actual, item.expect);
    });
  }

  for (const item of ALERTS["fields"] as Case[]) {
    it(`fields: ${item.name}`, () => {
      const rule = String(item["rule"]);
      if (item.expect["accepted"]) {
        assert.equal(new AlertEvaluator([rule]).rules[0]?.field, rule.split(" ")[0]);
        return;
      }
      const message = thrown(() => new AlertEvaluator([rule]));
      const fields = (ALERTS["valid_fields"] as string[]).join(", ");
      assert.equal(message, `${String(item.expect["error"])}${fields}`);
    });
  }

  for (const item of ALERTS["evaluate"] as Case[]) {
    it(`evaluate: ${item.name}`, () => {
      const rules = (item["rules"] as Record<string, Json>[]).map(({ rule, ...options }) =>
        AlertRule.parse(String(rule), camelKeys(options)),
      );
      const delivered: AlertEvent[] = [];
      const evaluator = new AlertEvaluator(rules, { onEvent: (event) => delivered.push(event) });
      const events = (item["ticks"] as Json[]).flatMap((tick, iteration) =>
        evaluator
          .evaluate(tick, iteration)
          .map((e) => [e.iteration, rules.indexOf(e.rule), e.state, e.value]),
      );
      assertAgrees(events, item.expect["events"]);
      assert.deepEqual(
        delivered.map((event) => event.iteration),
        events.map((event) => event[0]),
      );
      assert.deepEqual(
        evaluator.firing.map((rule) => rule.name),
        item.expect["firing"],
      );
    });
  }

  it("numbers in alert messages", () => {
    for (const [value, text] of ALERTS["format"] as [number, string][]) {
      assert.equal(formatNumber(value), text, String(value));
    }
  });

  for (const item of ALERTS["messages"] as Case[]) {
    it(`message: ${item.name}`, () => {
      const [event] = new AlertEvaluator([String(item["rule"])]).evaluate(item["tick"], 0);
      assert.equal(event?.message, item.expect as unknown as string);
    });
  }
});

describe("shared cases: metrics over time", () => {
  for (const item of OVER_TIME["plan"] as Case[]) {
    it(`plan: ${item.name}`, () => {
      const now = typeof item["now"] === "number" ? item["now"] : Date.now() / 1000;
      const expect = item.expect;
      const layOut = (): number[][] => {
        const overTime = plan(camelKeys(item["args"]) as never, () => now);
        assertAgrees(
          [overTime.start_time, overTime.end_time],
          [expect["start_time"], expect["end_time"]],
        );
        return bounds(overTime);
      };
      if ("error" in expect) {
        assert.ok(thrown(layOut).includes(String(expect["error"])), thrown(layOut));
        return;
      }
      const buckets = layOut();
      if ("buckets" in expect) {
        assertAgrees(buckets, expect["buckets"]);
      } else {
        assert.equal(buckets.length, expect["bucket_count"]);
        assertAgrees([buckets[0], buckets.at(-1)], [expect["first"], expect["last"]]);
      }
    });
  }

  for (const item of OVER_TIME["fetch"] as Case[]) {
    it(`fetch: ${item.name}`, async () => {
      const script = Object.fromEntries(
        Object.entries(item["server"] as Record<string, Json>).map(([path, answer]) => [
          path,
          [answer],
        ]),
      );
      const server = new ScriptedServer(script);
      const expect = item.expect;
      const request = server.client().getMetricsOverTime(camelKeys(item["args"]) as never);
      if ("error" in expect) {
        await assert.rejects(request, (error: Error) => error.name === expect["error"]);
      } else {
        const result = await request;
        assertAgrees(
          result.time_series.map((b) => [b.start_time, b.end_time, b.timestamp]),
          expect["buckets"],
        );
        assert.equal(result.source, expect["source"]);
      }
      assert.deepEqual(canonical(server.requests), canonical(expect["requests"] as Json[]));
    });
  }
});

describe("shared cases: report pollers", () => {
  for (const item of (POLLER["cases"] as Case[]).map((c) => c)) {
    it(`poller: ${item.name}`, async () => {
      const server = new ScriptedServer(item["server"] as Record<string, Json[]>);
      const seen: ReportProgress[] = [];
      const poller = await server.client().beginGenerateReport({
        startTime: 1800000000,
        endTime: 1800086400,
        interval: 0.001,
        onProgress: (progress) => seen.push(progress),
      });
      const expect = item.expect;
      if ("error" in expect) {
        const wanted = expect["error"] as Record<string, string>;
        await assert.rejects(poller.result({ timeout: 10 }), (error: Error) => {
          assert.equal(error.name, wanted["type"]);
          assert.ok(error.message.includes(wanted["message"] ?? ""), error.message);
          return true;
        });
      } else {
        const result = await poller.result({ timeout: 10 });
        const plain = Object.fromEntries(
          Object.keys(expect["result"] as object).map((key) => [
            key,
            (result as unknown as Record<string, unknown>)[camelCase(key)],
          ]),
        );
        assertAgrees(plain, expect["result"]);
      }
      assert.equal(poller.status(), expect["status"]);
      assert.ok(poller.done());
      assert.deepEqual(
        seen.map((p) => [p.state, p.files]),
        expect["progress"],
      );
      assert.deepEqual(server.count(), expect["requests"]);
    });
  }
});

describe("shared cases: time series", () => {
  for (const item of TIMESERIES["cases"] as Case[]) {
    it(`time series: ${item.name}`, () => {
      const timestamp = typeof item["timestamp"] === "number" ? item["timestamp"] : null;
      const series = TimeSeries.fromMetricsTree(item["tree"] as never, { timestamp });
      for (const step of item["steps"] as Record<string, Json>[]) {
        if ("series" in step) {
          assertAgrees(points(series), step["series"]);
          continue;
        }
        const expect = step["expect"] as Record<string, Json>;
        if ("error" in expect) {
          assert.ok(thrown(() => analysis(series, step)).includes(String(expect["error"])));
          continue;
        }
        assertAgrees(analysis(series, step), expect, String(step["call"]));
      }
    });
  }
});

function points(series: TimeSeries): Record<string, number[][]> {
  return Object.fromEntries(
    [...series].map((s) => [s.name, [...s.timestamps].map((t, i) => [t, s.values[i] ?? NaN])]),
  );
}

function analysis(series: TimeSeries, step: Record<string, Json>): unknown {
  const args = camelKeys(step["args"]);
  switch (step["call"]) {
    case "trend":
      return Object.fromEntries(
        [...series.trend()].map(([name, trend]) => [
          name,
          {
            slope_per_hour: trend.slopePerHour,
            percent_change: trend.percentChange,
            first: trend.first,
            last: trend.last,
            n: trend.n,
          },
        ]),
      );
    case "rate_of_change":
      return points(series.rateOfChange());
    case "resample":
      return points(
        series.resample(args["stepSeconds"] as number, (args["how"] as string) ?? "average"),
      );
    case "anomalies":
      return Object.fromEntries(series.anomalies(args));
    default:
      throw new Error(`unknown analysis ${String(step["call"])}`);
  }
}

/** Requests in a canonical order (they go out concurrently), numbers as numbers. */
function canonical(requests: Json[]): string[] {
  return requests
    .map((request) => {
      const { path, query } = request as { path: string; query: Record<string, Json> };
      const numbers = Object.keys(query)
        .sort()
        .map((key) => [key, Number.isNaN(Number(query[key])) ? query[key] : Number(query[key])]);
      return JSON.stringify([path, numbers]);
    })
    .sort();
}

/** Answers each API path with its scripted responses in turn, the last one repeated. */
class ScriptedServer {
  readonly requests: { path: string; query: Record<string, string> }[] = [];
  readonly #script: Map<string, Json[]>;

  constructor(script: Record<string, Json[]>) {
    this.#script = new Map(Object.entries(script).map(([path, answers]) => [path, [...answers]]));
  }

  client(): WALTelemetryClient {
    return new WALTelemetryClient({
      baseUrl: String(POLLER["base_url"]),
      maxRetries: 0,
      fetch: async (request) => this.#answer(request),
    });
  }

  count(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { path } of this.requests) {
      counts[path] = (counts[path] ?? 0) + 1;
    }
    return counts;
  }

  #answer(request: Request): Response {
    const url = new URL(request.url);
    const path = url.pathname.slice(API_PREFIX.length);
    this.requests.push({ path, query: Object.fromEntries(url.searchParams) });
    const answers = this.#script.get(path);
    if (answers === undefined) {
      return Response.json({ detail: "Not Found" }, { status: 404 });
    }
    const answer = (answers.length > 1 ? answers.shift() : answers[0]) as Record<string, Json>;
    const status = Number(answer["status"] ?? 200);
    const headers = { "content-type": "application/json", ...(answer["headers"] as object) };
    const body =
      typeof answer["body_text"] === "string"
        ? answer["body_text"]
        : JSON.stringify(answer["body"]);
    return new Response(body, { status, headers });
  }
}

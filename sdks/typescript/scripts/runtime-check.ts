/**
 * Exercises the core entry point against a live server and prints one JSON line: run by the
 * runtime test under Node and under Deno (`deno run --allow-net=127.0.0.1`), so the core is shown
 * to work with web-platform APIs alone. Usage: `runtime-check.js BASE_URL`.
 */

import { TimeSeries, WALTelemetryClient } from "../src/index.js";

interface Runtime {
  Deno?: { args: string[] };
  process?: { argv: string[] };
}

const runtime = globalThis as Runtime;
const baseUrl = runtime.Deno ? runtime.Deno.args[0] : runtime.process?.argv[2];
const client = new WALTelemetryClient({ baseUrl: baseUrl ?? "", timeout: 20 });

const realtime = await client.getRealtimeMetrics();
const end = realtime.timestamp ?? Date.now() / 1000;
const overTime = await client.getMetricsOverTime({
  metricType: "throughput",
  startTime: end - 3 * 3600,
  endTime: end,
});
const metrics = await client.getMetrics({ metricType: "throughput", timeRange: [end - 3600, end] });
const ticks: boolean[] = [];
const alerts: string[] = [];
const twoTicks = new AbortController();
await client.monitorRealtime(
  (_, tick) => {
    ticks.push(tick.fresh);
    if (ticks.length === 2) {
      twoTicks.abort();
    }
  },
  {
    interval: 0.05,
    signal: twoTicks.signal,
    alerts: ["operation_count.value >= 0"],
    onAlert: (event) => alerts.push(event.message),
  },
);
const poller = await client.beginGenerateReport({
  startTime: end - 3600,
  endTime: end,
  interval: 0.1,
});
const report = await poller.result({ timeout: 60 });
const series = TimeSeries.fromMetricsTree(metrics.metrics);

console.log(
  JSON.stringify({
    realtime: { success: realtime.success, average_ms: realtime.operation_latency.average },
    over_time: { source: overTime.source, buckets: overTime.time_series.length },
    series: { names: series.size, trend: [...series.trend().values()].every((t) => t.n > 0) },
    monitor: { ticks, alerts },
    report: { id: report.reportId === poller.reportId, state: report.state, files: report.files },
  }),
);

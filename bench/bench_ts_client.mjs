// TypeScript client: getRealtimeMetrics calls per second against raw fetch + JSON.parse, the
// same server, the same run: interleaved rounds (the order alternates), medians kept.
// Run through bench/bench_ts_client.py, which starts the server; needs `make ts-build`.
// Usage: node bench/bench_ts_client.mjs BASE_URL ROUNDS CALLS

import { WALTelemetryClient } from "../sdks/typescript/dist/src/index.js";

const [baseUrl, rounds = "15", calls = "200"] = process.argv.slice(2);
const url = `${baseUrl}/api/v0/wal/telemetry/realtime`;
const client = new WALTelemetryClient({ baseUrl });

const contenders = {
  "WALTelemetryClient.getRealtimeMetrics (typed)": () => client.getRealtimeMetrics(),
  "fetch + JSON.parse (raw)": async () => JSON.parse(await (await fetch(url)).text()),
};

async function callsPerSecond(call, count) {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    await call();
  }
  return count / ((performance.now() - started) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const names = Object.keys(contenders);
for (const name of names) {
  await callsPerSecond(contenders[name], 50); // warm up connections and the JIT
}
const samples = Object.fromEntries(names.map((name) => [name, []]));
const ratios = [];
for (let round = 0; round < Number(rounds); round += 1) {
  const order = round % 2 ? [...names].reverse() : names;
  const rates = {};
  for (const name of order) {
    rates[name] = await callsPerSecond(contenders[name], Number(calls));
    samples[name].push(rates[name]);
  }
  ratios.push(rates[names[0]] / rates[names[1]]);
}

console.log(
  `medians of ${rounds} interleaved rounds of ${calls} sequential calls (Node ${process.version})`,
);
for (const name of names) {
  console.log(`  ${name.padEnd(48)} ${median(samples[name]).toFixed(0).padStart(7)} calls/s`);
}
const ratio = median(ratios);
console.log(
  `\ngoals\n  typed vs raw fetch: ${ratio.toFixed(2)}x (goal >= 0.90) ${ratio >= 0.9 ? "met" : "NOT met"}`,
);
process.exitCode = ratio >= 0.9 ? 0 : 1;

/**
 * Any runtime: the core entry point's whole import graph (the SDK's modules and openapi-fetch)
 * holds no Node built-in module, and the core runs against a live reference server under Deno
 * (installed from npm as a dev dependency) as it does under Node. `tsconfig.core.json` checks
 * the same at compile time, without Node's types.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { startReferenceServer, type ReferenceServer } from "./server.js";

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGE = resolve(DIST, "..");
const DENO = join(PACKAGE, "node_modules", ".bin", "deno");
const CHECK = join(DIST, "scripts", "runtime-check.js");
const SPECIFIER =
  /(?:^|[\s;}])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gmu;
const BUILTINS = new Set(builtinModules);
const run = promisify(execFile);

/** Every module the file at `entry` loads, and the specifiers naming Node built-ins. */
function importGraph(entry: string): { files: Set<string>; builtins: string[] } {
  const files = new Set<string>();
  const builtins: string[] = [];
  const visit = (file: string): void => {
    if (files.has(file)) {
      return;
    }
    files.add(file);
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gmu, "");
    for (const match of source.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? "";
      if (specifier.startsWith("node:") || BUILTINS.has(specifier.split("/")[0] ?? "")) {
        builtins.push(`${file}: ${specifier}`);
      } else if (specifier.startsWith(".")) {
        visit(resolve(dirname(file), specifier));
      } else {
        visit(fileURLToPath(import.meta.resolve(specifier, pathToFileURL(file).href)));
      }
    }
  };
  visit(entry);
  return { files, builtins };
}

describe("the core entry point needs no Node module", () => {
  it("its import graph, openapi-fetch included, holds no Node built-in", () => {
    const { files, builtins } = importGraph(join(DIST, "src", "index.js"));
    assert.deepEqual(builtins, []);
    assert.ok(
      [...files].some((file) => file.includes("openapi-fetch")),
      "the graph is followed",
    );
    assert.ok(!files.has(join(DIST, "src", "node.js")));
  });

  it("the check sees the Node entry point's built-ins", () => {
    const { builtins } = importGraph(join(DIST, "src", "node.js"));
    assert.ok(
      builtins.some((item) => item.endsWith("node:fs/promises")),
      builtins.join("\n"),
    );
  });

  it("the entry points export by name, and no internal helper", async () => {
    const source = readFileSync(join(PACKAGE, "src", "index.ts"), "utf8");
    assert.doesNotMatch(source, /export \*/u);
    const core = Object.keys(await import(join(DIST, "src", "index.js")));
    const node = Object.keys(await import(join(DIST, "src", "node.js")));
    for (const internal of ["metricsQuery", "realtimeFromBody", "parsed", "plan", "sleep"]) {
      assert.ok(!core.includes(internal) && !node.includes(internal), internal);
    }
    assert.ok(core.includes("WALTelemetryClient") && core.includes("TimeSeries"));
    assert.deepEqual(
      node.filter((name) => !core.includes(name)),
      [],
      "the Node entry point adds no name, only a client that saves files",
    );
  });

  it("package.json exports the core as '.' and the file helpers as './node'", () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")) as {
      exports: Record<string, { default: string }>;
    };
    assert.equal(
      resolve(PACKAGE, manifest.exports["."]?.default ?? ""),
      join(DIST, "src", "index.js"),
    );
    assert.equal(
      resolve(PACKAGE, manifest.exports["./node"]?.default ?? ""),
      join(DIST, "src", "node.js"),
    );
  });
});

describe("the core against a reference server, under Node and Deno", () => {
  let server: ReferenceServer;

  before(async () => {
    server = await startReferenceServer();
  });

  after(async () => {
    await server?.stop();
  });

  const expectations = (output: string): void => {
    const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
      realtime: { success: boolean; average_ms: number };
      over_time: { source: string; buckets: number };
      series: { names: number; trend: boolean };
      monitor: { ticks: boolean[]; alerts: string[] };
      report: { id: boolean; state: string; files: string[] };
    };
    assert.equal(result.realtime.success, true);
    assert.ok(result.realtime.average_ms > 0);
    assert.deepEqual(result.over_time, { source: "timeseries", buckets: 3 });
    assert.ok(result.series.names > 0 && result.series.trend);
    assert.deepEqual(result.monitor.ticks, [true, true]);
    assert.equal(result.monitor.alerts.length, 1);
    assert.match(result.monitor.alerts[0] ?? "", /^FIRING operation_count\.value >= 0: value /u);
    assert.equal(result.report.id, true);
    assert.equal(result.report.state, "complete");
    assert.ok(result.report.files.includes("report.html"), result.report.files.join(", "));
  };

  it("under Node", async () => {
    const { stdout } = await run(process.execPath, [CHECK, server.url], { timeout: 90_000 });
    expectations(stdout);
  });

  it("under Deno, with network access to loopback only", async () => {
    assert.ok(existsSync(DENO), `${DENO} is missing: deno is a dev dependency (make ts-node)`);
    const { stdout } = await run(
      DENO,
      ["run", "--no-prompt", "--quiet", "--allow-net=127.0.0.1", CHECK, server.url],
      {
        cwd: PACKAGE,
        timeout: 90_000,
        env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      },
    );
    expectations(stdout);
  });
});

/**
 * Drives the TypeScript client for the live parity test (`tests/conformance/test_parity.py`).
 *
 * Usage: `node dist/scripts/parity-driver.js BASE_URL`. Reads one JSON command per line from
 * stdin, `{"id": 1, "operation": "getMetrics", "args": {...}}` with the Python method's
 * snake_case argument names, calls the client and writes one JSON line back:
 * `{"id": 1, "result": <toDict(result)>}` or `{"id": 1, "error": {"class", "status_code"}}`.
 * Commands are answered as they arrive, so the caller can time a call against its own.
 */

import { createInterface } from "node:readline";

import { toDict, WALTelemetryClient } from "../src/index.js";

interface Command {
  id: number;
  operation: string;
  args?: Record<string, unknown>;
}

type Method = (options: Record<string, unknown>) => Promise<unknown>;

const baseUrl = process.argv[2];
if (!baseUrl) {
  process.stderr.write("usage: parity-driver.js BASE_URL\n");
  process.exit(2);
}
const client = new WALTelemetryClient({ baseUrl });

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/gu, (_, letter: string) => letter.toUpperCase());
}

async function answer(command: Command): Promise<Record<string, unknown>> {
  const method = (client as unknown as Record<string, Method | undefined>)[command.operation];
  if (typeof method !== "function") {
    return { id: command.id, error: { class: "UnknownOperation", status_code: null } };
  }
  const options = Object.fromEntries(
    Object.entries(command.args ?? {}).map(([name, value]) => [camelCase(name), value]),
  );
  try {
    return { id: command.id, result: toDict(await method.call(client, options)) };
  } catch (error) {
    const fields = error as { name?: string; statusCode?: number | null; message?: string };
    return {
      id: command.id,
      error: {
        class: fields.name,
        status_code: fields.statusCode ?? null,
        message: fields.message,
      },
    };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (!line.trim()) {
    return;
  }
  void answer(JSON.parse(line) as Command).then((reply) => {
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});

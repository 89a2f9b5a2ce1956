/**
 * A reference server (`wal-telemetry-server` from the repository's Python venv) as a child
 * process on a loopback port, with its own database and reports folder, stopped by its pid.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ROOT } from "./shared.js";

const SERVER = join(ROOT, ".venv", "bin", "wal-telemetry-server");
const READY = /WAL telemetry server listening on (http:\/\/\S+)/u;
const START_TIMEOUT_MS = 60_000;

/** A running reference server: its base URL, and `stop()`. */
export interface ReferenceServer {
  url: string;
  stop(): Promise<void>;
}

/** Start a seeded demo server; rejects when it exits or stays silent. */
export async function startReferenceServer(seed = 7): Promise<ReferenceServer> {
  if (!existsSync(SERVER)) {
    throw new Error(`${SERVER} is missing: run 'make venv' first`);
  }
  const folder = await mkdtemp(join(tmpdir(), "wal-telemetry-ts-server-"));
  const child = spawn(
    SERVER,
    [
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--demo",
      "--seed",
      String(seed),
      "--db",
      join(folder, "telemetry.sqlite3"),
      "--reports-dir",
      join(folder, "reports"),
      "--log-level",
      "warning",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(folder, { recursive: true, force: true });
  };
  try {
    return { url: await announcedUrl(child), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function announcedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`no URL announced:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}):\n${output}`));
    });
  });
}

/** SIGTERM the child by its pid, SIGKILL if it lingers, and wait until it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

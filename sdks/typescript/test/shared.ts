/**
 * Loading the language-neutral conformance cases (`tests/conformance/` at the repository root)
 * and comparing results by the same rules as the Python runner (`tests/conformance/shared.py`):
 * numbers equal within a relative 1e-9, booleans only equal booleans, objects need the same keys,
 * and query or form parameters compare as numbers where the expected value is a number.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest folder above this file that holds `openapi.yaml`. */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
/** The base URL every case assumes. */
export const BASE_URL = "http://wal.test";
const RELATIVE_TOLERANCE = 1e-9;

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One response a case describes. */
export interface ResponseCase {
  name: string;
  status?: number;
  headers?: Record<string, string>;
  body?: Json;
  body_file?: string;
  body_text?: string;
  body_base64?: string;
  expect: { result?: Json; error?: Record<string, Json> };
  known_deviation?: Record<string, string>;
}

/** One request a case describes. */
export interface RequestCase {
  name: string;
  args: Record<string, Json>;
  client?: { api_key?: string };
  expect: {
    rejected?: boolean;
    method?: string;
    path?: string;
    query?: Record<string, Json>;
    body?: Json;
    content_type?: string;
    headers?: Record<string, string>;
  };
}

/** Every case of one operation. */
export interface OperationCases {
  operation: string;
  description: string;
  requests: RequestCase[];
  responses: ResponseCase[];
}

/** One step of a retry case: a response, or a connection failure. */
export interface RetryStep {
  status?: number;
  headers?: Record<string, string>;
  body?: Json;
  body_from?: "first_result";
  network?: "connect" | "read";
}

/** One retry-policy case. */
export interface RetryCase {
  name: string;
  operation: string;
  args: Record<string, Json>;
  client?: { max_retries?: number };
  attempts: RetryStep[];
  expect: { attempts: number; outcome: string };
}

function findRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "openapi.yaml")) && existsSync(join(folder, "tests"))) {
      return folder;
    }
    if (dirname(folder) === folder) {
      throw new Error(`no repository root above ${start}`);
    }
  }
}

/** Every operation's cases, by operationId. */
export function loadOperations(): Map<string, OperationCases> {
  const folder = join(ROOT, "tests", "conformance", "cases");
  const operations = new Map<string, OperationCases>();
  for (const name of readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .sort()) {
    const data = JSON.parse(readFileSync(join(folder, name), "utf8")) as OperationCases;
    operations.set(data.operation, data);
  }
  return operations;
}

/** The retry-policy cases. */
export function loadRetryCases(): RetryCase[] {
  const file = join(ROOT, "tests", "conformance", "retries.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { cases: RetryCase[] }).cases;
}

/** The operation's first successful response case: what a captured request gets back. */
export function firstResultCase(operation: OperationCases): ResponseCase {
  const found = operation.responses.find((item) => item.expect.result !== undefined);
  if (!found) {
    throw new Error(`${operation.operation} has no successful response case`);
  }
  return found;
}

/** The `Response` a case describes. */
export function responseOf(item: {
  status?: number | undefined;
  headers?: Record<string, string> | undefined;
  body?: Json | undefined;
  body_file?: string | undefined;
  body_text?: string | undefined;
  body_base64?: string | undefined;
}): Response {
  const headers = new Headers({ "content-type": "application/json", ...item.headers });
  let content: Uint8Array;
  if (item.body_file !== undefined) {
    content = readFileSync(join(ROOT, "tests", "fixtures", "responses", item.body_file));
  } else if (item.body_text !== undefined) {
    content = new TextEncoder().encode(item.body_text);
  } else if (item.body_base64 !== undefined) {
    content = Buffer.from(item.body_base64, "base64");
  } else {
    content = new TextEncoder().encode(JSON.stringify(item.body ?? null));
  }
  const status = item.status ?? 200;
  return new Response(status === 204 ? null : content, { status, headers });
}

/** `get_realtime_metrics`-style names to `getRealtimeMetrics`-style ones. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/gu, (_, letter: string) => letter.toUpperCase());
}

/** Where `actual` differs from `expected` (empty when they agree). */
export function mismatches(actual: unknown, expected: unknown, where = "$"): string[] {
  if (typeof expected === "boolean" || typeof actual === "boolean") {
    return actual === expected ? [] : [`${where}: ${show(actual)} != ${show(expected)}`];
  }
  if (typeof expected === "number" && typeof actual === "number") {
    const scale = Math.max(1, Math.abs(expected), Math.abs(actual));
    return Math.abs(actual - expected) <= RELATIVE_TOLERANCE * scale
      ? []
      : [`${where}: ${actual} != ${expected}`];
  }
  if (isObject(expected) && isObject(actual)) {
    const problems: string[] = [];
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) problems.push(`${where}: unexpected key ${JSON.stringify(key)}`);
    }
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) {
        problems.push(`${where}: missing key ${JSON.stringify(key)}`);
      } else {
        problems.push(...mismatches(actual[key], value, `${where}.${key}`));
      }
    }
    return problems;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      return [`${where}: ${actual.length} items != ${expected.length}`];
    }
    return expected.flatMap((value, index) =>
      mismatches(actual[index], value, `${where}[${index}]`),
    );
  }
  return actual === expected ? [] : [`${where}: ${show(actual)} != ${show(expected)}`];
}

/** Query or form parameters against expected JSON values; numbers compare as numbers. */
export function parameterMismatches(
  actual: URLSearchParams,
  expected: Record<string, Json>,
  where: string,
): string[] {
  const problems: string[] = [];
  const seen = new Set(actual.keys());
  for (const key of seen) {
    if (!(key in expected)) problems.push(`${where}: unexpected ${JSON.stringify(key)}`);
  }
  for (const [key, want] of Object.entries(expected)) {
    const got = actual.get(key);
    if (got === null) {
      problems.push(`${where}: missing ${JSON.stringify(key)}`);
    } else if (typeof want === "number") {
      problems.push(...mismatches(Number(got), want, `${where}.${key}`));
    } else if (got !== String(want)) {
      problems.push(`${where}.${key}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Safe names and safe writes, as in `wal_telemetry_sdk/_files.py`: no URL path is built from an
 * unchecked id (the upstream server accepts `report_id=".."`), and no file is left half-written.
 */

import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

const REPORT_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/u;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/u;
const FORBIDDEN = ["..", "/", "\\", "\u0000", "%"] as const;

/** `reportId` if it is one safe path segment (the spec's pattern), else `RangeError`. */
export function checkedReportId(reportId: unknown): string {
  return checked(reportId, REPORT_ID, "report_id", "letters, digits, '_' and '-'");
}

/** `fileName` if it is one safe path segment (the spec's pattern), else `RangeError`. */
export function checkedFileName(fileName: unknown): string {
  return checked(fileName, FILE_NAME, "file_name", "letters, digits, '_', '-' and '.'");
}

function checked(value: unknown, pattern: RegExp, name: string, allowed: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`${name} must be a string, got ${typeof value}`);
  }
  if (pattern.test(value) && !value.includes("..")) {
    return value;
  }
  const found = FORBIDDEN.find((part) => value.includes(part));
  const why = found
    ? `contains ${JSON.stringify(found)}`
    : `may only use ${allowed}, 1-128 characters`;
  throw new RangeError(
    `Invalid ${name} ${JSON.stringify(value)}: ${why}; it must be a single path segment ` +
      "(no '..', '/', '\\', NUL or percent-encoding)",
  );
}

/**
 * Write `content` to `path` through a temporary file in the same folder and a rename, so readers
 * never see a partial file. Returns the absolute path written.
 */
export async function saveAtomically(path: string, content: Uint8Array): Promise<string> {
  const target = resolve(path);
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(6).toString("hex")}.part`,
  );
  try {
    const file = await open(temporary, "wx");
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return target;
}

/**
 * Safe names, as in `wal_telemetry_sdk/_files.py`: no URL path is built from an unchecked id
 * (the upstream server accepts `report_id=".."`). Writing files is in `node.ts`.
 */

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

/**
 * Report progress on servers without `GET /reports/{id}` (the upstream one), as
 * `wal_telemetry_sdk/_reports.py` reads it: a report is complete once its `report.html` stops
 * answering 404, and its files are the page, its data and what the page links to.
 */

import { checkedFileName } from "./files.js";
import type { ReportProgress } from "./reportPoller.js";

/** The page every report has. */
export const REPORT_PAGE = "report.html";
/** The data every report has. */
export const REPORT_DATA = "report.json";
const LINK = /(?:src|href)\s*=\s*["']([^"'#?]+)["']/giu;

/** A complete report found through its page: the page, its data and every safely named link. */
export function progressFromPage(page: Uint8Array): ReportProgress {
  const html = new TextDecoder("utf-8").decode(page);
  const linked = [...html.matchAll(LINK)]
    .map((match) => match[1] ?? "")
    .filter((name) => isSafeName(name));
  return {
    state: "complete",
    files: [...new Set([REPORT_PAGE, REPORT_DATA, ...linked])],
    detail: null,
  };
}

function isSafeName(name: string): boolean {
  try {
    checkedFileName(name);
    return true;
  } catch {
    return false;
  }
}

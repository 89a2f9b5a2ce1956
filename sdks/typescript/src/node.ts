/**
 * The Node entry point (`@wal-telemetry/sdk/node`): everything the core entry point has, and a
 * `WALTelemetryClient` that also writes files, as `wal_telemetry_sdk/_files.py` and
 * `_reports.py` do: each file through a temporary file and a rename, a report's folder all or
 * nothing. Only this module imports `node:` modules.
 */

import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

import {
  type CallOptions,
  WALTelemetryClient as CoreClient,
  type VisualizationCallOptions,
} from "./client.js";
import { NotFoundError } from "./errors.js";
import { checkedReportId } from "./files.js";
import type { FileResult } from "./models.js";
import { ReportPoller } from "./reportPoller.js";

export * from "./index.js";

/** Where to write a downloaded file. */
export interface SaveOptions {
  /** Also write the file here, atomically (a temporary file, then a rename). */
  savePath?: string | undefined;
}

/** Arguments of `downloadReport` besides the report id and folder. */
export interface DownloadReportOptions extends CallOptions {
  /** Seconds to wait for the report to be complete; 120 by default. */
  timeout?: number | undefined;
  /** Seconds between checks of the report's progress; 0.5 by default. */
  interval?: number | undefined;
}

/** The client of the core entry point, plus saving files and downloading whole reports. */
export class WALTelemetryClient extends CoreClient {
  /** One file of a report; with `savePath`, also written there atomically. */
  override async getReportFile(
    reportId: string,
    fileName: string,
    options: CallOptions & SaveOptions = {},
  ): Promise<FileResult> {
    return saved(await super.getReportFile(reportId, fileName, options), options.savePath);
  }

  /** A PNG chart of a metric type; with `savePath`, also written there atomically. */
  override async getVisualization(
    metricType: string,
    options: VisualizationCallOptions & SaveOptions = {},
  ): Promise<FileResult> {
    return saved(await super.getVisualization(metricType, options), options.savePath);
  }

  /**
   * Wait for a report (up to `timeout` seconds) and save all its files into `directory`. All
   * or nothing: files land only once every one was fetched. Charts an upstream report links but
   * never wrote (no data) are skipped. Returns the paths written, sorted.
   */
  async downloadReport(
    reportId: string,
    directory: string,
    options: DownloadReportOptions = {},
  ): Promise<string[]> {
    const id = checkedReportId(reportId);
    const poller = new ReportPoller(
      id,
      (signal) => this.reportProgress(id, { signal }),
      (fileName) => this.reportFileUrl(id, fileName),
      { interval: options.interval },
    );
    let files: string[];
    try {
      ({ files } = await poller.result({ timeout: options.timeout ?? 120 }));
    } finally {
      poller.cancel();
    }
    const contents = new Map<string, Uint8Array>();
    for (const name of files) {
      try {
        const file = await super.getReportFile(id, name, { signal: options.signal });
        contents.set(name, file.content ?? new Uint8Array());
      } catch (error) {
        if (error instanceof NotFoundError && name.endsWith(".png") && !this.offersReportStatus) {
          continue;
        }
        throw error;
      }
    }
    return saveFolder(contents, directory);
  }
}

async function saved(result: FileResult, savePath: string | undefined): Promise<FileResult> {
  if (savePath === undefined) {
    return result;
  }
  const path = await saveAtomically(savePath, result.content ?? new Uint8Array());
  return { ...result, saved_path: path };
}

/**
 * Write `content` to `path` through a temporary file in the same folder and a rename, so readers
 * never see a partial file. Returns the absolute path written.
 */
async function saveAtomically(path: string, content: Uint8Array): Promise<string> {
  const target = resolve(path);
  const temporary = join(dirname(target), `.${basename(target)}.${token()}.part`);
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

/**
 * Write `files` into `directory` all or nothing: a sibling temporary folder, then renames. A new
 * `directory` appears complete in one rename; in an existing one each file is replaced
 * atomically, and nothing is written unless every file was downloaded.
 */
async function saveFolder(files: Map<string, Uint8Array>, directory: string): Promise<string[]> {
  const target = resolve(directory);
  await mkdir(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.${basename(target)}.${token()}.part`);
  await mkdir(staging);
  try {
    for (const [name, content] of files) {
      await saveAtomically(join(staging, name), content);
    }
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await rename(staging, target);
    } else {
      for (const name of files.keys()) {
        await rename(join(staging, name), join(target, name));
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return [...files.keys()].map((name) => join(target, name)).sort();
}

function token(): string {
  return randomBytes(6).toString("hex");
}

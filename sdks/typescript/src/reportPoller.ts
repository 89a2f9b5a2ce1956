/**
 * A poller for a report the server writes in the background, as `wal_telemetry_sdk/
 * reports_poller.py` has it: polling starts when the poller is made and ends when the report is
 * "complete" or "failed", a check throws, or the poller is cancelled. `result({ timeout })`
 * waits for the report; a timeout leaves polling going on.
 */

import { WALTelemetryError } from "./errors.js";
import { sleep } from "./timers.js";

/** The states after which a report does not change. */
const FINAL_STATES = new Set(["complete", "failed"]);

/** Where a report is: its state ("pending", "running", "complete", "failed", or newer ones). */
export interface ReportProgress {
  state: string;
  files: string[];
  /** The server's reason, for a failed report. */
  detail: string | null;
}

/** A complete report: its id, state, files and the URL of each file. */
export interface Report {
  reportId: string;
  state: string;
  files: string[];
  /** Each file's URL, by file name. */
  urls: Record<string, string>;
}

/** The server reported that writing the report failed. */
export class ReportFailedError extends WALTelemetryError {
  override name = "ReportFailedError";

  constructor(
    readonly reportId: string,
    readonly progress: ReportProgress,
  ) {
    super(`report ${reportId} failed${progress.detail ? `: ${progress.detail}` : ""}`);
  }
}

/** Options of a poller. */
export interface ReportPollerOptions {
  /** Seconds between checks; 0.5 by default. */
  interval?: number | undefined;
  /** Called with every change of state or files (what it throws is ignored). */
  onProgress?: ((progress: ReportProgress) => void) | undefined;
}

/** Polls `check()` every `interval` seconds until the report is final. */
export class ReportPoller {
  #progress: ReportProgress | null = null;
  #done = false;
  readonly #cancel = new AbortController();
  readonly #outcome: Promise<Report>;

  constructor(
    readonly reportId: string,
    check: (signal: AbortSignal) => Promise<ReportProgress>,
    private readonly urlOf: (fileName: string) => string,
    options: ReportPollerOptions = {},
  ) {
    const interval = options.interval ?? 0.5;
    if (!(interval > 0)) {
      throw new RangeError(`interval must be positive, got ${interval}`);
    }
    this.#outcome = this.#poll(check, interval, options.onProgress);
    this.#outcome.catch(() => undefined); // the outcome is reported by result(), not unhandled
  }

  /** The last progress seen, null before the first check. */
  get progress(): ReportProgress | null {
    return this.#progress;
  }

  /** The last state seen: "pending" before the first check. */
  status(): string {
    return this.#progress?.state ?? "pending";
  }

  /** Whether polling has ended: the report is final, a check failed, or it was cancelled. */
  done(): boolean {
    return this.#done;
  }

  /**
   * The complete report, waiting up to `timeout` seconds (forever by default). Rejects with a
   * `TimeoutError` DOMException (polling goes on), `ReportFailedError`, what a check threw, or
   * an `AbortError` after `cancel()`.
   */
  result(options: { timeout?: number | undefined } = {}): Promise<Report> {
    const { timeout } = options;
    if (timeout === undefined) {
      return this.#outcome;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const state = this.status();
        const message = `report ${this.reportId} not complete after ${timeout} s (state: ${state})`;
        reject(new DOMException(message, "TimeoutError"));
      }, timeout * 1000);
    });
    return Promise.race([this.#outcome, expiry]).finally(() => clearTimeout(timer));
  }

  /** Stop polling; `result()` then rejects with an `AbortError` unless polling had ended. */
  cancel(): void {
    this.#cancel.abort(
      new DOMException(`polling for report ${this.reportId} was cancelled`, "AbortError"),
    );
  }

  async #poll(
    check: (signal: AbortSignal) => Promise<ReportProgress>,
    interval: number,
    onProgress: ReportPollerOptions["onProgress"],
  ): Promise<Report> {
    const signal = this.#cancel.signal;
    try {
      for (;;) {
        const progress = await check(signal);
        const last = this.#progress;
        this.#progress = progress;
        if (last === null || !sameProgress(last, progress)) {
          callSafely(onProgress, progress);
        }
        if (FINAL_STATES.has(progress.state)) {
          break;
        }
        await sleep(interval, signal);
      }
    } finally {
      this.#done = true;
    }
    const progress = this.#progress as ReportProgress;
    if (progress.state === "failed") {
      throw new ReportFailedError(this.reportId, progress);
    }
    const urls = Object.fromEntries(progress.files.map((name) => [name, this.urlOf(name)]));
    return { reportId: this.reportId, state: progress.state, files: [...progress.files], urls };
  }
}

function sameProgress(a: ReportProgress, b: ReportProgress): boolean {
  return a.state === b.state && a.files.join("\u0000") === b.files.join("\u0000");
}

function callSafely(
  callback: ((progress: ReportProgress) => void) | undefined,
  progress: ReportProgress,
): void {
  try {
    callback?.(progress);
  } catch {
    // A progress callback cannot stop polling, as with Python's done callbacks.
  }
}

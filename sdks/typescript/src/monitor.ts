/**
 * Fetching on a fixed, drift-free schedule, as `wal_telemetry_sdk/monitor.py` does it: tick k is
 * due at start + k × interval on a monotonic clock, so slow ticks do not push later ones back; a
 * tick that overruns skips the slots it missed instead of firing them in a burst. Iterations
 * count ticks from 0, the numbering callbacks, `onError` and alerts see. Times are in seconds.
 *
 * A monitor keeps going through failed fetches and says so on every tick: `fresh` is false, the
 * last good reading stays what the callback gets, with `lastGoodAt` and `errorsSinceGood`, so a
 * screen can show "stale since 12:03:04, 3 errors" instead of old numbers as if they were live.
 */

import type { AlertEvaluator } from "./alerts.js";
import { sleep } from "./timers.js";

/** What every tick of a monitor knows besides the reading itself. */
export interface MonitorTick {
  /** Ticks so far, from 0; failed fetches count. */
  iteration: number;
  /** Whether this tick's fetch succeeded (the reading is from this tick). */
  fresh: boolean;
  /** Unix seconds of the last good reading, or null before the first. */
  lastGoodAt: number | null;
  /** Failed fetches since the last good reading (0 on a fresh tick). */
  errorsSinceGood: number;
  /** Why this tick's fetch failed, or null on a fresh tick. */
  error: unknown;
}

/** Options of a monitor. */
export interface MonitorOptions {
  /** Seconds between ticks; 5 by default. */
  interval?: number | undefined;
  /** Stop after this many seconds; never by default. */
  duration?: number | undefined;
  /** Told of every failed fetch (after the client's retries); monitoring goes on. */
  onError?: ((error: unknown, iteration: number) => void) | undefined;
  /** Ends the monitor (the returned promise resolves); an in-flight fetch is cancelled. */
  signal?: AbortSignal | undefined;
}

/** Seconds on a monotonic clock. */
const monotonic = (): number => performance.now() / 1000;

/** Slot arithmetic: the delay until the first slot after `now`, or null once time is up. */
class Schedule {
  #slot = 0;

  constructor(
    private readonly interval: number,
    private readonly duration: number | null,
    private readonly start: number,
  ) {}

  nextDelay(now: number): number | null {
    this.#slot = Math.max(this.#slot + 1, Math.floor((now - this.start) / this.interval) + 1);
    if (this.duration !== null && this.#slot * this.interval >= this.duration - 1e-9) {
      return null;
    }
    return Math.max(0, this.start + this.#slot * this.interval - now);
  }
}

/** Iteration numbers on the schedule, until `duration` is over or `signal` aborts. */
export async function* ticks(
  interval: number,
  duration: number | null,
  signal: AbortSignal | undefined,
): AsyncGenerator<number> {
  if (!(typeof interval === "number" && interval > 0 && Number.isFinite(interval))) {
    throw new RangeError(`interval must be a positive number of seconds, got ${interval}`);
  }
  if (duration !== null && !(typeof duration === "number" && duration >= 0)) {
    throw new RangeError(`duration must be a number of seconds >= 0, got ${duration}`);
  }
  const schedule = new Schedule(interval, duration, monotonic());
  for (let iteration = 0; !signal?.aborted; iteration += 1) {
    yield iteration;
    const delay = schedule.nextDelay(monotonic());
    if (
      delay === null ||
      !(await sleep(delay, signal).then(
        () => true,
        () => false,
      ))
    ) {
      return;
    }
  }
}

/**
 * Call `fetch` on the schedule and hand every tick to `callback(reading, tick)`: the fresh
 * reading, or after a failed fetch the last good one (null before the first). Alerts see fresh
 * readings only. An error thrown by `callback` ends the monitor (the promise rejects with it).
 * Resolves with the number of ticks once `duration` is over or `signal` aborts.
 */
export async function monitor<T>(
  fetch: (signal: AbortSignal | undefined) => Promise<T>,
  callback: (reading: T | null, tick: MonitorTick) => void | Promise<void>,
  options: MonitorOptions & { alerts?: AlertEvaluator | null | undefined },
): Promise<number> {
  const { signal, onError, alerts } = options;
  let last: T | null = null;
  let lastGoodAt: number | null = null;
  let errorsSinceGood = 0;
  let iterations = 0;
  for await (const iteration of ticks(options.interval ?? 5, options.duration ?? null, signal)) {
    iterations = iteration + 1;
    let reading: T;
    try {
      reading = await fetch(signal);
    } catch (error) {
      if (signal?.aborted) {
        break;
      }
      errorsSinceGood += 1;
      onError?.(error, iteration);
      await callback(last, { iteration, fresh: false, lastGoodAt, errorsSinceGood, error });
      continue;
    }
    last = reading;
    lastGoodAt = Date.now() / 1000;
    errorsSinceGood = 0;
    await callback(reading, { iteration, fresh: true, lastGoodAt, errorsSinceGood, error: null });
    alerts?.evaluate(reading, iteration);
  }
  return iterations;
}

/** `fetch` results on the schedule as an async iterator; a failed fetch ends it with its error. */
export async function* iterate<T>(
  fetch: (signal: AbortSignal | undefined) => Promise<T>,
  options: Pick<MonitorOptions, "interval" | "duration" | "signal">,
): AsyncGenerator<T> {
  const { signal } = options;
  for await (const _ of ticks(options.interval ?? 5, options.duration ?? null, signal)) {
    let reading: T;
    try {
      reading = await fetch(signal);
    } catch (error) {
      if (signal?.aborted) {
        return;
      }
      throw error;
    }
    yield reading;
  }
}

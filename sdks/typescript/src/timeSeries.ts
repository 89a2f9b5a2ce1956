/**
 * Columnar time series built from metrics trees or time buckets, with the analyses of
 * `wal_telemetry_sdk/timeseries.py`: `trend()`, `rateOfChange()`, `resample()`, `anomalies()`.
 *
 * Each series (the labels on the path to a leaf, e.g. `["append", "json"]`, named
 * `"append:json"`) holds its timestamps (Unix seconds) and values as two `Float64Array`
 * columns, sorted by time.
 */

import type { MetricsBucket, MetricsTree } from "./models.js";
import { isRecord } from "./responses.js";

const REDUCERS = {
  average: (values: number[]) => sum(values) / values.length,
  sum: (values: number[]) => sum(values),
  minimum: (values: number[]) => Math.min(...values),
  maximum: (values: number[]) => Math.max(...values),
  count: (values: number[]) => values.length,
  last: (values: number[]) => values[values.length - 1] ?? Number.NaN,
} as const;

/** How `resample()` reduces a bucket: the API's aggregation names, plus "last". */
export type ResampleMethod = keyof typeof REDUCERS;
/** Every `ResampleMethod`, in the order error messages list them. */
export const RESAMPLE_METHODS = Object.keys(REDUCERS) as readonly ResampleMethod[];

/** One labelled series: equally long `timestamps` and `values` columns. */
export interface Series {
  labels: readonly string[];
  /** The labels joined with ":". */
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
}

/** A least-squares slope (per hour) and the change from the first to the last value. */
export interface Trend {
  /** Null with fewer than two distinct timestamps. */
  slopePerHour: number | null;
  /** Null when the first value is 0 or there is no point. */
  percentChange: number | null;
  first: number | null;
  last: number | null;
  n: number;
}

/** Series by name, read-only: `ts.get("append:json")?.values`, `ts.size`, `for (const s of ts)`. */
export class TimeSeries implements Iterable<Series> {
  readonly #series: Map<string, Series>;

  constructor(
    series: Iterable<Series> = [],
    readonly metricType: string | null = null,
  ) {
    this.#series = new Map([...series].map((s) => [s.name, s]));
  }

  /**
   * From a `metrics` tree whose leaves are `[timestamp, value]` lists or numbers. A number leaf
   * (an aggregated tree) is one point at `timestamp` (now by default); null leaves are skipped.
   */
  static fromMetricsTree(
    tree: MetricsTree,
    options: { metricType?: string | null; timestamp?: number | null } = {},
  ): TimeSeries {
    const builder = new Builder();
    const at = options.timestamp ?? Date.now() / 1000;
    for (const [labels, leaf] of leaves(tree, [])) {
      builder.add(labels, leaf, at);
    }
    return builder.build(options.metricType ?? null);
  }

  /** From time buckets: each number leaf is one point at the bucket's timestamp. */
  static fromBuckets(
    buckets: Iterable<Pick<MetricsBucket, "end_time" | "metrics"> & { timestamp?: number | null }>,
    options: { metricType?: string | null } = {},
  ): TimeSeries {
    const builder = new Builder();
    for (const bucket of buckets) {
      const at = bucket.timestamp ?? bucket.end_time;
      for (const [labels, leaf] of leaves(bucket.metrics ?? {}, [])) {
        builder.add(labels, leaf, at);
      }
    }
    return builder.build(options.metricType ?? null);
  }

  /** The series with these labels, or this ":"-joined name. */
  get(labels: string | readonly string[]): Series | undefined {
    return this.#series.get(typeof labels === "string" ? labels : labels.join(":"));
  }

  /** The number of series. */
  get size(): number {
    return this.#series.size;
  }

  /** Every series name, in the order the server sent them. */
  get names(): string[] {
    return [...this.#series.keys()];
  }

  /** The number of points over all series. */
  get pointCount(): number {
    return [...this].reduce((total, s) => total + s.timestamps.length, 0);
  }

  [Symbol.iterator](): Iterator<Series> {
    return this.#series.values();
  }

  /** Plain JSON-ready data: `{ metric_type, series: [{ labels, timestamps, values }] }`. */
  toDict(): { metric_type: string | null; series: object[] } {
    return {
      metric_type: this.metricType,
      series: [...this].map((s) => ({
        labels: [...s.labels],
        timestamps: [...s.timestamps],
        values: [...s.values],
      })),
    };
  }

  /**
   * Every series bucketed into `stepSeconds` windows aligned to the Unix epoch; a bucket's point
   * sits at its start, empty buckets are left out.
   */
  resample(stepSeconds: number, how: ResampleMethod | string = "average"): TimeSeries {
    if (!Object.hasOwn(REDUCERS, how)) {
      throw new RangeError(`how must be one of ${RESAMPLE_METHODS.join(", ")}, not '${how}'`);
    }
    if (!(stepSeconds > 0)) {
      throw new RangeError(`stepSeconds must be positive, not ${stepSeconds}`);
    }
    const reduce = REDUCERS[how as ResampleMethod];
    return this.#map((s) => {
      const buckets = new Map<number, number[]>();
      s.timestamps.forEach((t, i) => {
        const start = Math.floor(t / stepSeconds) * stepSeconds;
        const group = buckets.get(start) ?? [];
        group.push(s.values[i] ?? Number.NaN);
        buckets.set(start, group);
      });
      return [...buckets].map(([start, group]): [number, number] => [start, reduce(group)]);
    });
  }

  /** Change per second between consecutive points, at the later point; equal times are skipped. */
  rateOfChange(): TimeSeries {
    return this.#map((s) => {
      const pairs: [number, number][] = [];
      for (let i = 1; i < s.timestamps.length; i += 1) {
        const [t0, t1] = [s.timestamps[i - 1] ?? 0, s.timestamps[i] ?? 0];
        if (t1 > t0) {
          pairs.push([t1, ((s.values[i] ?? 0) - (s.values[i - 1] ?? 0)) / (t1 - t0)]);
        }
      }
      return pairs;
    });
  }

  /** Per series name: the least-squares slope per hour and the first-to-last percent change. */
  trend(): Map<string, Trend> {
    return new Map([...this].map((s) => [s.name, trendOf(s)]));
  }

  /**
   * Per series name, one flag per point: |z| > `threshold` against the `window` points before
   * it. The first `window` points are never flagged; a window without spread flags any change.
   */
  anomalies(options: { window?: number; threshold?: number } = {}): Map<string, boolean[]> {
    const { window = 20, threshold = 3 } = options;
    if (!(window >= 2)) {
      throw new RangeError(`window must be at least 2, not ${window}`);
    }
    return new Map([...this].map((s) => [s.name, rollingFlags(s.values, window, threshold)]));
  }

  #map(points: (s: Series) => [number, number][]): TimeSeries {
    return new TimeSeries(
      [...this].map((s) => seriesOf(s.labels, points(s))),
      this.metricType,
    );
  }
}

/** Collects leaves into columns per name: whole series, or one point per bucket. */
class Builder {
  readonly #columns = new Map<string, { labels: string[]; points: [number, number][] }>();

  add(labels: string[], leaf: unknown, at: number): void {
    let points: [number, number][];
    if (Array.isArray(leaf)) {
      points = splitPoints(labels, leaf);
    } else if (typeof leaf === "number") {
      points = [[at, leaf]];
    } else {
      return;
    }
    const name = labels.join(":");
    const column = this.#columns.get(name);
    if (column) {
      column.points.push(...points);
    } else {
      this.#columns.set(name, { labels, points });
    }
  }

  build(metricType: string | null): TimeSeries {
    const series = [...this.#columns.values()].map(({ labels, points }) =>
      seriesOf(
        labels,
        points.sort((a, b) => a[0] - b[0]),
      ),
    );
    return new TimeSeries(series, metricType);
  }
}

function* leaves(node: unknown, labels: string[]): Generator<[string[], unknown]> {
  if (isRecord(node)) {
    for (const [key, child] of Object.entries(node)) {
      yield* leaves(child, [...labels, key]);
    }
  } else {
    yield [labels, node];
  }
}

/** `[[t, v], ...]` as pairs; points with a null part are dropped, anything else is an error. */
function splitPoints(labels: string[], points: unknown[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const point of points) {
    if (!Array.isArray(point) || point.length !== 2) {
      throw new RangeError(
        `series ${labels.join(":")}: a point is [timestamp, value], not ${JSON.stringify(point)}`,
      );
    }
    const [t, v] = point as unknown[];
    if (t === null || v === null) {
      continue;
    }
    if (typeof t !== "number" || typeof v !== "number") {
      throw new RangeError(
        `series ${labels.join(":")}: ${JSON.stringify(point)} holds a non-number`,
      );
    }
    pairs.push([t, v]);
  }
  return pairs;
}

function seriesOf(labels: readonly string[], points: [number, number][]): Series {
  return {
    labels: [...labels],
    name: labels.join(":"),
    timestamps: Float64Array.from(points, (p) => p[0]),
    values: Float64Array.from(points, (p) => p[1]),
  };
}

function trendOf(s: Series): Trend {
  const n = s.timestamps.length;
  const first = s.values[0];
  const last = s.values[n - 1];
  if (n === 0 || first === undefined || last === undefined) {
    return { slopePerHour: null, percentChange: null, first: null, last: null, n: 0 };
  }
  const tMean = sum(s.timestamps) / n;
  const vMean = sum(s.values) / n;
  const sxx = sum(s.timestamps.map((t) => (t - tMean) ** 2));
  const sxy = sum(s.timestamps.map((t, i) => (t - tMean) * ((s.values[i] ?? 0) - vMean)));
  return {
    slopePerHour: sxx > 0 ? (sxy / sxx) * 3600 : null,
    percentChange: first ? ((last - first) / Math.abs(first)) * 100 : null,
    first,
    last,
    n,
  };
}

function rollingFlags(values: Float64Array, window: number, threshold: number): boolean[] {
  const flags = new Array<boolean>(values.length).fill(false);
  for (let i = window; i < values.length; i += 1) {
    const history = values.subarray(i - window, i);
    const mean = sum(history) / window;
    const spread = Math.sqrt(sum(history.map((x) => (x - mean) ** 2)) / window);
    const deviation = Math.abs((values[i] ?? 0) - mean);
    flags[i] = spread > 0 ? deviation > threshold * spread : deviation > 0;
  }
  return flags;
}

/** A compensated (Neumaier) sum, close to Python's `math.fsum`. */
function sum(values: ArrayLike<number>): number {
  let total = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] ?? 0;
    const next = total + value;
    compensation +=
      Math.abs(total) >= Math.abs(value) ? total - next + value : value - next + total;
    total = next;
  }
  return total + compensation;
}

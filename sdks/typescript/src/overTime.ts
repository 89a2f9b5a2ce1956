/**
 * `getMetricsOverTime` as `wal_telemetry_sdk/_over_time.py` does it: the range is cut into
 * 'hour', 'day' or 'week' buckets (or a step in seconds). The reference server answers the whole
 * range in one `/timeseries` request; a server without that operation (the upstream one) gets
 * one averaged `getMetrics` request per bucket, at most 8 at a time.
 */

import * as args from "./arguments.js";
import {
  asResult,
  type MetricsBucket,
  type MetricsOverTime,
  type TimeSeriesResult,
} from "./models.js";
import { seriesFromTree } from "./dialects.js";

/** Bucket widths in seconds. */
export const INTERVALS = { hour: 60 * 60, day: args.DAY, week: 7 * args.DAY } as const;
/** At most this many buckets (and so requests) per call. */
export const MAX_BUCKETS = 1000;
/** Per-bucket requests in flight at once. */
export const CONCURRENT_BUCKETS = 8;

/** Arguments of `getMetricsOverTime`. */
export interface OverTimeOptions extends args.Filters {
  /** The metric type to follow over time. */
  metricType: string;
  /** Start of the range; `endTime` minus one day by default. */
  startTime?: args.Timestamp | undefined;
  /** End of the range; now by default. */
  endTime?: args.Timestamp | undefined;
  /** Bucket width: 'hour' (default), 'day', 'week', or a step in seconds (at least 1). */
  interval?: keyof typeof INTERVALS | number | undefined;
}

/** Validate the arguments and lay out the (still empty) result, before any request. */
export function plan(
  options: OverTimeOptions,
  now: () => number = () => Date.now() / 1000,
): MetricsOverTime {
  const kind = args.metricType(options.metricType);
  const interval = options.interval ?? "hour";
  const step = stepSeconds(interval);
  const end = options.endTime === undefined ? now() : args.timestamp(options.endTime, "endTime");
  const start =
    options.startTime === undefined
      ? end - args.DAY
      : args.timestamp(options.startTime, "startTime");
  const [checkedStart, checkedEnd] = args.ordered(start, end);
  if ((checkedEnd - checkedStart) / step > MAX_BUCKETS) {
    throw new RangeError(
      `${args.repr(interval)} buckets over this range exceed ${MAX_BUCKETS}; ` +
        "use a longer interval or a shorter range",
    );
  }
  args.filters(options, null);
  return asResult({
    metric_type: kind,
    start_time: checkedStart,
    end_time: checkedEnd,
    interval,
    time_series: [],
    source: null,
  });
}

/** Bucket width: 'hour', 'day', 'week', or a number of seconds (at least 1). */
export function stepSeconds(interval: unknown): number {
  if (typeof interval === "string" && Object.hasOwn(INTERVALS, interval)) {
    return INTERVALS[interval as keyof typeof INTERVALS];
  }
  if (typeof interval === "number" && Number.isFinite(interval) && interval >= 1) {
    return interval;
  }
  throw new RangeError(
    `Invalid interval ${args.repr(interval)}. Must be one of: hour, day, week, ` +
      "or a step in seconds (a number >= 1)",
  );
}

/** Consecutive `[start, end]` pairs covering the range; the last one may be shorter. */
export function bounds(overTime: MetricsOverTime): [number, number][] {
  const step = stepSeconds(overTime.interval);
  const edges: [number, number][] = [];
  let current = overTime.start_time;
  while (current < overTime.end_time) {
    const following = Math.min(current + step, overTime.end_time);
    edges.push([current, following]);
    current = following;
  }
  return edges;
}

/** The result filled from the server's buckets, stamped at their midpoints like the others. */
export function fromServerBuckets(
  overTime: MetricsOverTime,
  result: TimeSeriesResult,
): MetricsOverTime {
  const buckets = result.buckets.map((item) =>
    bucket(item.start_time, item.end_time, item.metrics),
  );
  return asResult({ ...overTime, time_series: buckets, source: "timeseries" });
}

/** The result filled with one averaged request per bucket, at most 8 in flight at once. */
export async function perBucketRequests(
  getMetrics: (options: args.MetricsOptions) => Promise<{ metrics: MetricsBucket["metrics"] }>,
  overTime: MetricsOverTime,
  filters: args.Filters,
): Promise<MetricsOverTime> {
  const edges = bounds(overTime);
  const buckets: MetricsBucket[] = new Array(edges.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < edges.length && !failed; index = next++) {
      const [start, end] = edges[index] as [number, number];
      const result = await getMetrics({
        metricType: overTime.metric_type,
        timeRange: [start, end],
        aggregation: "average",
        operationType: filters.operationType,
        backend: filters.backend,
        status: filters.status,
      });
      buckets[index] = bucket(start, end, result.metrics);
    }
  };
  const stopOnFailure = (error: unknown): never => {
    failed = true;
    throw error;
  };
  const workers = Math.min(CONCURRENT_BUCKETS, edges.length);
  await Promise.all(Array.from({ length: workers }, () => worker().catch(stopOnFailure)));
  return asResult({ ...overTime, time_series: buckets, source: "per-bucket" });
}

function bucket(start: number, end: number, tree: MetricsBucket["metrics"]): MetricsBucket {
  return asResult({
    start_time: start,
    end_time: end,
    timestamp: (start + end) / 2,
    metrics: tree,
    series: seriesFromTree(tree),
  });
}

/**
 * `getMetricsOverTime` as the seed (and `wal_telemetry_sdk/_over_time.py`) does it: the range is
 * cut into 'hour', 'day' or 'week' buckets and each bucket is one averaged `getMetrics` request.
 * It works on both servers; `getTimeSeries` does the same in one request on the reference server.
 */

import * as args from "./arguments.js";
import { asResult, type MetricsOverTime, type MetricsResult } from "./models.js";

/** Bucket widths in seconds. */
export const INTERVALS = { hour: 60 * 60, day: args.DAY, week: 7 * args.DAY } as const;
/** At most this many buckets (and so requests) per call. */
export const MAX_BUCKETS = 1000;

/** Arguments of `getMetricsOverTime`. */
export interface OverTimeOptions extends args.Filters {
  /** The metric type to follow over time. */
  metricType: string;
  /** Start of the range; `endTime` minus one day by default. */
  startTime?: args.Timestamp | undefined;
  /** End of the range; now by default. */
  endTime?: args.Timestamp | undefined;
  /** Bucket width: 'hour' (default), 'day' or 'week'. */
  interval?: string | undefined;
}

/** Validate the arguments and lay out the (still empty) buckets, before any request. */
export function plan(
  options: OverTimeOptions,
  now: () => number = () => Date.now() / 1000,
): MetricsOverTime {
  const kind = args.metricType(options.metricType);
  const interval = options.interval ?? "hour";
  if (!Object.hasOwn(INTERVALS, interval)) {
    const choices = Object.keys(INTERVALS).join(", ");
    throw new RangeError(
      `Invalid interval ${JSON.stringify(interval)}. Must be one of: ${choices}`,
    );
  }
  const end = options.endTime === undefined ? now() : args.timestamp(options.endTime, "endTime");
  const start =
    options.startTime === undefined
      ? end - args.DAY
      : args.timestamp(options.startTime, "startTime");
  const [checkedStart, checkedEnd] = args.ordered(start, end);
  const step = INTERVALS[interval as keyof typeof INTERVALS];
  if ((checkedEnd - checkedStart) / step > MAX_BUCKETS) {
    throw new RangeError(`'${interval}' buckets over this range exceed ${MAX_BUCKETS} requests`);
  }
  return asResult({
    metric_type: kind,
    start_time: checkedStart,
    end_time: checkedEnd,
    interval,
    time_series: [],
  });
}

/** Consecutive `[start, end]` pairs covering the range; the last one may be shorter. */
export function bounds(overTime: MetricsOverTime): [number, number][] {
  const step = INTERVALS[overTime.interval as keyof typeof INTERVALS];
  const edges: [number, number][] = [];
  let current = overTime.start_time;
  while (current < overTime.end_time) {
    const following = Math.min(current + step, overTime.end_time);
    edges.push([current, following]);
    current = following;
  }
  return edges;
}

/** Fill the planned buckets, one averaged request each, stamped at their midpoints. */
export async function metricsOverTime(
  getMetrics: (options: args.MetricsOptions) => Promise<MetricsResult>,
  overTime: MetricsOverTime,
  filters: args.Filters,
): Promise<MetricsOverTime> {
  for (const [start, end] of bounds(overTime)) {
    const result = await getMetrics({
      metricType: overTime.metric_type,
      timeRange: [start, end],
      aggregation: "average",
      operationType: filters.operationType,
      backend: filters.backend,
      status: filters.status,
    });
    overTime.time_series.push(
      asResult({
        start_time: start,
        end_time: end,
        timestamp: (start + end) / 2,
        metrics: result.metrics,
        series: result.series,
      }),
    );
  }
  return overTime;
}

/**
 * Threshold alerts on real-time metrics, with the syntax and checks of
 * `wal_telemetry_sdk/alerts.py`: `"operation_latency.percentile_95 > 500 for 3"`.
 *
 * A rule names a number of the real-time result by dotted path. Every rule is checked against
 * `ALERT_FIELDS` when it is made into an evaluator, before anything is fetched, so a typo cannot
 * make a rule that silently never fires. `ALERT_FIELDS` is checked by `tsc` against the
 * `RealtimeMetrics` type: a number added to the result fails the build until it is listed.
 * A field that is missing or null on a tick is "no data": that tick neither advances nor resets
 * a rule.
 */

import { repr } from "./arguments.js";
import type { RealtimeMetrics } from "./models.js";

const COMPARE = {
  ">": (a: number, b: number) => a > b,
  ">=": (a: number, b: number) => a >= b,
  "<": (a: number, b: number) => a < b,
  "<=": (a: number, b: number) => a <= b,
  "==": (a: number, b: number) => a === b,
  "!=": (a: number, b: number) => a !== b,
} as const;

/** A comparison a rule can make. */
export type AlertOperator = keyof typeof COMPARE;
/** The comparisons a rule can make, in the order error messages list them. */
export const OPERATORS = Object.keys(COMPARE) as readonly AlertOperator[];
/** The path segment that stands for any key of a map (an `operation:backend` pair, a backend). */
export const ANY_KEY = "*";

const RULE = new RegExp(
  "^\\s*(?<field>[^\\s<>=!]+)\\s*(?<op>[<>=!]+)\\s*" +
    "(?<threshold>[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)" +
    "(?:\\s+for\\s*=?\\s*(?<forTicks>[0-9]+)(?:\\s+ticks?)?)?\\s*$",
  "u",
);
const SYNTAX =
  `'<field> <op> <number> [for <ticks>]' with <op> one of ${OPERATORS.join(", ")}` +
  " and a finite <number>";
const SIGNIFICANT_DIGITS = 6;

/** Dotted paths to the values of `T` of type `Leaf`; a map adds an `ANY_KEY` segment. */
type LeafPaths<T, Leaf> = {
  [K in keyof T & string]: K extends "extra" ? never : PathsOf<K, T[K], Leaf>;
}[keyof T & string];
type PathsOf<Path extends string, Value, Leaf> = [NonNullable<Value>] extends [Leaf]
  ? Path
  : NonNullable<Value> extends object
    ? string extends keyof NonNullable<Value>
      ? PathsOf<`${Path}.${typeof ANY_KEY}`, NonNullable<Value>[keyof NonNullable<Value>], Leaf>
      : `${Path}.${LeafPaths<NonNullable<Value>, Leaf>}`
    : never;

/** A field a rule can watch: a number of the real-time result. */
export type AlertField = LeafPaths<RealtimeMetrics, number>;

/**
 * Every number of the real-time result a rule can watch, in the result's order; the same list as
 * Python's `REALTIME_FIELDS`. `satisfies` makes `tsc` refuse a missing or unknown entry.
 */
const FIELDS = {
  timestamp: true,
  window_seconds: true,
  "operation_latency.average": true,
  "operation_latency.median": true,
  "operation_latency.minimum": true,
  "operation_latency.maximum": true,
  "operation_latency.percentile_95": true,
  "operation_latency.percentile_99": true,
  "operation_latency.count": true,
  "success_rate.value": true,
  "success_rate.by_key.*": true,
  "error_rate.value": true,
  "error_rate.by_key.*": true,
  "throughput.value": true,
  "throughput.by_key.*": true,
  "operation_count.value": true,
  "operation_count.by_key.*": true,
  "queue_size.value": true,
  "queue_size.by_key.*": true,
  "retry_count.value": true,
  "retry_count.by_key.*": true,
  "backend_health.*.value": true,
  "latency.*.mean": true,
  "latency.*.median": true,
  "latency.*.min": true,
  "latency.*.max": true,
  "latency.*.percentile_95": true,
  "latency.*.count": true,
  "status_distribution.*": true,
} as const satisfies Record<AlertField, true>;
/** The fields of the real-time result that are not numbers, for clearer messages. */
const OTHER_FIELDS = {
  success: true,
  operation: true,
  "backend_health.*.status": true,
} as const satisfies Record<LeafPaths<RealtimeMetrics, string | boolean>, true>;

/** Every field a rule can watch, in the real-time result's order. */
export const ALERT_FIELDS = Object.keys(FIELDS) as readonly AlertField[];

/** Options of a rule besides its field, operator and threshold. */
export interface AlertRuleOptions {
  /** Consecutive breaching ticks before the rule fires; 1 by default. */
  forTicks?: number | undefined;
  /** Consecutive healthy ticks before a firing rule resolves; 1 by default. */
  clearTicks?: number | undefined;
  /** How far past the threshold, to the healthy side, a value must be to count as healthy. */
  hysteresis?: number | undefined;
  /** The rule's name in events; its text, or `field op threshold`, by default. */
  name?: string | undefined;
}

/**
 * Fires after `forTicks` breaching ticks, resolves after `clearTicks` healthy ones. Healthy means
 * back past `threshold` moved by `hysteresis` to the healthy side: for `latency > 500` with
 * hysteresis 50 the value must fall to 450 or lower.
 */
export class AlertRule {
  readonly forTicks: number;
  readonly clearTicks: number;
  readonly hysteresis: number;
  readonly name: string;

  constructor(
    readonly field: string,
    readonly op: AlertOperator,
    readonly threshold: number,
    options: AlertRuleOptions = {},
  ) {
    if (!Object.hasOwn(COMPARE, op)) {
      throw new RangeError(`unknown operator '${op}': use one of ${OPERATORS.join(", ")}`);
    }
    if (typeof threshold !== "number" || !Number.isFinite(threshold)) {
      throw new RangeError(`threshold must be a finite number, got ${String(threshold)}`);
    }
    this.forTicks = atLeastOne(options.forTicks ?? 1, "for_ticks");
    this.clearTicks = atLeastOne(options.clearTicks ?? 1, "clear_ticks");
    this.hysteresis = options.hysteresis ?? 0;
    if (!(this.hysteresis >= 0)) {
      throw new RangeError(`hysteresis must be >= 0, got ${this.hysteresis}`);
    }
    this.name = options.name ?? `${field} ${op} ${Number(threshold.toPrecision(15))}`;
  }

  /** Read `"success_rate.value < 0.99 for 3"` (or `for=3`); the name defaults to the text. */
  static parse(text: string, options: AlertRuleOptions = {}): AlertRule {
    const match = RULE.exec(text);
    const groups = match?.groups;
    if (!groups || !Object.hasOwn(COMPARE, groups["op"] ?? "")) {
      throw new RangeError(`cannot read alert rule ${repr(text)}: expected ${SYNTAX}`);
    }
    const forTicks =
      groups["forTicks"] === undefined ? {} : { forTicks: Number(groups["forTicks"]) };
    return new AlertRule(
      groups["field"] ?? "",
      groups["op"] as AlertOperator,
      Number(groups["threshold"]),
      { name: text.trim().split(/\s+/u).join(" "), ...forTicks, ...options },
    );
  }

  /** Whether `value` is on the alerting side of the threshold. */
  breaches(value: number): boolean {
    return COMPARE[this.op](value, this.threshold);
  }

  /** Whether `value` is clear of the threshold by at least the hysteresis. */
  isHealthy(value: number): boolean {
    if (this.op === "==" || this.op === "!=") {
      const near = Math.abs(value - this.threshold) <= this.hysteresis;
      return this.op === "==" ? !near : near;
    }
    const shift = this.op === ">" || this.op === ">=" ? -this.hysteresis : this.hysteresis;
    return !COMPARE[this.op](value, this.threshold + shift);
  }
}

/** A rule starting to fire, or resolving, on a given tick. */
export class AlertEvent {
  constructor(
    readonly rule: AlertRule,
    readonly state: "firing" | "resolved",
    readonly value: number,
    readonly iteration: number,
    /** Unix seconds when the tick was evaluated. */
    readonly timestamp: number,
  ) {}

  /** One line for people, value and threshold formatted alike: `FIRING <rule>: value ...`. */
  get message(): string {
    return (
      `${this.state.toUpperCase()} ${this.rule.name}: value ${formatNumber(this.value)}, ` +
      `threshold ${this.rule.op} ${formatNumber(this.rule.threshold)}`
    );
  }
}

/**
 * Parse every rule and check that it watches a number of the real-time result; call it before
 * fetching. Throws `RangeError` naming the rule and listing the valid fields. `fields: null`
 * skips the field check (rules on values other than real-time metrics).
 */
export function checkRules(
  rules: Iterable<AlertRule | string>,
  fields: readonly string[] | null = ALERT_FIELDS,
): AlertRule[] {
  const parsed = [...rules].map((rule) =>
    typeof rule === "string" ? AlertRule.parse(rule) : rule,
  );
  if (fields === null) {
    return parsed;
  }
  for (const rule of parsed) {
    const problem = fieldProblem(rule.field, fields);
    if (problem !== null) {
      throw new RangeError(
        `alert rule ${repr(rule.name)}: ${problem}; valid fields (${ANY_KEY} is any key): ` +
          fields.join(", "),
      );
    }
  }
  return parsed;
}

/** Options of an `AlertEvaluator`. */
export interface AlertEvaluatorOptions {
  /** Told of every rule that starts firing or resolves. */
  onEvent?: ((event: AlertEvent) => void) | null | undefined;
  /** The fields rules may watch: `ALERT_FIELDS` by default; null skips the check. */
  fields?: readonly string[] | null | undefined;
}

/**
 * Tracks rules across ticks and reports each change of state to `onEvent`. The rules are
 * checked when it is made, so a bad rule fails before the first fetch.
 */
export class AlertEvaluator {
  readonly rules: readonly AlertRule[];
  readonly #onEvent: ((event: AlertEvent) => void) | null;
  readonly #states: { firing: boolean; streak: number }[];

  constructor(rules: Iterable<AlertRule | string>, options: AlertEvaluatorOptions = {}) {
    this.rules = checkRules(rules, options.fields === undefined ? ALERT_FIELDS : options.fields);
    this.#onEvent = options.onEvent ?? null;
    this.#states = this.rules.map(() => ({ firing: false, streak: 0 }));
  }

  /** The rules firing now. */
  get firing(): AlertRule[] {
    return this.rules.filter((_, index) => this.#states[index]?.firing);
  }

  /** Advance every rule by one tick of `metrics`; return (and deliver) the new events. */
  evaluate(metrics: unknown, iteration: number): AlertEvent[] {
    const now = Date.now() / 1000;
    const events: AlertEvent[] = [];
    this.rules.forEach((rule, index) => {
      const state = this.#states[index];
      const value = asNumber(rule.field, lookup(metrics, rule.field));
      if (state === undefined || value === null) {
        return;
      }
      const moving = state.firing ? rule.isHealthy(value) : rule.breaches(value);
      state.streak = moving ? state.streak + 1 : 0;
      if (state.streak >= (state.firing ? rule.clearTicks : rule.forTicks)) {
        state.firing = !state.firing;
        state.streak = 0;
        events.push(
          new AlertEvent(rule, state.firing ? "firing" : "resolved", value, iteration, now),
        );
      }
    });
    for (const event of events) {
      this.#onEvent?.(event);
    }
    return events;
  }
}

/** The value at a dotted path through plain objects, or null when any part is missing. */
export function lookup(data: unknown, path: string): unknown {
  let current = data;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) {
      return null;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current ?? null;
}

/** A number for people: digit grouping, up to 6 significant digits, never an exponent. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  }
  if (value === 0) {
    return "0";
  }
  const decimals = Math.max(0, SIGNIFICANT_DIGITS - 1 - Math.floor(Math.log10(Math.abs(value))));
  let text = Math.abs(value).toFixed(Math.min(decimals, 100));
  if (text.includes(".")) {
    text = text.replace(/0+$/u, "").replace(/\.$/u, "");
  }
  const [whole = "0", fraction] = text.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/gu, ",");
  const unsigned = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  return value < 0 && unsigned !== "0" ? `-${unsigned}` : unsigned;
}

function fieldProblem(field: string, fields: readonly string[]): string | null {
  if (fields.some((pattern) => matches(field, pattern))) {
    return null;
  }
  const depth = field.split(".").length;
  const groups = fields
    .filter((pattern) => pattern.split(".").length > depth)
    .map((pattern) => pattern.split(".").slice(0, depth).join("."));
  if ([...groups, ...Object.keys(OTHER_FIELDS)].some((pattern) => matches(field, pattern))) {
    return `${repr(field)} is not a number`;
  }
  return `unknown field ${repr(field)}`;
}

function matches(field: string, pattern: string): boolean {
  const parts = field.split(".");
  const wanted = pattern.split(".");
  return (
    parts.length === wanted.length &&
    parts.every(
      (part, index) => part !== "" && (wanted[index] === ANY_KEY || wanted[index] === part),
    )
  );
}

function asNumber(path: string, value: unknown): number | null {
  if (value === null || value === undefined || typeof value === "number") {
    return (value as number | null | undefined) ?? null;
  }
  throw new TypeError(`alert field '${path}' is a ${typeof value}, not a number`);
}

function atLeastOne(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`'${name}' must be >= 1: ${value}`);
  }
  return value;
}

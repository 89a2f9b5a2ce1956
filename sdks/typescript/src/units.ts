/**
 * One unit per metric type, as `openapi.yaml` declares it (`x-unit`, copied into
 * `generated/units.ts` by `make generate`): results hold `unit`, servers send `sentIn`, and this
 * is the one place that converts, as `wal_telemetry_sdk/_conversion.py` is for Python. A type
 * the spec gives no unit, or this SDK does not know, is handed on as sent.
 */

import { METRIC_UNITS } from "./generated/units.js";
import type { MetricsNode, MetricsTree } from "./models.js";
import { isRecord } from "./responses.js";

/** Declared units: each metric type's unit in results and as servers send it. */
export type UnitTable = Readonly<Record<string, { unit: string; sentIn: string }>>;

/** How to turn a value sent in one unit into another. */
const SCALES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  s: { ms: 1000 },
  ms: { s: 0.001 },
};

/** The factor from what servers send to what results hold for `metricType` (1: as sent). */
export function factorOf(metricType: string | null, units: UnitTable = METRIC_UNITS): number {
  const declared = metricType === null ? undefined : units[metricType];
  if (declared === undefined || declared.unit === declared.sentIn) {
    return 1;
  }
  const factor = SCALES[declared.sentIn]?.[declared.unit];
  if (factor === undefined) {
    throw new RangeError(
      `openapi.yaml declares ${metricType} in ${declared.unit}, sent in ${declared.sentIn}: ` +
        "a conversion this client does not know",
    );
  }
  return factor;
}

/**
 * A metrics tree with its values in the results' unit; a tree of every type (no metric type)
 * is converted per top-level type. Malformed leaves are left for the body checks to name.
 */
export function treeInUnits(
  tree: MetricsTree,
  metricType: string | null,
  units: UnitTable = METRIC_UNITS,
): MetricsTree {
  if (metricType === null) {
    return Object.fromEntries(
      Object.entries(tree).map(([key, node]) => [
        key,
        isRecord(node) && Object.hasOwn(units, key) ? scaled(node, factorOf(key, units)) : node,
      ]),
    );
  }
  const factor = factorOf(metricType, units);
  return factor === 1 ? tree : (scaled(tree, factor) as MetricsTree);
}

function scaled(node: MetricsNode, factor: number): MetricsNode {
  if (factor === 1 || node === null) {
    return node;
  }
  if (typeof node === "number") {
    return node * factor;
  }
  if (Array.isArray(node)) {
    return node.map((point) =>
      Array.isArray(point) && point.length === 2 && typeof point[1] === "number"
        ? [point[0] as number, point[1] * factor]
        : point,
    );
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, child]) => [key, scaled(child, factor)]),
  );
}

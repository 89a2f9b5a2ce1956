/**
 * Unit conversion as `openapi.yaml` declares it (`x-unit`, in `generated/units.ts`): with a
 * declared table, latency sent in seconds is handed in milliseconds; without one, as sent.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { METRIC_UNITS } from "../src/generated/units.js";
import { factorOf, treeInUnits, type UnitTable } from "../src/units.js";

const DECLARED: UnitTable = {
  operation_latency: { unit: "ms", sentIn: "s" },
  throughput: { unit: "ops/s", sentIn: "ops/s" },
};

describe("units", () => {
  it("every unit the spec declares can be converted", () => {
    for (const kind of Object.keys(METRIC_UNITS)) {
      assert.ok(Number.isFinite(factorOf(kind)), kind);
    }
  });

  it("seconds become milliseconds; same units and unknown types stay as sent", () => {
    assert.equal(factorOf("operation_latency", DECLARED), 1000);
    assert.equal(factorOf("throughput", DECLARED), 1);
    assert.equal(factorOf("newer_metric", DECLARED), 1);
    assert.equal(factorOf(null, DECLARED), 1);
    assert.throws(
      () => factorOf("x", { x: { unit: "ms", sentIn: "furlongs" } }),
      /declares x in ms, sent in furlongs/u,
    );
  });

  it("trees of one type are scaled at every leaf; trees of every type per top-level type", () => {
    const tree = { append: { json: [[1, 0.5]], ipfs: 0.25, none: null } };
    assert.deepEqual(treeInUnits(tree, "operation_latency", DECLARED), {
      append: { json: [[1, 500]], ipfs: 250, none: null },
    });
    assert.deepEqual(
      treeInUnits({ operation_latency: { a: 0.002 }, throughput: { a: 3 } }, null, DECLARED),
      { operation_latency: { a: 2 }, throughput: { a: 3 } },
    );
    assert.deepEqual(treeInUnits(tree, "operation_latency", {}), tree);
  });
});

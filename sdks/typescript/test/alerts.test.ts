/**
 * Alert rules beyond the shared cases: rules made in code are checked like parsed ones, and
 * `fields: null` lets an evaluator watch values other than real-time metrics.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { AlertEvaluator, AlertRule, type AlertOperator } from "../src/index.js";

describe("alert rules made in code", () => {
  it("refuse an unknown operator, a threshold that is not finite, and counts under 1", () => {
    assert.throws(() => new AlertRule("queue_size.value", "=~" as AlertOperator, 1), />=/u);
    assert.throws(() => new AlertRule("queue_size.value", ">", Number.NaN), /finite/u);
    assert.throws(() => new AlertRule("queue_size.value", ">", 1, { forTicks: 0 }), /for_ticks/u);
    assert.throws(() => new AlertRule("queue_size.value", ">", 1, { clearTicks: 1.5 }));
    assert.throws(() => new AlertRule("queue_size.value", ">", 1, { hysteresis: -1 }));
  });

  it("are named after their field, operator and threshold", () => {
    assert.equal(new AlertRule("queue_size.value", ">=", 2500).name, "queue_size.value >= 2500");
  });

  it("are checked against the result's fields like parsed ones", () => {
    assert.throws(
      () => new AlertEvaluator([new AlertRule("latency", ">", 5)]),
      /'latency' is not a number/u,
    );
  });

  it("fields: null watches any value, and a value that is not a number is an error", () => {
    const evaluator = new AlertEvaluator(["n > 1"], { fields: null });
    assert.deepEqual(
      evaluator.evaluate({ n: 2 }, 0).map((event) => event.state),
      ["firing"],
    );
    assert.throws(() => evaluator.evaluate({ n: "two" }, 1), /'n' is a string, not a number/u);
  });
});

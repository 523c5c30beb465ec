import assert from "node:assert/strict";
import { test } from "node:test";
import { decomposeCpiChange } from "./decompose.js";
import { emptyTotals, type Totals } from "./measures.js";

const t = (cost: number, impressions: number): Totals => ({ ...emptyTotals(), cost: BigInt(Math.round(cost * 1e6)), impressions });

test("mix and rate add up to the total CPI change exactly", () => {
  const a = new Map([
    ["meta", t(600, 100_000)],
    ["google", t(900, 30_000)],
    ["tiktok", t(50, 20_000)],
  ]);
  const b = new Map([
    ["meta", t(400, 80_000)],
    ["google", t(1200, 50_000)],
    ["linkedin", t(300, 5_000)],
  ]);
  const d = decomposeCpiChange(a, b);
  assert.ok(d.total_change !== null);
  assert.ok(Math.abs(d.mix + d.rate - d.total_change) < 1e-15);
  const sum = d.segments.reduce((s, x) => s + x.mix + x.rate, 0);
  assert.ok(Math.abs(sum - d.total_change) < 1e-15);
  // A segment on one side only moves by mix alone.
  assert.equal(d.segments.find((s) => s.segment === "tiktok")?.rate, 0);
  assert.equal(d.segments.find((s) => s.segment === "linkedin")?.rate, 0);
});

test("a pure mix shift: same CPIs per source, spend moved to the cheaper one", () => {
  const a = new Map([
    ["cheap", t(30, 30_000)],
    ["dear", t(10, 1_000)],
  ]);
  const b = new Map([
    ["cheap", t(10, 10_000)],
    ["dear", t(30, 3_000)],
  ]);
  const d = decomposeCpiChange(a, b);
  assert.ok(Math.abs(d.rate) < 1e-15);
  assert.ok(Math.abs(d.mix - (d.total_change as number)) < 1e-15);
  assert.ok((d.total_change as number) < 0);
});

test("a pure rate change: same shares, every source 10 % cheaper", () => {
  const a = new Map([
    ["x", t(9, 1000)],
    ["y", t(18, 1000)],
  ]);
  const b = new Map([
    ["x", t(10, 1000)],
    ["y", t(20, 1000)],
  ]);
  const d = decomposeCpiChange(a, b);
  assert.ok(Math.abs(d.mix) < 1e-15);
  assert.ok(Math.abs(d.rate - (0.0135 - 0.015)) < 1e-15);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { microsToDecimalString, microsToUnits, normaliseCurrency, parseMicros } from "./money.js";

test("parseMicros reads plain decimals exactly", () => {
  assert.equal(parseMicros("5000"), 5_000_000_000n);
  assert.equal(parseMicros("0.015"), 15_000n);
  assert.equal(parseMicros("-12.5"), -12_500_000n);
  assert.equal(parseMicros(".5"), 500_000n);
  assert.equal(parseMicros("1.0000005"), 1_000_001n);
  assert.equal(parseMicros("1.0000004"), 1_000_000n);
  assert.equal(parseMicros("1,000"), null);
  assert.equal(parseMicros("abc"), null);
  assert.equal(parseMicros(""), null);
  assert.equal(parseMicros("."), null);
});

test("a million rows of 0.01 sum to exactly 10000.00", () => {
  let total = 0n;
  let float = 0;
  const cent = parseMicros("0.01") as bigint;
  for (let i = 0; i < 1_000_000; i++) {
    total += cent;
    float += 0.01;
  }
  assert.equal(total, 10_000_000_000n);
  assert.equal(microsToDecimalString(total), "10000");
  assert.notEqual(float, 10000); // why money is not a float
});

test("micros convert to units and strings", () => {
  assert.equal(microsToUnits(5_000_250_000n), 5000.25);
  assert.equal(microsToDecimalString(-1_500_000n), "-1.5");
  assert.equal(normaliseCurrency(" eur "), "EUR");
  assert.throws(() => normaliseCurrency("euro"), /ISO-4217/);
});

test("microsToUnits gives the same number as whole units plus the micros' fraction in BigInt, for any amount", () => {
  const exact = (m: bigint) => Number(m / 1_000_000n) + Number(m % 1_000_000n) / 1e6;
  let s = 12345;
  for (let i = 0; i < 200_000; i++) {
    s = (s * 48271) % 2147483647;
    const m = BigInt(s) * BigInt((s % 4_194_304) + 1) * (i % 3 === 0 ? -1n : 1n);
    assert.equal(microsToUnits(m), exact(m), String(m));
  }
  for (const m of [0n, 1n, -1n, 999_999n, 1_000_000n, 9_007_199_254_740_991n, -9_007_199_254_740_991n, 9_007_199_254_740_993n, 10n ** 30n + 123n]) assert.equal(microsToUnits(m), exact(m), String(m));
});

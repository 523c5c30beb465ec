import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCount, formatMoney, formatUnitCost, percentFormatter } from "./format.js";

/** A seeded generator (mulberry32): the same numbers every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const intl = (currency: string | null, decimals: number) =>
  new Intl.NumberFormat("en-US", { ...(currency ? { style: "currency", currency } : {}), minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Numbers of every kind a report shows, ties and edges among them (seeded: the same every run). */
function testValues(): number[] {
  const next = random(24);
  const values: number[] = [0, -0, 1, -1, 0.005, 1.005, 2.675, 8.345, 0.125, 1234.565, 999.995, 1e15, 1e21, 1.5e300, Number.NaN, Number.POSITIVE_INFINITY, 5e-7, -0.001];
  for (let i = 0; i < 4000; i++) {
    const k = next();
    const digits = Math.floor(next() * 10);
    if (k < 0.3) values.push(Math.round(next() * 10 ** Math.floor(next() * 12)) / 10 ** digits); // few decimals
    else if (k < 0.5) values.push((Math.floor(next() * 1e6) + 0.5) / 10 ** digits); // on a tie
    else if (k < 0.7) values.push(next() * 10 ** (next() * 24 - 8)); // any magnitude
    else if (k < 0.8) values.push(-next() * 1000);
    else values.push(Math.floor(next() * 2 ** 53)); // large counts
  }
  return values;
}

test("money and counts read exactly as Intl.NumberFormat writes them, ties and edges included", () => {
  const values = testValues();
  for (const currency of [null, "USD", "EUR", "CHF", "JPY"]) {
    for (let decimals = 0; decimals <= 8; decimals++) {
      const reference = intl(currency, decimals);
      for (const n of values) {
        const got = currency ? formatMoney(n, currency, decimals) : formatCount(n, decimals);
        assert.equal(got, reference.format(n), `${n} with ${decimals} decimals in ${currency ?? "no currency"}`);
      }
    }
  }
});

test("percentages read exactly as toFixed writes them, ties and edges included", () => {
  const values = testValues().flatMap((v) => [v, v / 100, v / 1e4]);
  for (let decimals = 0; decimals <= 9; decimals++) {
    const percent = percentFormatter(decimals);
    for (const f of values) assert.equal(percent(f), `${(f * 100).toFixed(decimals)} %`, `${f} with ${decimals} decimals`);
  }
});

test("a currency Intl does not know is shown as a count and its code", () => {
  assert.equal(formatMoney(1234.5, "ZZ9", 2), "1,234.50 ZZ9");
  assert.equal(formatUnitCost(0.013114, "USD"), "$0.0131");
  assert.equal(formatUnitCost(7.8829, "USD"), "$7.88");
});

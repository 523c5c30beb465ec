import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { normalPpf, studentTPpf } from "../stats/distributions.js";
import {
  composeCurves,
  exponentialReachCurve,
  hillCurve,
  hillInflection,
  invertMatrix,
  levenbergMarquardt,
  nbdReachCurve,
  powerLawCurve,
  type ResponseCurve,
  saturatingCpmCurve,
  scaleCurve,
  solveLinear,
} from "./index.js";

const V = JSON.parse(readFileSync(new URL("../../../test/reference/reach-curves-vectors.json", import.meta.url), "utf8")) as {
  student_t_quantiles: { p: number; dof: number; q: number }[];
  normal_quantiles: { p: number; q: number }[];
  hill: { x: number; top: number; k: number; s: number; y: number; inflection: number }[];
  nbd: { audience: number; impressions: number; shape: number; reach: number }[];
  poisson: { audience: number; impressions: number; reach: number }[];
};
const close = (a: number, b: number, rel = 1e-9, what = "") =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1e-300, Math.abs(b)) || Math.abs(a - b) < 1e-300, `${what}: ${a} vs ${b}`);

test("Hill curve: reference values, y(k) = top/2, inflection point", () => {
  for (const h of V.hill) {
    const c = hillCurve(h.top, h.k, h.s);
    close(c.value(h.x), h.y, 1e-12, "hill");
    close(hillInflection(h.k, h.s), h.inflection, 1e-12, "inflection");
  }
  assert.equal(hillCurve(100, 5, 2).value(5), 50);
  close(hillCurve(7, 3, 0.6).value(3), 3.5, 1e-15);
  // the derivative peaks at the inflection point of an S-curve
  const c = hillCurve(100, 5, 3);
  const z = hillInflection(5, 3);
  assert.ok(c.derivative(z) > c.derivative(z * 0.98) && c.derivative(z) > c.derivative(z * 1.02));
});

test("Michaelis–Menten (PyMC-Marketing vectors) is the linear-CPM impressions curve", () => {
  // michaelis_menten(x, α, λ) = αx/(λ + x) equals saturatingCpmCurve(cpm0 = 1000λ/α, k = λ)
  const mm = saturatingCpmCurve((1000 * 5) / 100, 5);
  assert.equal(Math.round(mm.value(10) * 100) / 100, 66.67);
  close(mm.value(20), 80, 1e-12);
  // the seed case: a flat $10 CPM buys 500,000 impressions for $5,000 when k is huge
  close(saturatingCpmCurve(10, 1e15).value(5000), 500_000, 1e-9);
});

test("exponential and NBD reach curves match the reach/ closed forms (scipy vectors)", () => {
  for (const r of V.nbd) close(nbdReachCurve(r.audience, r.shape).value(r.impressions), r.reach, 1e-12);
  for (const r of V.poisson) close(exponentialReachCurve(r.audience, 1).value(r.impressions), r.reach, 1e-12);
});

test("every curve's derivative matches a finite difference; composition and scaling follow the chain rule", () => {
  const curves: [string, ResponseCurve, number[]][] = [
    ["hill s>1", hillCurve(1e5, 2000, 2.5), [100, 1500, 2000, 9000]],
    ["hill s<1", hillCurve(1e5, 2000, 0.7), [100, 2000, 9000]],
    ["power", powerLawCurve(900, 0.8), [10, 1000, 50_000]],
    ["linear cpm", saturatingCpmCurve(8, 3000), [10, 1000, 50_000]],
    ["exponential", exponentialReachCurve(1e6, 0.9), [1e4, 1e6, 5e6]],
    ["nbd", nbdReachCurve(1e6, 0.6), [1e4, 1e6, 5e6]],
    ["reach of spend", composeCurves(nbdReachCurve(1e6, 0.6), saturatingCpmCurve(8, 3000)), [100, 3000, 20_000]],
    ["clicks", scaleCurve(hillCurve(1e5, 2000, 2.5), 0.01), [100, 2500]],
  ];
  for (const [name, c, xs] of curves) {
    for (const x of xs) {
      const h = x * 1e-5;
      close(c.derivative(x), (c.value(x + h) - c.value(x - h)) / (2 * h), 1e-5, `${name} at ${x}`);
    }
  }
  assert.equal(scaleCurve(hillCurve(1, 1, 3), 2).inflection, hillInflection(1, 3));
});

test("the Student-t and normal quantiles the intervals use (domain/stats) match scipy", () => {
  for (const r of V.student_t_quantiles) close(studentTPpf(r.p, r.dof), r.q, 1e-9, `t(${r.p}, ${r.dof})`);
  for (const r of V.normal_quantiles) close(normalPpf(r.p), r.q, 2e-9, `z(${r.p})`);
});

test("small linear algebra and Levenberg–Marquardt", () => {
  assert.deepEqual(solveLinear([[2, 0], [0, 4]], [2, 8]), [1, 2]);
  assert.equal(solveLinear([[1, 2], [2, 4]], [1, 2]), null);
  const inv = invertMatrix([[4, 7], [2, 6]]) as number[][];
  close(inv[0]?.[0] ?? 0, 0.6, 1e-12);
  close(inv[1]?.[0] ?? 0, -0.2, 1e-12);
  // Rosenbrock as least squares: r = (10(y − x²), 1 − x)
  const r = levenbergMarquardt((p) => [10 * ((p[1] ?? 0) - (p[0] ?? 0) ** 2), 1 - (p[0] ?? 0)], [-1.2, 1]);
  close(r.params[0] ?? 0, 1, 1e-6);
  close(r.params[1] ?? 0, 1, 1e-6);
  assert.ok(r.converged);
});

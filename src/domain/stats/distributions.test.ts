// Distribution functions against scipy (test/reference/distribution_vectors.json) and exact identities.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  chiSquareSf,
  normalCdf,
  normalPdf,
  normalPpf,
  normalSf,
  studentTCdf,
  studentTPdf,
  studentTPpf,
  studentTSf,
} from "./distributions.js";
import { lnGamma, regularizedBeta, regularizedGammaP } from "./special-functions.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON fixtures
const v: any = JSON.parse(readFileSync(new URL("../../../test/reference/distribution_vectors.json", import.meta.url), "utf8"));

/** scipy's own t functions err by ~1e-12 at large ν (checked with mpmath), hence 1e-9. */
const TOL = 1e-9;

function check(got: number, want: number, what: string): void {
  if (want === 0 || !Number.isFinite(want)) {
    // scipy flushes Φ(−38) ≈ 2.9e-316 to 0; accept anything that tiny.
    assert.ok(got === want || Math.abs(got) < 1e-300, `${what}: got ${got}, want ${want}`);
    return;
  }
  const e = Math.abs(got - want) / Math.abs(want);
  assert.ok(e <= TOL, `${what}: got ${got}, want ${want}, relative error ${e.toExponential(2)}`);
}

test("normal cdf, sf and quantile match scipy", () => {
  for (const c of v.normal_cdf) check(normalCdf(c.x), c.p, `Φ(${c.x})`);
  for (const c of v.normal_sf) check(normalSf(c.x), c.p, `sf(${c.x})`);
  for (const c of v.normal_ppf) check(normalPpf(c.p), c.x, `Φ⁻¹(${c.p})`);
});

test("Student-t cdf, sf, pdf and quantile match scipy for ν from 1 to 1e7", () => {
  for (const c of v.t_cdf) check(studentTCdf(c.t, c.df), c.p, `F(${c.t}; ${c.df})`);
  for (const c of v.t_sf) check(studentTSf(c.t, c.df), c.p, `sf(${c.t}; ${c.df})`);
  for (const c of v.t_pdf) check(studentTPdf(c.t, c.df), c.d, `f(${c.t}; ${c.df})`);
  for (const c of v.t_ppf) check(studentTPpf(c.p, c.df), c.t, `F⁻¹(${c.p}; ${c.df})`);
});

test("chi-square survival function matches scipy", () => {
  for (const c of v.chi2_sf) check(chiSquareSf(c.x, c.df), c.p, `χ² sf(${c.x}; ${c.df})`);
});

test("quantiles invert the cdfs", () => {
  for (const p of [1e-12, 0.001, 0.025, 0.3, 0.5, 0.77, 0.975, 0.999999]) {
    check(normalCdf(normalPpf(p)), p, `Φ(Φ⁻¹(${p}))`);
    for (const nu of [1, 2, 3.3, 17, 250, 5e6]) check(studentTCdf(studentTPpf(p, nu), nu), p, `F(F⁻¹(${p}; ${nu}))`);
  }
});

test("closed forms and edge values", () => {
  assert.equal(normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
  assert.equal(normalPpf(0.5), 0);
  assert.equal(normalPpf(0), Number.NEGATIVE_INFINITY);
  assert.equal(normalPpf(1), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(normalPpf(1.5)));
  assert.equal(studentTCdf(0, 7), 0.5);
  assert.equal(studentTCdf(Number.POSITIVE_INFINITY, 3), 1);
  check(studentTCdf(1, 1), 0.75, "Cauchy F(1)");
  check(studentTPpf(0.975, Number.POSITIVE_INFINITY), 1.959963984540054, "t∞ = normal");
  check(Math.exp(lnGamma(5)), 24, "Γ(5)");
  check(Math.exp(lnGamma(0.5)), Math.sqrt(Math.PI), "Γ(½)");
  check(Math.exp(lnGamma(30)), 8.841761993739702e30, "Γ(30)");
  check(regularizedGammaP(1, 1), 1 - Math.exp(-1), "P(1, 1)");
  check(regularizedBeta(0.3, 1, 1), 0.3, "I_0.3(1, 1)");
  check(regularizedBeta(0.3, 2, 3), 0.3483, "I_0.3(2, 3)");
  check(chiSquareSf(3.841458820694124, 1), 0.05, "χ²₁ 95 %");
});

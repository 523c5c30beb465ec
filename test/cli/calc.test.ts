import assert from "node:assert/strict";
import { test } from "node:test";
import { cpi, cpiProcess, tempDir } from "../helpers.js";

test("cpi calc prints the seed case", async () => {
  const r = await cpi(tempDir(), "calc", "--cost", "5000", "--impressions", "500000", "--baseline-cpi", "0.015");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /CPI\s+\$0\.0100/);
  assert.match(r.stdout, /CPM\s+\$10\.00/);
  assert.match(r.stdout, /33\.3 % cheaper than the baseline/);
  assert.match(r.stdout, /166,667 more impressions for the same budget/);
});

test("cpi calc --format json has exactly the documented keys", async () => {
  const r = await cpi(tempDir(), "calc", "--cost", "5000", "--impressions", "500000", "--baseline-cpi", "0.015", "--format", "json");
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j).sort(), ["baseline_cpi", "cost", "cpi", "cpi_change", "cpm", "currency", "extra_impressions", "impressions"]);
  assert.equal(j.cost, 5000);
  assert.equal(j.cpi, 0.01);
  assert.equal(j.cpm, 10);
  assert.ok(Math.abs(j.cpi_change + 1 / 3) < 1e-12);
  assert.equal(j.extra_impressions, 166666.67);
  const full = JSON.parse((await cpi(tempDir(), "calc", "--cost", "1200", "--impressions", "80000", "--clicks", "960", "--conversions", "24", "--revenue", "3100", "--format", "json")).stdout);
  assert.equal(full.cpc, 1.25);
  assert.equal(full.ctr, 0.012);
  assert.equal(full.cpa, 50);
  assert.equal(full.cvr, 0.025);
  assert.ok(Math.abs(full.roas - 2.5833333) < 1e-6);
});

test("cpi calc rejects bad flags with exit 2 and a message naming the flag", async () => {
  const bad = await cpi(tempDir(), "calc", "--cost", "5k", "--impressions", "500000");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--cost must be a number, got '5k'/);
  const missing = await cpi(tempDir(), "calc", "--cost", "5");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--impressions/);
  const fmt = await cpi(tempDir(), "calc", "--cost", "5", "--impressions", "5", "--format", "xml");
  assert.equal(fmt.code, 2);
  assert.match(fmt.stderr, /--format must be one of table, json/);
  const unknown = await cpi(tempDir(), "nonsense");
  assert.equal(unknown.code, 2);
});

test("the built binary runs: --help shows examples, exit codes are real", () => {
  const help = cpiProcess(tempDir(), "calc", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:\n\s+\$ cpi calc --cost 5000/);
  const bad = cpiProcess(tempDir(), "calc", "--cost", "-1", "--impressions", "1");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --cost must be 0 or more/);
});

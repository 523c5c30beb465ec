// Reach estimates from the stored visitor sample (issue 24): for every report the rollup answers, the
// estimate is exactly 64 × the distinct sampled visitors counted from raw events (an independent
// reference: a store holding only the sampled visitors' events, its exact reach); on visitors keyed as
// the server keys them (HMAC) the estimate is within 3 stated standard errors of the known reach;
// `--reach exact` is today's exact reach, auto switches at its threshold, a replayed batch and the
// migration build the sample equal to raw; bad flags exit 2 naming them; GET and POST /api/report take
// reach and exact_reach_max (400 naming a bad one).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import { type Report, runReport } from "../../src/app/report.js";
import type { Filter, MetricQuery } from "../../src/domain/query.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { inProcessApi } from "../api/harness.js";
import { randomEvents } from "../clickhouse/random-events.js";
import { cpi, tempDir } from "../helpers.js";
import { figures, loadInBatches, ROLLUP_CONTRACTS, rollupQueries } from "./rollup-queries.js";

const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };

/** Sampled, by the key's value (not by the code under test): its low 6 bits are 0. */
const inSample = (e: TrackedEvent) => (BigInt(`0x${e.visitor}`) & 63n) === 0n;

/** Reach by row key and the total's, from a report. */
function reachOf(r: Report): Map<string, number | null> {
  const m = new Map<string, number | null>(r.rows.map((x) => [x.keys.join("\u0000"), x.values.reach ?? null]));
  m.set("total", r.total?.values.reach ?? null);
  return m;
}

/** Visitor keys as the server makes them: HMAC-SHA-256, first 16 hex digits. */
function hmacVisitor(i: number): string {
  return createHmac("sha256", "test salt").update(`198.51.100.${i % 256}\u0000agent ${i}`).digest("hex").slice(0, 16);
}

test("estimated reach equals 64 × the sampled visitors' exact reach on raw events, for every report the rollup answers", async () => {
  const events = randomEvents({ seed: 51, events: 12_000, start: "2026-10-22", days: 14, visitors: 40_000 });
  // Keys as the server makes them (the random pool's keys are sampled by index, not by chance).
  for (const [i, e] of events.entries()) e.visitor = hmacVisitor(i % 9_000);
  const store = await DuckDbStore.open(":memory:");
  await loadInBatches(store, events, 25);
  // A replayed batch adds nothing to the sample.
  await store.appendTrackedEvents({ logId: "t", from: 24, to: 25, events: events.slice(-480) });
  // The reference: a store holding only the sampled visitors' events; its exact reach × 64.
  const reference = await DuckDbStore.open(":memory:");
  await loadInBatches(reference, events.filter(inSample), 3);
  for (const c of ROLLUP_CONTRACTS) {
    await store.addContract(c);
    await reference.addContract(c);
  }
  const sampled = new Set(events.filter((e) => inSample(e) && e.type === "impression" && e.reason === "").map((e) => e.visitor)).size;
  assert.ok(sampled > 60, `sampled visitors: ${sampled}`);
  let compared = 0;
  for (const query of rollupQueries()) {
    const answered = !query.dimensions.includes("country") && !query.filters.some((f) => f.dimension === "device");
    const estimated = await runReport(store, query, { reach: "estimate" });
    const exact = await runReport(store, query);
    assert.deepEqual(figures(await runReport(store, query, { reach: "exact" })), figures(exact), "--reach exact is the exact reach");
    if (!answered) {
      // The sample has no country or device: the estimate falls back to the exact count.
      assert.equal(estimated.reachEstimated, undefined);
      assert.deepEqual(figures(estimated), figures(exact));
      continue;
    }
    assert.equal(estimated.reachEstimated, true, JSON.stringify(query));
    const ref = reachOf(await runReport(reference, { ...query, metrics: ["reach"] }));
    for (const [key, reach] of reachOf(estimated)) assert.equal(reach, 64 * (ref.get(key) ?? 0), `${JSON.stringify(query)} ${key}`);
    // Each row states its error: √(63 / (64 × sampled)), none without a sampled visitor.
    for (const row of [...estimated.rows, ...(estimated.total ? [estimated.total] : [])]) {
      const n = (row.values.reach ?? 0) / 64;
      assert.equal(row.reachRse, n > 0 ? Math.sqrt(63 / (64 * n)) : null);
    }
    compared++;
  }
  assert.ok(compared >= 48, `reports compared: ${compared}`);
  await store.close();
  await reference.close();
});

test("on HMAC visitor keys with a known reach the estimate is within 3 stated standard errors; auto switches at its threshold", async () => {
  const store = await DuckDbStore.open(":memory:");
  // 60,000 visitors, each seen 1 to 3 times over 3 days, on 2 campaigns (campaign A: the even visitors).
  const events: TrackedEvent[] = [];
  const start = Date.parse("2026-11-02T00:00:00Z");
  for (let i = 0; i < 60_000; i++) {
    for (let k = 0; k <= i % 3; k++) {
      const ts = start + ((i * 7919 + k * 104_729) % (3 * 86_400_000));
      events.push({ ts, type: "impression", impression_id: `i${i}-${k}`, campaign: i % 2 ? "B" : "A", creative: "c", placement: "p", visitor: hmacVisitor(i), country: "", device: "", measurable: false, reason: "" });
    }
  }
  events.sort((a, b) => a.ts - b.ts);
  await loadInBatches(store, events, 6);
  const q: MetricQuery = { metrics: ["impressions", "reach"], dimensions: ["campaign"], filters: [tracked] };
  const exact = await runReport(store, q);
  assert.deepEqual(reachOf(exact), new Map([["A", 30_000], ["B", 30_000], ["total", 60_000]]));
  const est = await runReport(store, q, { reach: "estimate" });
  for (const row of [...est.rows, est.total as NonNullable<Report["total"]>]) {
    const truth = row.keys[0] ? 30_000 : 60_000;
    const reach = row.values.reach ?? 0;
    const se = (row.reachRse ?? 1) * reach;
    assert.ok(Math.abs(reach - truth) <= 3 * se, `${row.keys[0] || "total"}: ${reach} vs ${truth}, s.e. ${se.toFixed(0)}`);
    assert.ok((row.reachRse ?? 1) < 0.06, `stated error ${row.reachRse}`);
  }
  // auto: exact while the report holds at most the threshold's impressions, the estimate past it.
  const impressions = exact.total?.values.impressions ?? 0;
  assert.equal(impressions, events.length);
  assert.deepEqual(reachOf(await runReport(store, q, { reach: "auto", exactReachMax: impressions })), reachOf(exact));
  const past = await runReport(store, q, { reach: "auto", exactReachMax: impressions - 1 });
  assert.equal(past.reachEstimated, true);
  assert.deepEqual(reachOf(past), reachOf(est));
  await store.close();
});

test("cpi report --reach: the table notes the estimate and its error, JSON and CSV carry it, bad values exit 2 naming the flag", async () => {
  const dir = tempDir();
  const db = join(dir, "s.duckdb");
  const store = await DuckDbStore.open(db);
  const events = randomEvents({ seed: 52, events: 4_000, start: "2026-10-22", days: 5 });
  for (const [i, e] of events.entries()) e.visitor = hmacVisitor(i % 2_500);
  await loadInBatches(store, events, 2);
  await store.close();
  const base = ["report", "--db", db, "--where", "source=tracked", "--by", "campaign", "--metrics", "impressions,reach"];
  const table = await cpi(dir, ...base, "--reach", "estimate");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stderr, /reach estimated from a 1\/64 sample of visitors, ±\d+\.\d % \(1 s\.e\.\) on the total/);
  const json = await cpi(dir, ...base, "--reach", "estimate", "--format", "json");
  const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
  assert.ok(rows.length > 0 && rows.every((r) => r.reach_estimated === true && typeof r.reach_rse === "number" && Number(r.reach) % 64 === 0), json.stdout);
  const csv = await cpi(dir, ...base, "--reach", "estimate", "--format", "csv");
  assert.equal(csv.stdout.split("\n")[0], "campaign,impressions,reach,reach_estimated,reach_rse");
  // auto over a small store is exact: no note, no extra keys.
  const auto = await cpi(dir, ...base, "--format", "json");
  assert.ok((JSON.parse(auto.stdout) as Record<string, unknown>[]).every((r) => !("reach_estimated" in r)));
  const autoPast = await cpi(dir, ...base, "--exact-reach-max", "10", "--format", "json");
  assert.ok((JSON.parse(autoPast.stdout) as Record<string, unknown>[]).every((r) => r.reach_estimated === true));
  // The API: the same rows as the CLI, the total's error, and 400 naming a bad parameter.
  const opened = await DuckDbStore.open(db);
  try {
    const api = inProcessApi(opened);
    const q = "/api/report?where=source%3Dtracked&by=campaign&metrics=impressions,reach";
    const got = await api.call(`${q}&reach=estimate`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.json.rows, rows);
    assert.equal(got.json.reach_estimated, true);
    assert.equal(typeof got.json.reach_rse, "number");
    const exact = await api.call(q);
    assert.equal(exact.json.reach_estimated, undefined);
    assert.deepEqual(exact.json.rows, JSON.parse(auto.stdout));
    assert.equal((await api.call(`${q}&exact_reach_max=10`)).json.reach_estimated, true);
    for (const bad of ["reach=approx", "exact_reach_max=-1"]) {
      const r = await api.call(`${q}&${bad}`);
      assert.equal(r.status, 400, r.text);
      assert.match(r.text, new RegExp(bad.split("=")[0] as string));
    }
    // POST (the dashboard's): the JSON MetricQuery with reach and exact_reach_max beside it, the same answers.
    const body = { metrics: ["impressions", "reach"], dimensions: ["campaign"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }] };
    const post = (more: Record<string, unknown>) => api.call("/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...body, ...more }) });
    const posted = await post({ reach: "estimate" });
    assert.equal(posted.status, 200, posted.text);
    assert.deepEqual(posted.json.rows, rows);
    assert.equal(posted.json.reach_estimated, true);
    assert.equal(posted.json.reach_rse, got.json.reach_rse);
    assert.deepEqual(posted.json.query, (await post({})).json.query, "the query echoed is the MetricQuery alone");
    const postedAuto = await post({});
    assert.equal(postedAuto.json.reach_estimated, undefined);
    assert.deepEqual(postedAuto.json.rows, JSON.parse(auto.stdout));
    assert.deepEqual((await post({ reach: "exact", exact_reach_max: 10 })).json.rows, JSON.parse(auto.stdout), "exact whatever the threshold");
    const postedPast = await post({ exact_reach_max: 10 });
    assert.equal(postedPast.json.reach_estimated, true);
    assert.deepEqual(postedPast.json.rows, rows);
    // /openapi.json documents both beside the MetricQuery.
    const documented = (await api.call("/openapi.json")).json.paths["/api/report"].post.requestBody.content["application/json"].schema.properties;
    assert.deepEqual(documented.reach.enum, ["exact", "estimate", "auto"]);
    assert.equal(documented.exact_reach_max.type, "integer");
    for (const bad of [{ reach: "approx" }, { exact_reach_max: -1 }, { exact_reach_max: "10" }, { exact_reach_max: 2.5 }]) {
      const r = await post(bad);
      assert.equal(r.status, 400, r.text);
      assert.match(r.text, new RegExp(Object.keys(bad)[0] as string));
    }
  } finally {
    await opened.close();
  }
  for (const [flag, value] of [["--reach", "approx"], ["--exact-reach-max", "-5"], ["--exact-reach-max", "lots"]] as const) {
    const bad = await cpi(dir, ...base, flag, value);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, new RegExp(`${flag} must be .*got '${value}'`));
  }
});

test("a version-4 store gains the visitor sample of its events when opened (migration 5), as loads write it", async () => {
  const path = join(tempDir(), "v4.duckdb");
  const store = await DuckDbStore.open(path);
  const events = randomEvents({ seed: 53, events: 6_000, start: "2026-10-22", days: 14 });
  for (const [i, e] of events.entries()) e.visitor = hmacVisitor(i % 3_000);
  await loadInBatches(store, events, 5);
  const sample = "SELECT DISTINCT ts, campaign, placement, creative, visitor FROM reach_sample";
  const raw = "SELECT DISTINCT time_bucket(INTERVAL 15 MINUTE, ts), campaign, placement, creative, visitor FROM events WHERE type = 'impression' AND visitor & 63 = 0";
  const loaded = await store.query(`${sample} ORDER BY ALL`);
  assert.ok(loaded.length > 50);
  // As loads write it: the raw sampled impressions' keys, whatever the sign of the 64-bit key.
  assert.deepEqual(await store.query(`(${raw} EXCEPT ${sample}) UNION ALL (${sample} EXCEPT ${raw})`), []);
  assert.ok((await store.query("SELECT visitor FROM reach_sample WHERE visitor < 0 LIMIT 1")).length === 1, "negative keys are sampled too");
  await store.query("DELETE FROM reach_sample");
  await store.query("UPDATE cpi_meta SET value = '4' WHERE key = 'schema_version'");
  await store.close();
  const reopened = await DuckDbStore.open(path);
  assert.deepEqual(await reopened.query(`${sample} ORDER BY ALL`), loaded);
  await reopened.close();
});

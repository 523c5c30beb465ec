// The API's reads on the demo store: the same numbers as the CLI, and clear 4xx errors.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Store } from "../../src/store/store.js";
import { demoStore, inProcessApi } from "./harness.js";

let store: Store;
let api: ReturnType<typeof inProcessApi>;
let cli: Awaited<ReturnType<typeof demoStore>>["cli"];

before(async () => {
  const d = await demoStore();
  store = d.store;
  cli = d.cli;
  api = inProcessApi(store);
});
after(() => store.close());

async function cliJson(...argv: string[]) {
  const r = await cli(...argv, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("GET /api/report answers the rows `cpi report --format json` prints, plus the total", async () => {
  const q = "by=campaign&metrics=cost,impressions,cpi,cpm,ctr&currency=USD&from=2026-10-01&to=2026-10-31&where=source%3Dmeta%7Cdirect";
  const r = await api.call(`/api/report?${q}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
  const want = await cliJson("report", "--by", "campaign", "--metrics", "cost,impressions,cpi,cpm,ctr", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-31", "--where", "source=meta|direct");
  assert.deepEqual(r.json.rows, want);
  assert.equal(r.json.currency, "USD");
  const total = await cliJson("report", "--metrics", "cost,impressions,cpi,cpm,ctr", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-31", "--where", "source=meta|direct");
  assert.deepEqual(r.json.total, total[0]);
});

test("repeated where parameters are ANDed, as repeated --where flags", async () => {
  const r = await api.call("/api/report?by=source&where=source%3Ddirect&where=campaign~launch&metrics=impressions");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rows, await cliJson("report", "--by", "source", "--where", "source=direct", "--where", "campaign~launch", "--metrics", "impressions"));
});

test("POST /api/report takes the JSON MetricQuery and answers as GET does", async () => {
  const body = { metrics: ["cost", "impressions", "cpi"], dimensions: ["source", "month"], filters: [{ dimension: "campaign", op: "contains", values: ["launch"] }], currency: "usd", from: "2026-09-01", to: "2026-10-31" };
  const post = await api.call("/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(post.status, 200, post.text);
  const get = await api.call("/api/report?metrics=cost,impressions,cpi&by=source,month&where=campaign~launch&currency=USD&from=2026-09-01&to=2026-10-31");
  assert.deepEqual(post.json.rows, get.json.rows);
  assert.ok(post.json.rows.length > 0);
});

test("the seed case through GET /api/compare: Launch Q4 is 33.3 % cheaper and buys 166,667 more impressions", async () => {
  const r = await api.call("/api/compare?campaign=Launch%20Q4&vs=Launch%20Q3");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.a.cpi, 0.01);
  assert.ok(Math.abs(r.json.cpi_change - -1 / 3) < 1e-9);
  assert.equal(Math.round(r.json.budget.extra_impressions), 166_667);
  const want = await cliJson("compare", "--campaign", "Launch Q4", "--vs", "Launch Q3");
  assert.deepEqual({ ...r.json, warnings: undefined }, { ...want, warnings: undefined });
  const d = r.json.decomposition;
  assert.ok(Math.abs(d.mix + d.rate - d.total_change) < 1e-12, "mix + rate = total");
});

test("GET /api/compare of periods defaults side B to the period just before", async () => {
  const r = await api.call("/api/compare?from=2026-10-01&to=2026-10-31&currency=USD&explain_by=campaign");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.b.from, "2026-08-31");
  assert.equal(r.json.b.to, "2026-09-30");
  assert.equal(r.json.decomposition.by, "campaign");
  const want = await cliJson("compare", "--from", "2026-10-01", "--to", "2026-10-31", "--vs-from", "2026-08-31", "--vs-to", "2026-09-30", "--currency", "USD", "--explain-by", "campaign");
  assert.deepEqual(r.json.decomposition, want.decomposition);
});

test("the metric catalogue and the store's extent", async () => {
  const m = await api.call("/api/metrics");
  assert.equal(m.status, 200);
  assert.ok(m.json.metrics.some((x: { name: string; unit: string }) => x.name === "cpi" && x.unit === "money"));
  const e = await api.call("/api/extent");
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.first_day, "2026-06-01");
  assert.equal(e.json.default_currency, "USD");
  assert.deepEqual([...e.json.currencies].sort(), ["EUR", "GBP", "USD"]);
  assert.ok(e.json.fx.length > 0);
});

test("errors are JSON { error: { code, message, details } } with 4xx statuses", async () => {
  const cases: [string, Parameters<typeof api.call>[1], number, string][] = [
    ["/api/report?metrics=cpx", {}, 400, "unknown_metric"],
    ["/api/report?by=campaign,day,week", {}, 400, "bad_dimensions"],
    ["/api/report?from=20261301", {}, 400, "invalid_request"],
    ["/api/report?from=2026-02-30", {}, 400, "bad_date"],
    ["/api/report?metric=cpi", {}, 400, "invalid_request"],
    ["/api/report?by=campaign", {}, 400, "mixed_currencies"],
    ["/api/report?currency=XYZ&by=source", {}, 400, "missing_fx_rates"],
    ["/api/report?where=color%3Dred", {}, 400, "unknown_dimension"],
    ["/api/report", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }, 415, "bad_content_type"],
    ["/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" }, 400, "bad_json"],
    ["/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ metrics: [] }) }, 400, "invalid_request"],
    ["/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ metrics: ["cpi"], dimensions: ["day", "week"] }) }, 400, "bad_dimensions"],
    ["/api/compare?campaign=Launch%20Q4", {}, 400, "bad_usage"],
    ["/api/compare?campaign=Nope&vs=Launch%20Q3", {}, 400, "empty_side"],
    ["/api/nothing-here", {}, 404, "not_found"],
    ["/api/report", { method: "DELETE" }, 405, "method_not_allowed"],
  ];
  for (const [target, o, status, code] of cases) {
    const r = await api.call(target, o);
    assert.equal(r.status, status, `${target}: ${r.text}`);
    assert.equal(r.json?.error?.code, code, `${target}: ${r.text}`);
    assert.equal(typeof r.json.error.message, "string");
    assert.ok(r.json.error.message.length > 5);
    assert.doesNotMatch(r.json.error.message, /--[a-z]/, `${target}: worded for the API, not the CLI`);
    assert.deepEqual(Object.keys(r.json.error), ["code", "message", "details"], `${target}: always the same three fields`);
  }
  const mixed = await api.call("/api/report?by=campaign");
  assert.match(mixed.json.error.message, /pass currency \(e\.g\. currency=[A-Z]{3}\) with rates from 'cpi fx import', add currency to by, or filter with where=currency=…/);
  const posted = await api.call("/api/report", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ metrics: ["cost"], dimensions: ["campaign"] }) });
  assert.equal(posted.json.error.code, "mixed_currencies");
  assert.match(posted.json.error.message, /add currency to dimensions, or filter with filters=currency=…/);
  assert.doesNotMatch(posted.json.error.message, /--[a-z]/);
  const period = await api.call("/api/report?from=2026-10-05&to=2026-10-01");
  assert.equal(period.json.error.message, "from=2026-10-05 is after to=2026-10-01");
  const bad = await api.call("/api/report?metrics=cpi&nope=1&from=x");
  assert.deepEqual(
    bad.json.error.details.issues.map((i: { field: string }) => i.field).sort(),
    ["(input)", "from"],
  );
});

test("CORS is off by default: no Access-Control headers, preflights refused", async () => {
  const r = await api.call("/api/report?metrics=impressions&where=source%3Dmeta", { headers: { origin: "https://evil.example" } });
  assert.equal(r.status, 200);
  assert.equal(r.headers["access-control-allow-origin"], undefined);
  const pre = await api.call("/api/imports", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
  assert.equal(pre.status, 403);
});

test("CORS on request (cpi serve --cors-origin): the allowed origin may read and preflight, others still may not", async () => {
  const open = inProcessApi(store, "127.0.0.1", { corsOrigins: ["https://tools.example"] });
  const r = await open.call("/api/report?metrics=impressions&where=source%3Dmeta", { headers: { origin: "https://tools.example" } });
  assert.equal(r.status, 200);
  assert.equal(r.headers["access-control-allow-origin"], "https://tools.example");
  assert.equal(r.headers.vary, "Origin");
  const pre = await open.call("/api/imports", { method: "OPTIONS", headers: { origin: "https://tools.example", "access-control-request-method": "POST" } });
  assert.equal(pre.status, 204);
  assert.match(String(pre.headers["access-control-allow-headers"]), /authorization/);
  const other = await open.call("/api/report?metrics=impressions&where=source%3Dmeta", { headers: { origin: "https://evil.example" } });
  assert.equal(other.headers["access-control-allow-origin"], undefined);
  assert.equal((await open.call("/api/imports", { method: "OPTIONS", headers: { origin: "https://evil.example" } })).status, 403);
});

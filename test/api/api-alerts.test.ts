// Alerts over the API: rules (webhook URLs withheld), a dry-run check as a read, a real check as a write,
// then the active alerts it recorded.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createApiToken } from "../../src/app/api-tokens.js";
import { openAlertFiles } from "../../src/cli/compose.js";
import type { Store } from "../../src/store/store.js";
import { demoStore, inProcessApi } from "./harness.js";

let store: Store;
let api: ReturnType<typeof inProcessApi>;
let token: string;
let cli: Awaited<ReturnType<typeof demoStore>>["cli"];

before(async () => {
  const d = await demoStore();
  store = d.store;
  cli = d.cli;
  const config = join(d.dir, "demo.alerts.json");
  const add = await d.cli("alerts", "add", "--kind", "threshold", "--metric", "cpi", "--above", "0.02", "--by", "campaign", "--currency", "USD", "--id", "pricey");
  assert.equal(add.code, 0, add.stderr);
  const hook = await d.cli("alerts", "webhook", "add", "http://127.0.0.1:9/hook", "--name", "team");
  assert.equal(hook.code, 0, hook.stderr);
  api = inProcessApi(store, "127.0.0.1", { alerts: openAlertFiles(config) });
  token = (await createApiToken(store, "alerts")).token;
});
after(() => store.close());

test("GET /api/alerts/rules lists the rules and the webhooks by name only", async () => {
  const r = await api.call("/api/alerts/rules");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rules.map((x: { id: string }) => x.id), ["pricey"]);
  assert.deepEqual(r.json.webhooks, [{ name: "team", format: "json", signed: true }]);
  assert.ok(!r.text.includes("127.0.0.1:9"), "no webhook URL");
  // No webhook for the checks below: nothing to post to.
  assert.equal((await cli("alerts", "webhook", "remove", "team")).code, 0);
});

test("a dry-run check is a read; a real one needs a token; then GET /api/alerts shows what fires", async () => {
  const dry = await api.call("/api/alerts/check?date=2026-11-20&dry_run=true", { method: "POST" });
  assert.equal(dry.status, 200, dry.text);
  assert.ok(dry.json.fired.length > 0, "some campaign's CPI is above $0.02");
  assert.ok(dry.json.fired.every((f: { scope_label: string }) => f.scope_label.startsWith("campaign=")));
  assert.equal((await api.call("/api/alerts")).json.day, null, "a dry run records nothing");
  assert.equal((await api.call("/api/alerts/check?date=2026-11-20", { method: "POST" })).status, 401);
  const real = await api.call("/api/alerts/check?date=2026-11-20", { method: "POST", headers: { authorization: `Bearer ${token}` } });
  assert.equal(real.status, 200, real.text);
  const active = await api.call("/api/alerts");
  assert.equal(active.json.day, "2026-11-20");
  assert.deepEqual(active.json.alerts.map((a: { scope_label: string }) => a.scope_label).sort(), dry.json.fired.map((f: { scope_label: string }) => f.scope_label).sort());
});

test("without alert files the alert endpoints answer 404", async () => {
  const bare = inProcessApi(store);
  const r = await bare.call("/api/alerts");
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, "alerts_off");
});

test("POST /api/alerts/rules adds a rule as cpi alerts add does (token needed; every problem named by its field)", async () => {
  const auth = { authorization: `Bearer ${token}` };
  const post = (body: unknown, headers: Record<string, string> = auth) =>
    api.call("/api/alerts/rules", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
  const rule = { kind: "threshold", metric: "cpm", operator: ">", value: 15, by: ["campaign"], currency: "USD" };
  assert.equal((await post(rule, {})).status, 401);
  const added = await post(rule);
  assert.equal(added.status, 201, added.text);
  assert.deepEqual(added.json, { id: "threshold-cpm", kind: "threshold", where: [], by: ["campaign"], currency: "USD", metric: "cpm", operator: ">", value: 15, min_impressions: 0 });
  const rules = await api.call("/api/alerts/rules");
  assert.deepEqual(rules.json.rules.map((x: { id: string }) => x.id), ["pricey", "threshold-cpm"]);
  const listed = await cli("alerts", "list", "--format", "json");
  assert.match(listed.stdout, /threshold-cpm/, "the CLI reads the same rules file");
  const bad = await post({ kind: "anomaly", metric: "cpx", score: 0, by: "day" });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.json.error.message, /the rule has 3 problems/);
  assert.match(bad.json.error.message, /metric: must be one of cpi, cpm/);
  assert.match(bad.json.error.message, /score: must be a number from 0\.5 to 100/);
  assert.match(bad.json.error.message, /by\[0\]: 'day' is not an entity dimension/);
  const bots = await post({ kind: "threshold", metric: "invalid_rate", operator: ">", value: 0.05, where: ["source=meta"] });
  assert.equal(bots.status, 400);
  assert.match(bots.json.error.message, /where\[0\]: invalid_rate is counted on tracked events/);
  assert.equal((await post({ ...rule, id: "pricey" })).status, 400, "ids are unique");
  assert.equal((await api.call("/api/alerts/rules")).json.rules.length, 2, "refused rules are not written");
});

test("rule management for the rule editor: disable, enable, snooze, mute, unmute, delete (writes need a token; unknown ids are 404)", async () => {
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = (path: string, body?: unknown, headers: Record<string, string> = auth) => api.call(path, { method: "POST", headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  assert.equal((await post("/api/alerts/rules/pricey/disable", undefined, {})).status, 401);
  const off = await post("/api/alerts/rules/pricey/disable");
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.enabled, false);
  assert.equal((await api.call("/api/alerts/rules")).json.rules.find((r: { id: string }) => r.id === "pricey").enabled, false);
  const on = await post("/api/alerts/rules/pricey/enable");
  assert.equal(on.json.enabled, undefined, "on is the default: the field goes");
  assert.equal((await post("/api/alerts/rules/nope/enable")).status, 404);

  const snooze = await post("/api/alerts/silences", { rule: "pricey", scope: { campaign: "Launch Q4" }, for: "3d", note: "price test" });
  assert.equal(snooze.status, 201, snooze.text);
  assert.equal(snooze.json.rule, "pricey");
  assert.deepEqual(snooze.json.scope, { campaign: "Launch Q4" });
  assert.ok(Date.parse(snooze.json.until) - Date.now() > 2.9 * 86_400_000);
  const mute = await post("/api/alerts/silences", { rule: "pricey" });
  assert.equal(mute.status, 201);
  assert.equal(mute.json.until, null, "neither for nor until: a mute");
  assert.deepEqual(
    (await api.call("/api/alerts/rules")).json.silences.map((s: { id: string }) => s.id),
    [snooze.json.id, mute.json.id],
  );
  const bad = await post("/api/alerts/silences", { rule: "pricey", for: "soon" });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /for must be an interval/);
  assert.equal((await post("/api/alerts/silences", { rule: "nope" })).status, 404);
  const unmute = await api.call(`/api/alerts/silences/${mute.json.id}`, { method: "DELETE", headers: auth });
  assert.deepEqual(unmute.json, { removed: [mute.json.id] });
  assert.equal((await api.call("/api/alerts/silences/silence-99", { method: "DELETE", headers: auth })).status, 404);

  // A dry-run check now shows the snoozed alert as silenced, not sent.
  const dry = await api.call("/api/alerts/check?date=2026-11-20&dry_run=true", { method: "POST" });
  assert.equal(dry.status, 200, dry.text);
  assert.equal((await api.call("/api/alerts/rules/threshold-cpm", { method: "DELETE" })).status, 401);
  const removed = await api.call("/api/alerts/rules/threshold-cpm", { method: "DELETE", headers: auth });
  assert.deepEqual(removed.json, { removed: "threshold-cpm" });
  assert.equal((await api.call("/api/alerts/rules/threshold-cpm", { method: "DELETE", headers: auth })).status, 404);
});

test("POST /api/alerts/backtest previews a draft rule on past days without saving it (no token), or runs saved rules; GET /api/alerts/history", async () => {
  const body = (b: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
  const before = (await api.call("/api/alerts/rules")).json.rules.length;
  const draft = await api.call("/api/alerts/backtest", body({ from: "2026-11-01", to: "2026-11-20", rule: { kind: "threshold", metric: "cpi", operator: ">", value: 0.02, by: ["campaign"], currency: "USD" } }));
  assert.equal(draft.status, 200, draft.text);
  assert.equal(draft.json.days, 20);
  assert.equal(draft.json.rules[0].rule, "draft");
  assert.ok(draft.json.alerts.length > 0);
  for (const a of draft.json.alerts) assert.ok(a.since >= "2026-10-18" && a.until <= "2026-11-20" && a.scope_label.startsWith("campaign="), JSON.stringify(a));
  assert.equal((await api.call("/api/alerts/rules")).json.rules.length, before, "a draft is not saved");
  const saved = await api.call("/api/alerts/backtest", body({ from: "2026-11-01", to: "2026-11-20", rules: ["pricey"] }));
  assert.equal(saved.status, 200, saved.text);
  assert.deepEqual(
    saved.json.alerts.map((a: { since: string; scope_label: string }) => [a.since, a.scope_label]),
    draft.json.alerts.map((a: { since: string; scope_label: string }) => [a.since, a.scope_label]),
    "the same rule saved or drafted finds the same alerts",
  );
  const reversed = await api.call("/api/alerts/backtest", body({ from: "2026-11-20", to: "2026-11-01" }));
  assert.equal(reversed.status, 400);
  assert.match(reversed.json.error.message, /from=2026-11-20 is after to=2026-11-01/);
  const wrong = await api.call("/api/alerts/backtest", body({ from: "2026-11-01", to: "2026-11-20", rule: { kind: "anomaly", metric: "cpx" } }));
  assert.equal(wrong.status, 400);
  assert.match(wrong.json.error.message, /metric: must be one of/);
  const history = await api.call("/api/alerts/history?limit=5");
  assert.equal(history.status, 200, history.text);
  assert.ok(history.json.alerts.length > 0 && history.json.alerts.length <= 5);
  assert.deepEqual(Object.keys(history.json.alerts[0]).filter((k) => /[A-Z]/.test(k)), [], "snake_case keys");
});

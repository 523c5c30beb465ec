// Nothing lost, nothing forged: a receiver down for a whole day gets the alert with the next check,
// once; an alert not delivered in time expires; signatures verify with the recipe of docs/alerts.md
// (its very code runs here); snoozes and mutes hold alerts back; a rule turned off is not judged.
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { alertHistory, checkAlerts } from "../../src/app/alerts/index.js";
import { openAlertFiles } from "../../src/cli/compose.js";
import { mulberry32, normalDraw } from "../../src/domain/curves/seeded-random.js";
import { addDays } from "../../src/domain/dates.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, ROOT, tempDir, write } from "../helpers.js";
import { deadUrl, type Receiver, startReceiver } from "./receivers.js";

const START = "2026-08-03"; // a Monday
const SPIKE = addDays(START, 63); // 2026-10-05: the CPI triples for one day
const DAYS = 70;

/** "Brand" at about 20,000 impressions a day and a $10 CPM (±3 %), weekly pattern; its CPI triples on SPIKE. */
function brandCsv(): string {
  const rand = mulberry32(23);
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(START, d);
    const impressions = Math.round(20_000 * ([1, 1.04, 1.05, 1.02, 0.98, 0.7, 0.66][d % 7] ?? 1));
    const cpm = 10 * Math.exp(0.03 * normalDraw(rand)) * (day === SPIKE ? 3 : 1);
    lines.push(`${day},meta,Brand,USD,${((impressions / 1000) * cpm).toFixed(2)},${impressions}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The verification recipe of docs/alerts.md, as printed there. */
function docsRecipe(): (secret: string, body: Buffer, headers: IncomingHttpHeaders, nowMs?: number) => boolean {
  const doc = readFileSync(join(ROOT, "docs/alerts.md"), "utf8");
  const block = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, "docs/alerts.md has a js block");
  const code = block.replace(/^import .*$/m, "");
  return new Function("createHmac", "timingSafeEqual", "Buffer", `${code}\nreturn verifyCpiSignature;`)(createHmac, timingSafeEqual, Buffer);
}

let dir = "";
const receivers: Receiver[] = [];
const check = async (...args: string[]) => {
  const r = await cpi(dir, "alerts", "check", "--format", "json", "--backoff", "0", ...args);
  return { ...r, json: JSON.parse(r.stdout || "{}") };
};

before(async () => {
  dir = tempDir();
  write(dir, "spend.csv", brandCsv());
  assert.equal((await cpi(dir, "import", "spend.csv")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "cpi", "--by", "campaign", "--direction", "up", "--id", "cpi-up")).code, 0);
});
after(async () => {
  for (const r of receivers) await r.close();
});

test("a receiver down for the whole day of a one-day spike gets the alert with the next check, once, then its back to normal", async () => {
  const down = await startReceiver([503, 503, 503, 503, 200]);
  receivers.push(down);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", down.url, "--name", "ops")).code, 0);
  const day = await check("--date", SPIKE);
  assert.equal(day.code, 4, "a destination failed every attempt");
  assert.equal(day.json.fired.length, 1);
  const key = day.json.fired[0].key as string;
  assert.equal(key, `cpi-up/campaign=Brand/${SPIKE}/up`);
  assert.deepEqual(day.json.fired[0].deliveries, [{ webhook: "ops", status: "failed", attempts: 4, error: "HTTP 503: receiver says no" }]);
  const pending = await alertHistory(openAlertFiles(join(dir, "cpi.alerts.json")), null);
  assert.equal(pending.alerts[0]?.deliveries[0]?.state, "pending");

  // The next day the spike is over: nothing fires, but the queued alert goes out, then its end.
  const next = await check("--date", addDays(SPIKE, 1));
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(next.json.fired, []);
  assert.equal(down.requests, 6);
  const alert = down.bodies[4] as { type: string; alert: { key: string; day: string; value: number; baseline: number } };
  assert.equal(alert.type, "cpi.alert");
  assert.equal(alert.alert.key, key);
  assert.equal(alert.alert.day, SPIKE);
  assert.ok(alert.alert.value / alert.alert.baseline > 2.5);
  assert.equal(down.raw[4]?.headers["idempotency-key"], encodeURIComponent(key), "the same key on every attempt");
  assert.equal(down.raw[0]?.headers["idempotency-key"], encodeURIComponent(key));
  const back = down.bodies[5] as { type: string; resolved: { day: string; last_day: string } };
  assert.equal(back.type, "cpi.resolved");
  assert.deepEqual(back.resolved.day, addDays(SPIKE, 1));
  assert.equal(down.raw[5]?.headers["idempotency-key"], encodeURIComponent(`${key}/resolved`));
  assert.deepEqual(
    next.json.other_deliveries.map((d: { notice: string; status: string }) => [d.notice, d.status]),
    [
      ["alert", "sent"],
      ["resolved", "sent"],
    ],
  );
  const history = await cpi(dir, "alerts", "history", "--format", "json");
  const a = JSON.parse(history.stdout).alerts[0];
  assert.equal(a.resolved_on, addDays(SPIKE, 1));
  assert.deepEqual(
    a.deliveries.map((d: { notice: string; state: string; attempts: number }) => [d.notice, d.state, d.attempts]),
    [
      ["alert", "sent", 5],
      ["resolved", "sent", 1],
    ],
  );
  // Later checks owe nothing more.
  assert.equal((await check("--date", addDays(SPIKE, 2))).code, 0);
  assert.equal((await check("--date", SPIKE)).json.fired[0].deliveries[0].status, "sent-earlier");
  assert.equal(down.requests, 6, "each notice once");
  assert.equal((await cpi(dir, "alerts", "webhook", "remove", "ops")).code, 0);
});

test("an alert not delivered within expire_after is given up, and history says so", async () => {
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  const other = tempDir();
  const files = openAlertFiles(join(other, "cpi.alerts.json"));
  try {
    write(other, "cpi.alerts.json", `{"webhooks": [{"name": "late", "url": "${await deadUrl()}"}], "rules": [{"id": "cpi-up", "kind": "anomaly", "metric": "cpi", "by": ["campaign"], "direction": "up"}]}`);
    const t0 = Date.parse(`${addDays(SPIKE, 1)}T06:00:00Z`);
    const first = await checkAlerts(store, files, { date: SPIKE, now: () => new Date(t0), delivery: { attempts: 1 } });
    assert.equal(first.deliveryFailures, 1);
    const up = await startReceiver([200]);
    receivers.push(up);
    write(other, "cpi.alerts.json", `{"webhooks": [{"name": "late", "url": "${up.url}"}], "rules": [{"id": "cpi-up", "kind": "anomaly", "metric": "cpi", "by": ["campaign"], "direction": "up"}]}`);
    const week = await checkAlerts(store, files, { date: addDays(SPIKE, 1), now: () => new Date(t0 + 8 * 86_400_000) });
    assert.equal(up.requests, 0, "eight days later the alert is not sent");
    assert.deepEqual(week.other, []);
    const h = await alertHistory(files, null);
    assert.deepEqual(
      h.alerts[0]?.deliveries.map((d) => [d.webhook, d.state, d.attempts]),
      [["late", "expired", 1]],
    );
    const bad = await cpi(dir, "alerts", "check", "--date", SPIKE, "--expire-after", "soon");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--expire-after must be an interval of at least 1m like 90s, 15m, 1h or 1d, got 'soon'/);
  } finally {
    await store.close();
  }
});

test("signed bodies verify with the recipe of docs/alerts.md; a receiver with the wrong secret refuses them", async () => {
  const verify = docsRecipe();
  const secretFile = join(dir, "receiver.secret");
  const add = await cpi(dir, "alerts", "webhook", "add", "http://127.0.0.1:9/placeholder", "--name", "signed", "--secret-file", "receiver.secret");
  assert.equal(add.code, 0, add.stderr);
  assert.equal(statSync(secretFile).mode & 0o777, 0o600, "the secret file is readable only by its owner");
  const secret = readFileSync(secretFile, "utf8").trim();
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  for (const out of [add.stdout, add.stderr, (await cpi(dir, "alerts", "list")).stdout, (await cpi(dir, "alerts", "list", "--format", "json")).stdout]) {
    assert.ok(!out.includes(secret), "the secret is never printed");
  }
  const verified: boolean[] = [];
  const receiver = await startReceiver([], (body, headers) => {
    const ok = verify(secret, body, headers);
    verified.push(ok);
    return ok ? 200 : 401;
  });
  const wrong = await startReceiver([], (body, headers) => (verify("whsec_not-the-right-secret-at-all", body, headers) ? 200 : 401));
  receivers.push(receiver, wrong);
  // Point the destinations at the receivers (the file is the user's to edit).
  const file = join(dir, "cpi.alerts.json");
  const config = JSON.parse(readFileSync(file, "utf8"));
  config.webhooks = [
    { ...config.webhooks[0], url: receiver.url },
    { name: "forged", url: wrong.url, format: "json", secret: "whsec_a-different-secret-of-cpi" },
  ];
  write(dir, "cpi.alerts.json", JSON.stringify(config));
  const r = await check("--date", SPIKE);
  assert.equal(r.code, 4, "the receiver with the wrong secret refused");
  const byHook = Object.fromEntries(r.json.fired[0].deliveries.map((d: { webhook: string }) => [d.webhook, d]));
  assert.deepEqual(byHook.signed, { webhook: "signed", status: "sent", attempts: 1, error: null });
  assert.deepEqual(byHook.forged, { webhook: "forged", status: "failed", attempts: 1, error: "HTTP 401: receiver says no" }, "a 401 is not retried");
  // The alert of that day, then its "back to normal" (it was over the next day): both verified.
  assert.deepEqual(verified, [true, true]);
  assert.deepEqual(
    receiver.bodies.map((b) => (b as { type: string }).type),
    ["cpi.alert", "cpi.resolved"],
  );
  const got = receiver.raw[0] as { body: Buffer; headers: IncomingHttpHeaders };
  assert.match(String(got.headers["cpi-signature"]), /^v1=[0-9a-f]{64}$/);
  assert.ok(Math.abs(Number(got.headers["cpi-timestamp"]) - Date.now() / 1000) < 3600);
  // The recipe refuses a changed body, a replay 10 minutes later, and another secret.
  assert.equal(verify(secret, Buffer.concat([got.body, Buffer.from(" ")]), got.headers), false);
  assert.equal(verify(secret, got.body, got.headers, Date.now() + 10 * 60_000), false);
  assert.equal(verify(`${secret}x`, got.body, got.headers), false);
  assert.equal(verify(secret, got.body, { ...got.headers, "cpi-signature": "v0=00" }), false);
  // Rotating writes a new secret to a new file, never to the terminal.
  const rotate = await cpi(dir, "alerts", "webhook", "secret", "signed", "--secret-file", "rotated.secret", "--rotate");
  assert.equal(rotate.code, 0, rotate.stderr);
  const rotated = readFileSync(join(dir, "rotated.secret"), "utf8").trim();
  assert.notEqual(rotated, secret);
  assert.ok(!rotate.stderr.includes(rotated) && !rotate.stdout.includes(rotated));
  assert.equal((await cpi(dir, "alerts", "webhook", "secret", "signed", "--secret-file", "rotated.secret")).code, 2, "never overwrites a file");
  for (const name of ["signed", "forged"]) assert.equal((await cpi(dir, "alerts", "webhook", "remove", name)).code, 0);
});

test("snooze and mute hold a rule's alerts back (per scope), unmute lets them out; disable and enable", async () => {
  const hook = await startReceiver([200]);
  receivers.push(hook);
  const other = tempDir();
  write(other, "spend.csv", brandCsv());
  assert.equal((await cpi(other, "import", "spend.csv")).code, 0);
  const run = (...args: string[]) => cpi(other, "alerts", ...args);
  assert.equal((await run("add", "--kind", "anomaly", "--metric", "cpi", "--by", "campaign", "--direction", "up", "--id", "cpi-up")).code, 0);
  assert.equal((await run("add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped")).code, 0);
  assert.equal((await run("webhook", "add", hook.url, "--name", "ops")).code, 0);

  const other2 = await run("mute", "cpi-up", "--scope", "campaign=Other");
  assert.equal(other2.code, 0, other2.stderr);
  const muted = await run("mute", "cpi-up", "--scope", "campaign=Brand", "--note", "known price test");
  assert.match(muted.stderr, /^muted: rule 'cpi-up', campaign=Brand \(silence-2; 'cpi alerts unmute silence-2' ends it\)/);
  const r = await cpi(other, "alerts", "check", "--date", SPIKE, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const fired = JSON.parse(r.stdout).fired;
  assert.equal(fired.length, 1, "still judged and recorded");
  assert.deepEqual(fired[0].deliveries, [{ webhook: "ops", status: "silenced", attempts: 0, error: "muted (silence-2)" }]);
  assert.equal(hook.requests, 0);
  const list = await run("list");
  assert.match(list.stdout, /silence-2 +cpi-up +campaign=Brand +— \(muted\) +known price test/);
  assert.equal(JSON.parse((await run("history", "--format", "json")).stdout).alerts[0].deliveries[0].state, "silenced");

  assert.equal((await run("unmute", "silence-2")).code, 0);
  const snoozed = await run("snooze", "cpi-up", "--for", "2h");
  assert.equal(snoozed.code, 0, snoozed.stderr);
  assert.equal(JSON.parse((await cpi(other, "alerts", "check", "--date", SPIKE, "--format", "json")).stdout).fired[0].deliveries[0].status, "silenced");
  assert.equal((await run("unmute", "cpi-up")).code, 0, "every silence of the rule");
  const sent = JSON.parse((await cpi(other, "alerts", "check", "--date", SPIKE, "--format", "json")).stdout);
  assert.equal(sent.fired[0].deliveries[0].status, "sent", "the alert still fires: it goes out once unmuted");
  assert.equal(hook.requests, 1);

  for (const [args, message] of [
    [["snooze", "cpi-up"], /say how long: --for 3d or --until/],
    [["snooze", "cpi-up", "--until", "2020-01-01"], /--until 2020-01-01 is already past/],
    [["snooze", "cpi-up", "--for", "10s"], /--for must be an interval of at least 1m/],
    [["mute", "nope"], /no rule named 'nope'/],
    [["mute", "cpi-up", "--scope", "campaign"], /--scope must be DIMENSION=VALUE/],
    [["unmute", "silence-99"], /no snooze or mute named 'silence-99'/],
    [["enable", "nope"], /no rule named 'nope'/],
  ] as const) {
    const bad = await run(...args);
    assert.equal(bad.code, 2, args.join(" "));
    assert.match(bad.stderr, message);
  }

  assert.equal((await run("disable", "cpi-up")).code, 0);
  const off = JSON.parse((await cpi(other, "alerts", "check", "--date", SPIKE, "--format", "json")).stdout);
  assert.equal(off.rules, 1, "a rule that is off is not judged");
  assert.match((await run("list")).stdout, /cpi-up \(off\)/);
  const backtest = await run("backtest", "--from", SPIKE, "--to", SPIKE, "--rule", "cpi-up", "--format", "json");
  assert.equal(JSON.parse(backtest.stdout).rules[0].alerts, 1, "a rule that is off can still be backtested by name");
  assert.equal((await run("enable", "cpi-up")).code, 0);
  assert.doesNotMatch((await run("list")).stdout, /\(off\)/);
});

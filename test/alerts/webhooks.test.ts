// Webhook delivery of `cpi alerts check` against receivers started here: retries with backoff, a receiver
// that never answers, a refused connection, Slack's payload, every attempt recorded, and no alert sent twice.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { addDays } from "../../src/domain/dates.js";
import { cpi, tempDir, write } from "../helpers.js";
import { deadUrl, type Receiver, startReceiver } from "./receivers.js";

const LAST = "2026-10-14";

/** Two campaigns over six weeks; "Launch Q4" stops delivering on 2026-10-13. */
function stoppedCampaignCsv(): string {
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < 42; d++) {
    const day = addDays("2026-09-03", d);
    const wobble = 1 + 0.03 * Math.sin(d * 1.7);
    lines.push(`${day},meta,Always On,USD,${(50 * wobble).toFixed(2)},${Math.round(5000 * wobble)}`);
    if (day < "2026-10-13") lines.push(`${day},meta,Launch Q4,USD,${(120 * wobble).toFixed(2)},${Math.round(12000 * wobble)}`);
  }
  return `${lines.join("\n")}\n`;
}

type Check = { code: number; stdout: string; stderr: string; json: { fired: { key: string; new: boolean; deliveries: { webhook: string; status: string; attempts: number; error: string | null }[] }[] } };

let dir = "";
const receivers: Receiver[] = [];

async function check(...args: string[]): Promise<Check> {
  const r = await cpi(dir, "alerts", "check", "--date", LAST, "--format", "json", "--backoff", "0", ...args);
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : { fired: [] } };
}

function sends(): { key: string; webhook: string; attempt: number; ok: boolean; status: number | null; error: string | null }[] {
  return readFileSync(join(dir, "cpi.alerts.log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === "send");
}

before(async () => {
  dir = tempDir();
  write(dir, "spend.csv", stoppedCampaignCsv());
  assert.equal((await cpi(dir, "import", "spend.csv")).code, 0);
  const add = await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped");
  assert.equal(add.code, 0, add.stderr);
});

after(async () => {
  for (const r of receivers) await r.close();
});

test("a receiver that fails twice then answers gets the alert on the third attempt; every attempt is recorded; a second check sends nothing", async () => {
  const flaky = await startReceiver([500, 503, 200]);
  receivers.push(flaky);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", flaky.url, "--name", "flaky")).code, 0);
  const r = await check("--attempts", "4");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.fired.length, 1);
  const fired = r.json.fired[0];
  assert.equal(fired?.new, true);
  assert.deepEqual(fired?.deliveries, [{ webhook: "flaky", status: "sent", attempts: 3, error: null }]);
  assert.equal(flaky.requests, 3);
  const body = flaky.bodies[2] as { type: string; text: string; alert: { rule: string; scope: { campaign: string }; day: string; since: string; value: number; baseline: number } };
  assert.equal(body.type, "cpi.alert");
  assert.equal(body.alert.rule, "stopped");
  assert.deepEqual(body.alert.scope, { campaign: "Launch Q4" });
  assert.equal(body.alert.since, "2026-10-13");
  assert.equal(body.alert.value, 0);
  assert.ok(body.alert.baseline > 11_000);
  assert.match(body.text, /stopped delivering for campaign=Launch Q4 on 2026-10-14 \(since 2026-10-13\)/);
  const attempts = sends().filter((s) => s.webhook === "flaky");
  assert.deepEqual(
    attempts.map((s) => [s.attempt, s.ok, s.status]),
    [
      [1, false, 500],
      [2, false, 503],
      [3, true, 200],
    ],
  );
  assert.match(attempts[0]?.error ?? "", /HTTP 500: receiver says no/);

  // Dedup: the same day again, and the next check of an ongoing stop, send nothing.
  const again = await check();
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.json.fired[0]?.new, false);
  assert.equal(again.json.fired[0]?.deliveries[0]?.status, "sent-earlier");
  assert.equal(flaky.requests, 3);
  const table = await cpi(dir, "alerts", "check", "--date", LAST);
  assert.match(table.stdout, /ongoing: flaky sent earlier/);
  assert.equal(flaky.requests, 3);
  assert.equal((await cpi(dir, "alerts", "webhook", "remove", "flaky")).code, 0);
});

test("a receiver that never answers: each attempt times out, the failure is recorded, the check ends with exit 4 and the next check retries", async () => {
  const silent = await startReceiver([null]);
  receivers.push(silent);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", silent.url, "--name", "silent", "--slack")).code, 0);
  const r = await check("--attempts", "2", "--timeout", "0.2");
  assert.equal(r.code, 4, r.stderr);
  const d = r.json.fired[0]?.deliveries[0];
  assert.equal(d?.status, "failed");
  assert.equal(d?.attempts, 2);
  assert.match(d?.error ?? "", /no answer within 200 ms/);
  assert.deepEqual(silent.bodies[0], { text: (silent.bodies[0] as { text: string }).text });
  assert.match((silent.bodies[0] as { text: string }).text, /^cpi alert: stopped delivering for campaign=Launch Q4/);
  const failed = sends().filter((s) => s.webhook === "silent");
  assert.deepEqual(
    failed.map((s) => [s.attempt, s.ok, s.status]),
    [
      [1, false, null],
      [2, false, null],
    ],
  );
  const retry = await check("--attempts", "1", "--timeout", "0.2");
  assert.equal(retry.code, 4);
  assert.equal(sends().filter((s) => s.webhook === "silent").length, 3, "not delivered yet, so the next check tries again");
  const table = await cpi(dir, "alerts", "check", "--date", LAST, "--attempts", "1", "--timeout", "0.2");
  assert.equal(table.code, 4);
  assert.match(table.stdout, /silent FAILED/);
  assert.match(table.stdout, /! silent: no answer within 200 ms after 1 attempt\(s\); the next check retries/);
  assert.equal((await cpi(dir, "alerts", "webhook", "remove", "silent")).code, 0);
});

test("a refused connection and a 404 are recorded failures; a 4xx is not retried", async () => {
  const missing = await startReceiver([404]);
  receivers.push(missing);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", await deadUrl(), "--name", "nobody")).code, 0);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", missing.url, "--name", "missing")).code, 0);
  const r = await check("--attempts", "3");
  assert.equal(r.code, 4);
  const byHook = Object.fromEntries((r.json.fired[0]?.deliveries ?? []).map((d) => [d.webhook, d]));
  assert.equal(byHook.nobody?.attempts, 3);
  assert.match(byHook.nobody?.error ?? "", /ECONNREFUSED/);
  assert.equal(byHook.missing?.attempts, 1);
  assert.equal(missing.requests, 1);
  assert.match(byHook.missing?.error ?? "", /HTTP 404/);
  const history = await cpi(dir, "alerts", "history", "--active", "--format", "json");
  const active = JSON.parse(history.stdout) as { day: string; alerts: { rule: string; deliveries: { webhook: string; state: string; attempts: number; last_error: string | null }[] }[] };
  assert.equal(active.day, LAST);
  assert.equal(active.alerts.length, 1);
  const state = Object.fromEntries((active.alerts[0]?.deliveries ?? []).map((x) => [x.webhook, x.state]));
  assert.deepEqual(state, { flaky: "sent", silent: "pending", nobody: "pending", missing: "pending" });
  const table = await cpi(dir, "alerts", "history");
  assert.match(table.stdout, /nobody: pending \(3 attempt\(s\); ECONNREFUSED/);
});

test("many alerts at once: a Slack-format webhook gets one message listing them, a JSON one gets each alert", async () => {
  const many = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < 35; d++) {
    const day = addDays("2026-09-10", d);
    lines.push(`${day},meta,Always On,USD,50.00,5000`);
    for (let c = 1; c <= 7 && d < 34; c++) lines.push(`${day},meta,Brand ${c},USD,20.00,${2000 + c * 10 + (d % 3)}`);
  }
  write(many, "s.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(many, "import", "s.csv")).code, 0);
  const slack = await startReceiver([200]);
  const json = await startReceiver([200]);
  receivers.push(slack, json);
  assert.equal((await cpi(many, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign")).code, 0);
  assert.equal((await cpi(many, "alerts", "webhook", "add", slack.url, "--name", "chat", "--slack")).code, 0);
  assert.equal((await cpi(many, "alerts", "webhook", "add", json.url, "--name", "pager")).code, 0);
  const r = await cpi(many, "alerts", "check", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).fired.length, 7);
  assert.equal(slack.requests, 1);
  const text = (slack.bodies[0] as { text: string }).text.split("\n");
  assert.equal(text[0], "cpi: 7 alerts on 2026-10-14");
  assert.equal(text.length, 8);
  assert.match(text[1] ?? "", /^• stopped delivering for campaign=Brand 1 on 2026-10-14 — delivered nothing today/);
  assert.equal(json.requests, 7);
  const again = await cpi(many, "alerts", "check");
  assert.match(again.stdout, /ongoing: chat sent earlier, pager sent earlier/);
  assert.equal(slack.requests + json.requests, 8);
});

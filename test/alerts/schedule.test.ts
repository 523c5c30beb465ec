// Scheduled checks: startAlertSchedule on a store, and `cpi serve --alerts-every` as its own process
// posting a new alert once, while a forwarded `cpi alerts check` sees it as already sent.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { AlertRule } from "../../src/app/alerts/index.js";
import { type CheckOutcome, memoryAlertFiles, parseInterval, serializeAlertsConfig, startAlertSchedule, validateRule } from "../../src/app/alerts/index.js";
import { addDays } from "../../src/domain/dates.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, tempDir, write } from "../helpers.js";
import { startServer, stopServer } from "../track/server-process.js";
import { startReceiver } from "./receivers.js";

/** Five weeks up to yesterday; "Launch Q4" delivers nothing yesterday. */
function recentCsv(): { csv: string; yesterday: string } {
  const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 35; d >= 0; d--) {
    const day = addDays(yesterday, -d);
    lines.push(`${day},meta,Always On,USD,50.00,${5000 + (d % 5) * 40}`);
    if (d > 0) lines.push(`${day},meta,Launch Q4,USD,120.00,${12000 + (d % 4) * 90}`);
  }
  return { csv: `${lines.join("\n")}\n`, yesterday };
}

test("parseInterval reads 90s, 15m, 1h, 1d and refuses less than 10 seconds", () => {
  assert.equal(parseInterval("90s"), 90_000);
  assert.equal(parseInterval("15m"), 900_000);
  assert.equal(parseInterval("1h"), 3_600_000);
  assert.equal(parseInterval(" 1.5d "), 129_600_000);
  assert.throws(() => parseInterval("5s"), /--alerts-every must be an interval of at least 10s/);
  assert.throws(() => parseInterval("15"), /like 90s, 15m/);
});

test("startAlertSchedule checks at once, then on its interval, and stops cleanly", async () => {
  const dir = tempDir();
  const { csv, yesterday } = recentCsv();
  write(dir, "s.csv", csv);
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  const rule = validateRule({ id: "stopped", kind: "zero-delivery", by: "campaign" }, []).rule as AlertRule;
  const files = memoryAlertFiles(serializeAlertsConfig({ version: 1, webhooks: [], rules: [rule], silences: [] }));
  const outcomes: (CheckOutcome | null)[] = [];
  const logged: string[] = [];
  let first: () => void = () => {};
  const firstDone = new Promise<void>((r) => {
    first = r;
  });
  const schedule = startAlertSchedule(store, {
    files,
    everyMs: 3_600_000,
    log: (m) => logged.push(m),
    onCheck: (out) => {
      outcomes.push(out);
      first();
    },
  });
  await firstDone;
  await schedule.stop();
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0]?.day, yesterday);
  assert.deepEqual(
    outcomes[0]?.fired.map((f) => [f.record.rule, f.record.scope_label, f.isNew]),
    [["stopped", "campaign=Launch Q4", true]],
  );
  assert.match(logged[0] ?? "", new RegExp(`alerts ${yesterday}: 1 firing, 1 new`));
  await store.close();
});

test("cpi serve --alerts-every posts the new alert once; a forwarded cpi alerts check finds it sent", async () => {
  const dir = tempDir();
  const { csv, yesterday } = recentCsv();
  write(dir, "s.csv", csv);
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  const receiver = await startReceiver([200]);
  try {
    assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped")).code, 0);
    assert.equal((await cpi(dir, "alerts", "webhook", "add", receiver.url, "--name", "ops", "--slack")).code, 0);
    const bad = await cpi(dir, "serve", "--port", "0", "--alerts-every", "2s");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /at least 10s/);
    const server = await startServer(join(dir, "cpi.duckdb"), "--alerts-every", "1h");
    try {
      while (receiver.requests === 0) await new Promise((r) => setTimeout(r, 20));
      assert.match((receiver.bodies[0] as { text: string }).text, new RegExp(`stopped delivering for campaign=Launch Q4 on ${yesterday}`));
      const forwarded = await cpi(dir, "alerts", "check", "--format", "json");
      assert.equal(forwarded.code, 0, forwarded.stderr);
      const out = JSON.parse(forwarded.stdout) as { day: string; fired: { new: boolean; deliveries: { status: string }[] }[] };
      assert.equal(out.day, yesterday);
      assert.equal(out.fired[0]?.new, false);
      assert.equal(out.fired[0]?.deliveries[0]?.status, "sent-earlier");
      const active = JSON.parse((await cpi(dir, "alerts", "history", "--active", "--format", "json")).stdout) as { alerts: { rule: string }[] };
      assert.deepEqual(
        active.alerts.map((a) => a.rule),
        ["stopped"],
      );
    } finally {
      assert.equal(await stopServer(server), 0);
      assert.match(server.stderr(), /checking 1 alert rule\(s\) of .*cpi\.alerts\.json every 1h/);
    }
    assert.equal(receiver.requests, 1, "sent once");
  } finally {
    await receiver.close();
  }
});

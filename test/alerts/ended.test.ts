// Issue 20, item 7: a campaign whose contract or flight has ended is not "stopped delivering". On the
// demo, Launch Q4's contract ended on 2026-11-15; a campaign whose pacing rule's flight is over is
// skipped as ended, while one without, or with a later flight, still alerts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { addDays } from "../../src/domain/dates.js";
import type { Store } from "../../src/store/store.js";
import { demoStore } from "../api/harness.js";
import { cpi, tempDir, write } from "../helpers.js";

type Check = { fired: { rule: string; scope: Record<string, string>; since: string }[]; skipped: { rule: string; scope: string; reason: string; message: string }[] };

let demo: Awaited<ReturnType<typeof demoStore>>;
let store: Store;
before(async () => {
  demo = await demoStore();
  store = demo.store;
});
after(() => store.close());

test("the demo: no zero-delivery alert for Launch Q4 after its contract ended on 2026-11-15", async () => {
  assert.equal((await demo.cli("alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped")).code, 0);
  for (const day of ["2026-11-16", "2026-11-20", "2026-11-27"]) {
    const r = await demo.cli("alerts", "check", "--date", day, "--dry-run", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Check;
    assert.deepEqual(out.fired.filter((f) => f.scope.campaign === "Launch Q4"), [], day);
    const q4 = out.skipped.find((s) => s.scope === "campaign=Launch Q4");
    assert.deepEqual([q4?.reason, q4?.message], ["ended", "not expected to deliver: its contract ended on 2026-11-15"], day);
  }
  const backtest = JSON.parse((await demo.cli("alerts", "backtest", "--from", "2026-11-01", "--to", "2026-11-27", "--format", "json")).stdout);
  assert.deepEqual(backtest.alerts.filter((a: { scope: { campaign: string } }) => a.scope.campaign === "Launch Q4"), []);
  assert.equal(backtest.rules[0].skipped.ended, 12, "16 … 27 November");
});

test("a flight (a pacing rule on campaign=NAME) that ended: not stopped; without a flight, or with a later one, it is", async () => {
  const dir = tempDir();
  const lines = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 0; d < 49; d++) {
    const day = addDays("2026-08-24", d);
    lines.push(`${day},meta,Always On,USD,50.00,5000`);
    for (const c of ["Spring", "Summer", "Relaunch"]) if (day <= "2026-10-04") lines.push(`${day},meta,${c},USD,100.00,10000`);
  }
  write(dir, "s.csv", `${lines.join("\n")}\n`);
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  const add = async (...args: string[]) => assert.equal((await cpi(dir, "alerts", "add", ...args)).code, 0);
  await add("--kind", "zero-delivery", "--by", "campaign", "--id", "stopped");
  await add("--kind", "pacing", "--where", "campaign=Spring", "--budget", "4200", "--currency", "USD", "--from", "2026-09-01", "--to", "2026-10-04", "--id", "spring");
  await add("--kind", "pacing", "--where", "campaign=Relaunch", "--budget", "4200", "--currency", "USD", "--from", "2026-09-01", "--to", "2026-10-04", "--id", "relaunch-1");
  await add("--kind", "pacing", "--where", "campaign=Relaunch", "--budget", "3000", "--currency", "USD", "--from", "2026-10-06", "--to", "2026-10-31", "--id", "relaunch-2");
  const r = await cpi(dir, "alerts", "check", "--date", "2026-10-08", "--dry-run", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Check;
  assert.deepEqual(out.fired.filter((f) => f.rule === "stopped").map((f) => [f.scope.campaign, f.since]), [
    ["Relaunch", "2026-10-05"],
    ["Summer", "2026-10-05"],
  ]);
  assert.equal(out.skipped.find((s) => s.scope === "campaign=Spring")?.message, "not expected to deliver: its flight ended on 2026-10-04");
});

test("a campaign the platform export marks Paused is not 'stopped delivering'; one marked Enabled that stops is", async () => {
  const dir = tempDir();
  // A Google Ads campaign report by day, as exported after both campaigns stopped on 2026-10-05.
  const lines = ["Campaign report", "24 Aug 2026 - 11 Oct 2026", "Day\tCampaign\tCampaign status\tImpr.\tClicks\tCurrency code\tCost"];
  for (let d = 0; d < 49; d++) {
    const day = addDays("2026-08-24", d);
    lines.push(`${day}\tAlways On\tEnabled\t5,000\t50\tUSD\t50.00`);
    if (day < "2026-10-05") {
      lines.push(`${day}\tWinter Sale\tPaused\t10,000\t100\tUSD\t100.00`);
      lines.push(`${day}\tEvergreen\tEnabled\t10,000\t100\tUSD\t100.00`);
    }
  }
  write(dir, "google.tsv", `${lines.join("\n")}\n`);
  const imported = await cpi(dir, "import", "google.tsv");
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--id", "stopped")).code, 0);
  const r = await cpi(dir, "alerts", "check", "--date", "2026-10-08", "--dry-run", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Check;
  assert.deepEqual(
    out.fired.map((f) => f.scope.campaign),
    ["Evergreen"],
  );
  const sale = out.skipped.find((s) => s.scope === "campaign=Winter Sale");
  assert.equal(sale?.reason, "ended");
  assert.match(sale?.message ?? "", /^not expected to deliver: the google[-_]ads export of 2026-10-04 marks it Paused \(paused\)$/);
});

// test:slow
// The CLI on ClickHouse: --store / CPI_STORE on every command, cpi init (one server and a cluster),
// cpi migrate, and clear errors (exit 2) for bad URLs, unreachable servers and missing schemas.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { tempDir, write } from "../helpers.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;

before(async () => {
  if (!skip) c = await startClickHouse(2);
});
after(async () => {
  await c?.stop();
});

async function cpi(cwd: string, env: Record<string, string>, ...argv: string[]) {
  const io = memoryIo(env, cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const CSV = [
  "date,source,account,campaign,ad,currency,cost,impressions,clicks",
  "2026-10-01,meta,acct-1,Launch Q4,Visual A,USD,100.50,10000,50",
  "2026-10-01,meta,acct-1,Launch Q4,Visual B,USD,99.50,12000,70",
  "2026-10-02,google_ads,g-1,Launch Q4,Text 1,USD,300.00,15000,150",
  '2026-10-02,google_ads,g-1,"O\'Brien \\ ""Brand""",Text 2,USD,50.00,1,0',
].join("\n");
const RESTATED = ["date,source,account,campaign,ad,currency,cost,impressions,clicks", "2026-10-01,meta,acct-1,Launch Q4,Visual A,USD,120.00,11000,55"].join("\n");

const servers = () => (c as TestCluster).servers;

test("init, import and report through --store on one server and on a two-shard cluster match DuckDB", { skip }, async () => {
  const dir = tempDir();
  write(dir, "oct.csv", CSV);
  write(dir, "restated.csv", RESTATED);
  const single = servers()[0]?.url("cli_single") as string;
  const sharded = servers()[0]?.url("cli_sharded") as string;
  const init1 = await cpi(dir, {}, "init", "--store", single, "--format", "json");
  assert.equal(init1.code, 0, init1.stderr);
  assert.deepEqual(JSON.parse(init1.stdout).servers.length, 1);
  const init2 = await cpi(dir, {}, "init", "--store", sharded, "--cluster", "cpi_test", "--node", servers()[1]?.url("cli_sharded") as string, "--format", "json");
  assert.equal(init2.code, 0, init2.stderr);
  assert.deepEqual(JSON.parse(init2.stdout).servers.map((s: { shard: number }) => s.shard).sort(), [1, 2]);
  assert.equal((await cpi(dir, {}, "init", "--store", single)).code, 0, "init twice is safe");

  const reports: string[] = [];
  for (const target of [["--db", join(dir, "ref.duckdb")], ["--store", single], ["--store", sharded]]) {
    for (const f of ["oct.csv", "restated.csv", "restated.csv"]) {
      const imp = await cpi(dir, {}, "import", f, ...target);
      assert.equal(imp.code, 0, imp.stderr);
    }
    const r = await cpi(dir, {}, "report", "--by", "campaign,day", "--metrics", "cost,impressions,clicks,cpi,cpm,ctr", "--format", "json", ...target);
    assert.equal(r.code, 0, r.stderr);
    reports.push(r.stdout);
  }
  assert.equal(reports[1], reports[0]);
  assert.equal(reports[2], reports[0]);
  assert.match(reports[0] as string, /"cost": 120/);
  // CPI_STORE works like --store; --db on the command line wins over it.
  const env = await cpi(dir, { CPI_STORE: single }, "report", "--by", "campaign,day", "--metrics", "cost,impressions,clicks,cpi,cpm,ctr", "--format", "json");
  assert.equal(env.stdout, reports[0]);
  const dbWins = await cpi(dir, { CPI_STORE: "clickhouse://127.0.0.1:1/nowhere" }, "report", "--db", join(dir, "ref.duckdb"), "--format", "json");
  assert.equal(dbWins.code, 0, dbWins.stderr);
});

test("a bad URL, an unreachable server, a wrong password and a missing schema are usage errors (exit 2)", { skip }, async () => {
  const dir = tempDir();
  const port = servers()[0]?.httpPort;
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["report", "--store", "http://127.0.0.1:8123/x"], {}, /not a ClickHouse URL/],
    [["report"], { CPI_STORE: "mysql://x" }, /CPI_STORE 'mysql:\/\/x' is not a ClickHouse URL/],
    [["report", "--store", "clickhouse://127.0.0.1:1/x"], {}, /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1\/x \(ECONNREFUSED\)/],
    [["report", "--store", `clickhouse://cpi:wrong@127.0.0.1:${port}/x`], {}, /refused the user 'cpi'/],
    [["report", "--store", `clickhouse://cpi:cpi-test-secret@127.0.0.1:${port}/never_initialised`], {}, /cpi init/],
    [["report", "--store", `clickhouse://cpi:cpi-test-secret@127.0.0.1:${port}/x`, "--db", "a.duckdb"], {}, /not both/],
    [["init", "--store", `clickhouse://cpi:cpi-test-secret@127.0.0.1:${port}/y`, "--cluster", "nope"], {}, /no cluster 'nope'/],
  ];
  for (const [argv, env, message] of cases) {
    const r = await cpi(dir, env, ...argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /cpi-test-secret|wrong@/, "passwords never appear in messages");
  }
});

function event(i: number, reason: TrackedEvent["reason"] = ""): TrackedEvent {
  return {
    ts: Date.UTC(2026, 9, 1 + (i % 5), i % 24, i % 60, i % 60, i % 1000),
    type: (["impression", "impression", "viewable", "click"] as const)[i % 4] as TrackedEvent["type"],
    impression_id: `imp-${i}`,
    campaign: `Direct ${i % 3}`,
    creative: `Banner ${i % 2}`,
    placement: i % 2 ? "news-site" : "blog",
    visitor: (BigInt(i % 97) * 0x9e3779b97f4a7c15n % (1n << 64n)).toString(16).padStart(16, "0"),
    country: i % 2 ? "DE" : "US",
    device: "desktop",
    measurable: i % 3 === 0,
    reason,
  };
}

test("cpi migrate copies a DuckDB store into ClickHouse (sharded) and verifies its totals", { skip }, async () => {
  const dir = tempDir();
  write(dir, "oct.csv", CSV);
  write(dir, "restated.csv", RESTATED);
  write(dir, "rates.csv", "date,currency,rate\n2026-10-01,USD,1.1\n2026-10-02,USD,1.12\n");
  const db = join(dir, "cpi.duckdb");
  for (const argv of [["import", "oct.csv"], ["import", "restated.csv"], ["fx", "import", "rates.csv"], ["contract", "add", "--campaign", "Direct 1", "--cpm", "4.5", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-31"]]) {
    const r = await cpi(dir, {}, ...argv, "--db", db);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  }
  const duck = await DuckDbStore.open(db);
  const events = Array.from({ length: 500 }, (_, i) => event(i, i % 50 === 7 ? "bot_user_agent" : ""));
  await duck.appendTrackedEvents({ logId: "server-log", from: 0, to: 4096, events });
  await duck.close();

  const to = servers()[0]?.url("migrated") as string;
  const m = await cpi(dir, {}, "migrate", "--from", db, "--to", to, "--cluster", "cpi_test", "--node", servers()[1]?.url("migrated") as string, "--format", "json");
  assert.equal(m.code, 0, m.stderr);
  const out = JSON.parse(m.stdout);
  assert.equal(out.imports, 2, m.stdout);
  assert.deepEqual(out.event_logs, [{ log_id: "server-log", offset: 4096 }]);
  assert.equal(out.totals.invalid, 10);
  const argv = ["report", "--where", "source=tracked", "--by", "campaign,day", "--metrics", "impressions,clicks,cost,cpi,invalid_rate", "--currency", "EUR", "--format", "json"];
  const a = await cpi(dir, {}, ...argv, "--db", db);
  const b = await cpi(dir, {}, ...argv, "--store", to);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.stdout, a.stdout);
  const spendA = await cpi(dir, {}, "report", "--by", "source,campaign", "--format", "json", "--db", db);
  const spendB = await cpi(dir, {}, "report", "--by", "source,campaign", "--format", "json", "--store", to);
  assert.equal(spendB.stdout, spendA.stdout);
  const again = await cpi(dir, {}, "migrate", "--from", db, "--to", to);
  assert.equal(again.code, 2, again.stderr);
  assert.match(again.stderr, /already holds data/);
});

// test:slow
// Every reading command, run on the demo store (plus tracked events and a contract) in DuckDB and on
// a copy migrated to the two-shard cluster, prints the same JSON.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { tempDir } from "../helpers.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";
let db = "";
let url = "";

async function cpi(...argv: string[]) {
  const io = memoryIo({}, dir);
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

before(async () => {
  if (skip) return;
  c = await startClickHouse(2);
  dir = tempDir();
  db = join(dir, "demo.duckdb");
  const demo = await cpi("demo", "--db", "demo.duckdb");
  assert.equal(demo.code, 0, demo.stderr);
  const duck = await DuckDbStore.open(db);
  await duck.appendTrackedEvents({ logId: "demo-log", from: 0, to: 1000, events: randomEvents({ seed: 3, events: 4000, start: "2026-10-01", days: 20, visitors: 900 }) });
  await duck.close();
  const contract = await cpi("contract", "add", "--campaign", "Direct 1", "--cpm", "4", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-10-31", "--db", db);
  assert.equal(contract.code, 0, contract.stderr);
  const servers = (c as TestCluster).servers;
  url = servers[0]?.url("commands") as string;
  const m = await cpi("migrate", "--from", db, "--to", url, "--cluster", "cpi_test", "--node", servers[1]?.url("commands") as string);
  assert.equal(m.code, 0, m.stderr);
});

after(async () => {
  await c?.stop();
});

const COMMANDS: string[][] = [
  ["report", "--by", "campaign", "--metrics", "cost,impressions,cpi,cpm", "--currency", "USD"],
  ["report", "--by", "source,month", "--currency", "EUR"],
  ["report", "--by", "campaign,week", "--where", "source=meta", "--from", "2026-09-01", "--to", "2026-10-31"],
  ["report", "--where", "source=tracked", "--by", "campaign,placement", "--metrics", "impressions,viewable_rate,cpi,vcpm,reach,cpmr"],
  ["report", "--where", "source=tracked", "--by", "day", "--timezone", "Europe/Berlin", "--metrics", "impressions,invalid_rate,reach"],
  ["compare", "--campaign", "Launch Q4", "--vs", "Launch Q3"],
  ["compare", "--period", "2026-10", "--vs", "2026-09", "--explain-by", "campaign", "--currency", "USD"],
  ["abtest", "--campaign", "Launch Q4", "--arms", "ad", "--unit", "day", "--metric", "cpi"],
  ["abtest", "--campaign", "Launch Q4", "--metric", "ctr", "--method", "bayesian"],
  ["reach", "--by", "campaign"],
  ["curves", "--by", "source", "--currency", "USD"],
  ["forecast", "--budget", "5000", "--campaign", "Launch Q4", "--days", "30", "--currency", "USD"],
  ["allocate", "--budget", "20000", "--objective", "impressions", "--currency", "USD"],
  ["pacing", "--campaign", "Launch Q4", "--budget", "5000", "--from", "2026-10-01", "--to", "2026-11-15"],
  ["discrepancy"],
  ["fx", "list"],
  ["contract", "list"],
];

/**
 * The output as JSON. Reach and what derives from it are exact on both engines (ClickHouse counts
 * with uniqExact): the demo's tracked week has rows of 10,000+ visitors, past the 4,096 where
 * uniqCombined stopped being exact, so everything must be identical.
 */
function comparable(stdout: string): unknown {
  return stdout.trim() === "" ? "" : JSON.parse(stdout);
}

test("every reading command prints the same JSON on DuckDB and on the two-shard cluster", { skip }, async (t) => {
  let ok = 0;
  for (const argv of COMMANDS) {
    const a = await cpi(...argv, "--format", "json", "--db", db);
    const b = await cpi(...argv, "--format", "json", "--store", url);
    assert.equal(b.code, a.code, `${argv.join(" ")}: ${b.stderr}`);
    assert.deepEqual(comparable(b.stdout), comparable(a.stdout), argv.join(" "));
    if (a.code === 0 && a.stdout.trim() !== "" && a.stdout.trim() !== "[]") ok++;
  }
  t.diagnostic(`${COMMANDS.length} commands compared, ${ok} with output`);
  assert.ok(ok >= COMMANDS.length - 2, `only ${ok} commands printed something`);
});

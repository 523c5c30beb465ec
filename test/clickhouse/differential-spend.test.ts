// test:slow
// The same seeded spend (several currencies, ranged rows, re-imports that replace windows) in DuckDB,
// one ClickHouse server and a two-shard cluster: every report must come back identical.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { runReport } from "../../src/app/report.js";
import { addDays } from "../../src/domain/dates.js";
import type { FxRate } from "../../src/domain/fx.js";
import type { Dimension, Filter, MetricQuery } from "../../src/domain/query.js";
import type { SpendRow } from "../../src/domain/spend.js";
import type { SpendImport } from "../../src/store/store.js";
import { randomSpendRows } from "../../src/test-support/random-spend.js";
import { chdbSkipReason } from "./chdb.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { engineStores, type NamedStore } from "./stores.js";

const skip = skipReason();
let cluster: TestCluster | null = null;
let stores: NamedStore[] = [];

const SPEND_METRICS = ["cost", "impressions", "clicks", "conversions", "revenue", "cpi", "cpm", "cpc", "cpa", "ctr", "cvr", "roas", "viewable_impressions", "viewable_rate", "vcpm"] as const;

function file(name: string, rows: SpendRow[]): SpendImport {
  return { file: name, contentHash: name, format: "generic", rows, reach: [] };
}

/** Rows whose names need escaping in SQL literals and TSV, and non-ASCII text. */
function awkwardRows(): SpendRow[] {
  const base = randomSpendRows({ seed: 99, rows: 40, currencies: ["USD"], sources: ["direct"] });
  const names = ["O'Brien \\ 100%_off", "Tab\there", "Ünïcode Café", "new\nline", "Straße ÄÖÜ"];
  return base.map((r, i) => ({ ...r, campaign: names[i % names.length] as string, campaign_id: `x${i % names.length}`, ad: i % 2 ? "back\\slash" : "quote'd", country: i % 3 ? "DE" : "" }));
}

function imports(): SpendImport[][] {
  const main = randomSpendRows({ seed: 7, rows: 3000, currencies: ["USD", "EUR", "GBP"], rangedShare: 0.1, days: 75, start: "2026-08-20" });
  for (const [i, r] of main.entries()) {
    r.country = ["US", "DE", "GB", ""][i % 4] as string;
    r.device = ["mobile", "desktop", ""][i % 3] as string;
    r.viewable_impressions = Math.floor(r.impressions * 0.6);
    r.measurable_impressions = Math.floor(r.impressions * 0.9);
  }
  // A newer export of one source's window for some campaigns: replaces what the first import held there.
  const restated = randomSpendRows({ seed: 8, rows: 400, currencies: ["USD", "EUR", "GBP"], days: 20, start: "2026-09-20", sources: ["meta"], campaigns: 4 });
  // The same file twice in one call, and a campaign-level file in the same call as an ad-level one.
  const twice = randomSpendRows({ seed: 9, rows: 150, currencies: ["GBP"], days: 10, start: "2026-10-10", sources: ["linkedin"], campaigns: 3 });
  return [[file("main.csv", main), file("awkward.csv", awkwardRows())], [file("restated.csv", restated)], [file("twice-a.csv", twice), file("twice-b.csv", twice)]];
}

function rates(): FxRate[] {
  const out: FxRate[] = [];
  for (let i = 0; i < 100; i++) {
    const date = addDays("2026-08-15", i);
    if (i % 7 === 5 || i % 7 === 6) continue; // weekends: looked back
    out.push({ date, base: "EUR", currency: "USD", rate: 1.05 + (i % 13) / 100, origin: "test" });
    out.push({ date, base: "EUR", currency: "GBP", rate: 0.84 + (i % 5) / 100, origin: "test" });
  }
  return out;
}

before(async () => {
  if (skip) return;
  cluster = await startClickHouse(2);
  stores = await engineStores(cluster);
  for (const { store } of stores) {
    for (const batch of imports()) await store.importSpend(batch);
    await store.upsertFxRates(rates());
  }
});

after(async () => {
  for (const { store } of stores) await store.close();
  await cluster?.stop();
});

function queries(): MetricQuery[] {
  const dims: Dimension[][] = [
    [],
    ...(["source", "account", "campaign", "ad_group", "ad", "placement", "currency", "country", "device", "age", "gender"] as const).map((d) => [d]),
    ["day"],
    ["week"],
    ["month"],
    ["campaign", "day"],
    ["source", "week"],
    ["currency", "month"],
    ["day", "campaign", "ad"],
    ["account", "placement", "device"],
  ];
  const filters: Filter[][] = [
    [],
    [{ dimension: "source", op: "eq", values: ["meta"] }],
    [{ dimension: "source", op: "eq", values: ["meta", "google_ads"] }, { dimension: "placement", op: "neq", values: [""] }],
    [{ dimension: "campaign", op: "contains", values: ["1", "é"] }],
    [{ dimension: "campaign", op: "contains", values: ["o'brien \\ 100%_"] }],
    [{ dimension: "campaign", op: "neq", values: ["Campaign 3", "Tab\there"] }],
  ];
  const periods: Pick<MetricQuery, "from" | "to">[] = [{}, { from: "2026-09-01", to: "2026-09-30" }, { from: "2026-10-05" }];
  const out: MetricQuery[] = [];
  for (const dimensions of dims) {
    for (const f of filters) {
      for (const p of periods) {
        out.push({ metrics: [...SPEND_METRICS], dimensions, filters: f, ...p, currency: "EUR" });
        // Without conversion: one currency, or grouped by currency (else the same mixed-currency error).
        const one: Filter = { dimension: "currency", op: "eq", values: [out.length % 3 ? "USD" : "GBP"] };
        const byCurrency = dimensions.includes("currency") || (dimensions.length === 0 && f.length === 0);
        out.push({ metrics: [...SPEND_METRICS], dimensions, filters: byCurrency ? f : [...f, one], ...p });
      }
    }
  }
  return out;
}

async function outcome(store: NamedStore["store"], q: MetricQuery): Promise<unknown> {
  try {
    const r = await runReport(store, q);
    // Rows as plain objects: a report's rows may be views of its columns, with nothing of their own to compare.
    return { rows: r.rows.map(({ keys, totals, values }) => ({ keys, totals, values })), total: r.total, currency: r.currency, warnings: r.warnings };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test("every metric, dimension, grain, filter, period and currency gives identical reports on DuckDB, ClickHouse 18.16 (one server and a two-shard cluster) and ClickHouse 26", { skip: skip ?? false }, async (t) => {
  const all = queries();
  let compared = 0;
  let nonEmpty = 0;
  let errors = 0;
  for (const q of all) {
    const [reference, ...others] = await Promise.all(stores.map((s) => outcome(s.store, q)));
    for (const [i, o] of others.entries()) assert.deepEqual(o, reference, `${stores[i + 1]?.name} differs from duckdb for ${JSON.stringify(q)}`);
    compared++;
    if ((reference as { rows?: unknown[] }).rows?.length) nonEmpty++;
    if ((reference as { error?: string }).error) errors++;
  }
  t.diagnostic(`${compared} queries compared on ${stores.map((s) => s.name).join(", ")}; ${nonEmpty} with rows, ${errors} failing identically (mixed currencies)`);
  assert.ok(nonEmpty > compared / 2);
});

test("re-imports replace windows the same way on every store", { skip: skip ?? false }, async () => {
  const counts = await Promise.all(stores.map(async (s) => (await s.store.query("SELECT COUNT(*) AS n, SUM(cost_micros) AS c FROM spend"))[0]));
  for (const c of counts.slice(1)) assert.deepEqual(c, counts[0]);
  const imported = await Promise.all(stores.map(async (s) => (await s.store.query("SELECT COUNT(*) AS n, SUM(replaced_rows) AS r FROM imports"))[0]));
  for (const c of imported.slice(1)) assert.deepEqual(c, imported[0]);
  // The restated window and the file imported twice did replace rows; the twice-imported file counts once.
  assert.ok(Number(imported[0]?.r) > 150, `replaced ${imported[0]?.r}`);
  assert.equal(Number(counts[0]?.n), 3000 + 40 + 400 + 150 - Number(imported[0]?.r) + 150);
});

test("ClickHouse 26 (chdb) is one of the stores compared", { skip: (skip || chdbSkipReason()) ?? false }, () => {
  assert.ok(stores.some((s) => s.name === "clickhouse-26"));
});

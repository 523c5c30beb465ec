// Large files are parsed in a worker thread while their rows are written (importSpendBatches). The
// streamed path must give exactly what the in-process path gives: the same stored rows, the same
// per-file results, the same rejections, the store untouched when a file is refused.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../../domain/errors.js";
import { DuckDbStore } from "../../store/duckdb/duckdb-store.js";
import type { Store } from "../../store/store.js";
import { type ImportOptions, importReports, type ReportFile } from "../import.js";

const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/ingest");
const STREAM = { streamFromBytes: 0 } as const;
const IN_PROCESS = { streamFromBytes: Number.POSITIVE_INFINITY } as const;

function csv(name: string, text: string): ReportFile {
  return { name, bytes: new TextEncoder().encode(text) };
}

/**
 * 40,000 rows (two full batches of 16,384 and a tail), with what makes text and numbers awkward, and
 * a totals row that states their sums (or `wrongTotal`'s cost).
 */
function awkwardCsv(rows = 40_000, badLine?: number, wrongTotal?: string): string {
  const lines = ["date,source,account,campaign,ad_group,ad,placement,currency,cost,impressions,clicks,conversions,revenue"];
  let cents = 0;
  let impressionsSum = 0;
  let clicksSum = 0;
  for (let i = 0; i < rows; i++) {
    const line = i + 2;
    const day = `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    const campaign = i % 3 === 0 ? `Brand — Été ${i % 17} « search »` : i % 3 === 1 ? `"Launch, phase ${i % 5}"` : `C${i % 9}`;
    const cost = line === badLine ? "12..5" : i % 7 === 0 ? `"${(1000 + i).toLocaleString("en-US")}.25"` : (i * 0.37).toFixed(2);
    const impressions = i % 11 === 0 ? `"${(1000 + i).toLocaleString("en-US")}"` : String(i * 13);
    if (line !== badLine) cents += i % 7 === 0 ? (1000 + i) * 100 + 25 : i * 37;
    impressionsSum += i % 11 === 0 ? 1000 + i : i * 13;
    clicksSum += i % 97;
    lines.push(
      [day, i % 2 ? "meta" : "google_ads", `acct-${i % 3}`, campaign, ` group ${i % 4} `, `ad-${i % 50}-with-a-long-name`, i % 5 ? "feed" : "", i % 4 ? "USD" : "EUR", cost, impressions, String(i % 97), (i % 13) / 4, (i * 1.5).toFixed(2)].join(","),
    );
  }
  lines.push(`,,,Total,,,,,${wrongTotal ?? (cents / 100).toFixed(2)},${impressionsSum},${clicksSum},,`);
  return `${lines.join("\n")}\n`;
}

async function fresh(): Promise<Store> {
  return DuckDbStore.open(":memory:");
}

async function dump(store: Store): Promise<{ rows: unknown[]; reach: unknown[]; imports: unknown[] }> {
  const rows = await store.query("SELECT * FROM spend ORDER BY ALL");
  const reach = await store.query("SELECT * FROM platform_reach ORDER BY ALL");
  const imports = await store.query("SELECT id, file, content_hash, format, sources, accounts, date_start, date_end, rows, replaced_rows FROM imports ORDER BY id");
  return { rows, reach, imports };
}

async function both(files: ReportFile[], opts: ImportOptions = {}) {
  const a = await fresh();
  const b = await fresh();
  const streamed = await importReports(a, files, { ...opts, ...STREAM });
  const inProcess = await importReports(b, files, { ...opts, ...IN_PROCESS });
  return { streamed, inProcess, a: await dump(a), b: await dump(b) };
}

test("a large generic file streamed through the worker stores exactly what the in-process parse stores", async () => {
  const file = csv("awkward.csv", awkwardCsv());
  const r = await both([file]);
  assert.equal(r.a.rows.length, 40_000);
  assert.deepEqual(r.a, r.b);
  assert.deepEqual(r.streamed, r.inProcess);
  const [res] = r.streamed;
  assert.equal(res?.rows, 40_000);
  assert.equal(res?.source, "google-ads,meta", "the file's google_ads stored as the canonical google-ads");
  // The file's own totals row is left out and checked against the rows: it agrees.
  assert.deepEqual(res?.skipped, []);
  assert.deepEqual(res?.warnings, []);
});

test("a totals row the rows do not add up to refuses a streamed file as an in-process one, naming both figures; accepted, it is a warning", async () => {
  const file = csv("awkward.csv", awkwardCsv(40_000, undefined, "123.45"));
  const refusals: string[] = [];
  for (const how of [STREAM, IN_PROCESS]) {
    const store = await fresh();
    const err = await importReports(store, [file], how).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof UserError && err.code === "invalid_input", String(err));
    refusals.push(err.message);
    assert.deepEqual((await dump(store)).rows, [], "nothing is stored");
  }
  assert.equal(refusals[0], refusals[1]);
  assert.match(
    refusals[0] as string,
    /^nothing was imported: 1 problem found:\nawkward\.csv: the 'Total' row \(line 40002\) says cost 123\.45, but its rows add up to 3\d{8}\.\d+: the file lists rows its total leaves out .*\(or pass --accept-totals-mismatch to import the rows as read\)$/,
  );
  const r = await both([file], { acceptTotalsMismatch: true });
  assert.deepEqual(r.a, r.b);
  assert.equal(r.streamed[0]?.rows, 40_000);
  assert.deepEqual(
    r.streamed[0]?.warnings.map((w) => w.replace(/add up to [\d.]+/, "add up to …")),
    ["the 'Total' row (line 40002) says cost 123.45, but its rows add up to …: the file lists rows its total leaves out (rows added by hand, or a row repeated) (accepted with --accept-totals-mismatch)"],
  );
});

test("long, repeated and non-ASCII text lands exactly: rows per campaign × ad as the file has them", async () => {
  // DuckDB copies each distinct long value of a chunk once and the rows repeating it share its bytes.
  const store = await fresh();
  await importReports(store, [csv("awkward.csv", awkwardCsv())], STREAM);
  const want = new Map<string, number>();
  for (let i = 0; i < 40_000; i++) {
    const campaign = i % 3 === 0 ? `Brand — Été ${i % 17} « search »` : i % 3 === 1 ? `Launch, phase ${i % 5}` : `C${i % 9}`;
    const key = `${campaign}|ad-${i % 50}-with-a-long-name`;
    want.set(key, (want.get(key) ?? 0) + 1);
  }
  const got = await store.query("SELECT campaign, ad, count(*) AS n FROM spend GROUP BY ALL");
  assert.equal(got.length, want.size);
  for (const r of got) assert.equal(Number(r.n), want.get(`${r.campaign}|${r.ad}`), `${r.campaign} / ${r.ad}`);
});

test("date ranges, defaults from flags, several files in one transaction, and a platform export", async () => {
  const ranges = ["date_start,date_end,campaign,cost,impressions"];
  for (let i = 0; i < 20_000; i++) ranges.push(`2026-0${1 + (i % 9)}-01,2026-0${1 + (i % 9)}-28,Monthly ${i % 40},${(i % 500) + 0.5},${i}`);
  const files = [csv("ranges.csv", `${ranges.join("\n")}\n`), { name: "meta-title-case.csv", bytes: readFileSync(join(FIXTURES, "meta-title-case.csv")) }];
  // No --source: a name that is not a platform would refuse the Meta export (issue 20.4), not rename it.
  const r = await both(files, { currency: "USD", account: "A-1", timezone: "Europe/London" });
  assert.deepEqual(r.a, r.b);
  assert.deepEqual(r.streamed, r.inProcess);
  assert.equal(r.streamed[0]?.rows, 20_000);
  assert.ok((r.streamed[1]?.rows ?? 0) > 0, "the Meta export's rows");
});

test("reach rows of a large export (one per ad set and day) are stored the same streamed or parsed in process", async () => {
  const lines = ["\ufeffCampaign name,Ad set name,Day,Reach,Impressions,Frequency,Amount spent (EUR),Link clicks,Reporting starts,Reporting ends"];
  // The summary row first, stating the rows' sums.
  let cost = 0;
  let impressions = 0;
  let clicks = 0;
  for (let i = 0; i < 30_000; i++) {
    cost += (i % 90) / 3;
    impressions += (100 + (i % 900)) * 2;
    clicks += i % 11;
  }
  lines.push(`,,,90000,${impressions},2.00000000,${cost.toFixed(2)},${clicks},2026-03-01,2026-03-31`);
  for (let i = 0; i < 30_000; i++) {
    const day = `2026-03-${String(1 + (i % 31)).padStart(2, "0")}`;
    const reach = 100 + (i % 900);
    // Every seventh row states no frequency.
    lines.push(`"Été, ${i % 5}",Set ${i % 40},${day},${reach},${reach * 2},${i % 7 ? "2.00000000" : ""},${(i % 90) / 3},${i % 11},${day},${day}`);
  }
  const r = await both([csv("meta-reach.csv", `${lines.join("\n")}\n`)]);
  assert.deepEqual(r.a, r.b);
  assert.equal(r.a.reach.length, 30_001, "a reach row per ad set and day, and the summary row's");
  const noFrequency = (r.a.reach as { frequency: number | null }[]).filter((x) => x.frequency === null).length;
  assert.equal(noFrequency, Math.ceil(30_000 / 7));
  assert.deepEqual(
    [...new Set((r.a.reach as { level: string }[]).map((x) => x.level))].sort(),
    ["account", "ad_group"],
  );
});

test("a bad row deep in a streamed file refuses the import with file, line, column; the store is untouched", async () => {
  const store = await fresh();
  await importReports(store, [csv("first.csv", awkwardCsv(1000))], { skipInvalid: true, ...STREAM });
  const before = await dump(store);
  const err = await importReports(store, [csv("big.csv", awkwardCsv(40_000, 30_002))], STREAM).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof UserError, String(err));
  assert.equal(err.code, "invalid_input");
  assert.match(err.message, /^nothing was imported: 1 problem found \(use --skip-invalid to import the good rows\)/);
  assert.match(err.message, /big\.csv:30002, column 'cost': '12\.\.5' is not a number/);
  assert.deepEqual(await dump(store), before);

  const skipped = await importReports(store, [csv("big.csv", awkwardCsv(40_000, 30_002))], { skipInvalid: true, ...STREAM });
  assert.equal(skipped[0]?.rows, 39_999);
  assert.deepEqual(
    skipped[0]?.skipped.map((s) => s.line),
    [30_002],
  );
});

test("re-importing a streamed file replaces its rows: every total unchanged", async () => {
  const store = await fresh();
  const file = csv("awkward.csv", awkwardCsv(20_000));
  await importReports(store, [file], { skipInvalid: true, ...STREAM });
  const sums = "SELECT count(*) AS n, sum(cost_micros) AS cost, sum(impressions) AS imp FROM spend";
  const once = await store.query(sums);
  const again = await importReports(store, [file], { skipInvalid: true, ...STREAM });
  assert.equal(again[0]?.replaced_rows, 20_000);
  assert.deepEqual(await store.query(sums), once);
});

test("a whole-file problem found in the worker names the file and leaves the store as it was", async () => {
  const store = await fresh();
  const err = await importReports(store, [csv("nocurrency.csv", "date,campaign,cost,impressions\n2026-01-01,a,1,2\n")], STREAM).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof UserError);
  assert.equal(err.code, "missing_currency");
  assert.match(err.message, /^nocurrency\.csv: the file does not state its currency/);
  assert.deepEqual(await store.query("SELECT count(*) AS n FROM imports"), [{ n: 0n }]);
});

test("progress is reported in rows, ending at the file's row count", async () => {
  const store = await fresh();
  const seen: [number, number][] = [];
  await importReports(store, [csv("awkward.csv", awkwardCsv(40_000))], { skipInvalid: true, ...STREAM, onProgress: (d, t) => seen.push([d, t]) });
  assert.ok(seen.length >= 20, `${seen.length} progress reports`);
  assert.deepEqual(seen.at(-1), [40_000, 40_000]);
  assert.ok(seen.every(([d, t]) => d <= t));
});

test("on a store file: a streamed import of several row groups persists, and a refused one leaves the file's rows as they were", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cpi-import-file-"));
  const db = join(dir, "cpi.duckdb");
  const sums = "SELECT count(*) AS n, sum(cost_micros) AS cost, sum(impressions) AS imp FROM spend";
  try {
    // 150,000 rows: more than one row group (122,880), which DuckDB writes to the file while appending
    // (before the commit): a refused import must leave none of them behind.
    let store = await DuckDbStore.open(db);
    const out = await importReports(store, [csv("big.csv", awkwardCsv(150_000))], { skipInvalid: true, ...STREAM });
    assert.equal(out[0]?.rows, 150_000);
    const stored = await store.query(sums);
    assert.equal(stored[0]?.n, 150_000n);
    const err = await importReports(store, [csv("bad.csv", awkwardCsv(150_000, 140_002))], STREAM).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof UserError && /bad\.csv:140002, column 'cost'/.test(err.message), String(err));
    assert.deepEqual(await store.query(sums), stored);
    await store.close();
    store = await DuckDbStore.open(db);
    assert.deepEqual(await store.query(sums), stored, "the rows are in the file after reopening it");
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

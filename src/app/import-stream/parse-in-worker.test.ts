// The worker's batches read synchronously (as DuckDB's scan reads them, blocking between batches) are
// the batches read asynchronously, and a problem with the file reaches the synchronous reader too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../domain/errors.js";
import { type SpendColumns, spendRowsOf } from "../../domain/spend-columns.js";
import { parseInWorker } from "./parse-in-worker.js";

function bigCsv(rows: number): Uint8Array {
  const lines = ["date,campaign,currency,cost,impressions"];
  for (let i = 0; i < rows; i++) lines.push(`2026-0${1 + (i % 9)}-1${i % 10},Campaign ${i % 31},USD,${(i % 997) / 4},${i * 3}`);
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

test("nextSync reads the same batches as the async iterator, then null, then the summary", async () => {
  const bytes = bigCsv(50_000);
  const viaAsync: SpendColumns[] = [];
  const a = parseInWorker(bytes, { fileName: "a.csv" });
  for await (const b of a.batches) viaAsync.push(b);

  const s = parseInWorker(bytes, { fileName: "a.csv" });
  await s.started();
  const viaSync: SpendColumns[] = [];
  for (let b = s.nextSync(); b !== null; b = s.nextSync()) viaSync.push(b);
  assert.equal(s.nextSync(), null, "still null after the end");

  assert.deepEqual(
    viaSync.map((b) => b.length),
    [16_384, 16_384, 16_384, 848],
  );
  assert.deepEqual(viaSync.flatMap(spendRowsOf), viaAsync.flatMap(spendRowsOf));
  assert.equal(s.summary().sums.rows, 50_000);
  assert.equal(s.summary().sums.impressions, (3 * 49_999 * 50_000) / 2);
  assert.equal(a.summary().sums.impressions, (3 * 49_999 * 50_000) / 2);
  assert.equal(s.estimatedRows(), 50_000);
});

test("a whole-file problem found in the worker is thrown by nextSync, as a UserError with its code", async () => {
  const p = parseInWorker(new TextEncoder().encode("date,campaign,cost,impressions\n2026-01-01,a,1,2\n"), { fileName: "nocurrency.csv" });
  await p.started();
  assert.throws(
    () => p.nextSync(),
    (e: unknown) => e instanceof UserError && e.code === "missing_currency",
  );
  assert.throws(() => p.summary(), /has not ended/);
});

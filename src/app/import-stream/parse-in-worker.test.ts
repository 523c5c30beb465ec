// The worker's batches read synchronously (as DuckDB's scan reads them, blocking between batches) are
// the batches read asynchronously, and a problem with the file reaches the synchronous reader too.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readInputFile } from "../../cli/read-files.js";
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

test("a file read by the CLI is in shared memory, and its parse reads the same rows as from a plain copy", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cpi-shared-"));
  try {
    const path = join(dir, "big.csv");
    const plain = bigCsv(20_000);
    writeFileSync(path, plain);
    const { bytes } = readInputFile(path);
    assert.ok(bytes.buffer instanceof SharedArrayBuffer, "read into a SharedArrayBuffer");
    assert.deepEqual(Buffer.from(bytes), Buffer.from(plain));
    const rowsOf = async (b: Uint8Array) => {
      const p = parseInWorker(b, { fileName: "big.csv" });
      const out: SpendColumns[] = [];
      for await (const c of p.batches) out.push(c);
      return { rows: out.flatMap(spendRowsOf), hash: p.summary().contentHash };
    };
    const shared = await rowsOf(bytes);
    const copied = await rowsOf(plain);
    assert.equal(shared.rows.length, 20_000);
    assert.deepEqual(shared, copied);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

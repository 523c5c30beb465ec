// A file on disk is imported in parts of a 64th of the import's memory setting: with a small setting
// a few-MB file goes in many parts, and the store holds exactly what a whole read stores, for a UTF-8
// CSV (with its totals row checked), UTF-16 text (transcoded as it is read) and an XLSX workbook
// (its sheet inflated and read in parts of its XML). A file that goes bad after its first part leaves
// the store as it was. And a file four times the setting parses within the setting's heap.
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { zipSync } from "fflate";
import { UserError } from "../../domain/errors.js";
import { DuckDbStore } from "../../store/duckdb/duckdb-store.js";
import type { Store } from "../../store/store.js";
import { importReports, type ReportFileOnDisk } from "../import.js";
import { importMemoryPlan } from "./memory-plan.js";

const MEMORY = 64 * 2 ** 20; // parts of 1 MiB, the parse thread's heap 32 MiB

/** `bytes` as a file read from disk in parts; `reads` counts the reads. */
function onDisk(name: string, bytes: Uint8Array): ReportFileOnDisk & { reads: number } {
  const f = {
    name,
    size: bytes.length,
    reads: 0,
    read(position: number, length: number) {
      f.reads++;
      return bytes.slice(position, position + length);
    },
  };
  return f;
}

/** Rows of a generic CSV: quoted names with commas, accents and emoji, and a totals row of their sums. */
function csvText(rows: number, badAt = -1): string {
  const lines = ["date,source,account,campaign,ad,currency,cost,impressions,clicks"];
  let cents = 0;
  let imp = 0;
  let clk = 0;
  for (let i = 0; i < rows; i++) {
    const c = (i * 7919) % 100_000;
    cents += c;
    imp += (i * 31) % 50_000;
    clk += i % 97;
    const campaign = i % 5 === 0 ? `"Été ${i % 40}, 🚀 launch"` : `Campaign ${i % 300}`;
    const cost = i === badAt ? "12..5" : `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
    lines.push(`2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},meta,acct-${i % 7},${campaign},Ad ${i % 1000},EUR,${cost},${(i * 31) % 50_000},${i % 97}`);
  }
  lines.push(`,,,Total,,,${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")},${imp},${clk}`);
  return `${lines.join("\r\n")}\r\n`;
}

const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** The CSV's rows as a one-sheet workbook (inline strings, numbers as numbers). */
function xlsx(text: string): Uint8Array {
  const rows = text
    .trim()
    .split("\r\n")
    .map((l) => (l.match(/("[^"]*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "")).slice(0, 9));
  const cell = (v: string) => (/^\d+(\.\d+)?$/.test(v) ? `<c><v>${v}</v></c>` : `<c t="inlineStr"><is><t>${xmlText(v)}</t></is></c>`);
  const sheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows
    .map((r, i) => `<row r="${i + 1}">${r.map(cell).join("")}</row>`)
    .join("")}</sheetData></worksheet>`;
  const enc = (s: string) => new TextEncoder().encode(s);
  return zipSync({
    "xl/workbook.xml": enc(
      '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Report" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    "xl/_rels/workbook.xml.rels": enc(
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    "xl/worksheets/sheet1.xml": enc(sheet),
  });
}

async function dump(store: Store) {
  return {
    rows: await store.query("SELECT * FROM spend ORDER BY ALL"),
    imports: await store.query("SELECT id, file, content_hash, format, sources, accounts, date_start, date_end, rows, replaced_rows FROM imports ORDER BY id"),
  };
}

test("a CSV, UTF-16 text and an XLSX workbook imported from disk in many small parts store what a whole read stores", async () => {
  const text = csvText(60_000);
  const files: [string, Uint8Array, number][] = [
    ["export.csv", new TextEncoder().encode(text), 3],
    ["export-utf16.csv", new Uint8Array(Buffer.from(`\ufeff${text}`, "utf16le")), 6],
    ["export.xlsx", xlsx(csvText(5_000)), 5],
  ];
  for (const [name, bytes, parts] of files) {
    const whole = await DuckDbStore.open(":memory:");
    const inParts = await DuckDbStore.open(":memory:");
    try {
      const a = await importReports(whole, [{ name, bytes }], { streamFromBytes: Number.POSITIVE_INFINITY });
      const file = onDisk(name, bytes);
      const b = await importReports(inParts, [file], { memoryBytes: MEMORY });
      assert.ok(file.reads > parts, `${name}: read in ${file.reads} reads of at most ${importMemoryPlan(MEMORY).partBytes} bytes`);
      assert.deepEqual(b, a, name);
      assert.equal(b[0]?.rows, name.endsWith("xlsx") ? 5_000 : 60_000);
      assert.deepEqual(b[0]?.warnings, [], `${name}: the totals row agrees with the rows`);
      const [x, y] = [await dump(whole), await dump(inParts)];
      assert.deepEqual(y, x, name);
      const [sums] = await inParts.query("SELECT sum(cost_micros)::VARCHAR AS cost, sum(impressions)::VARCHAR AS imp FROM spend");
      const total = text.trim().split("\r\n").at(-1)?.split(",") ?? [];
      if (!name.endsWith("xlsx")) assert.deepEqual(sums, { cost: String(Math.round(Number(total[6]) * 100) * 10_000), imp: total[7] });
    } finally {
      await whole.close();
      await inParts.close();
    }
  }
});

test("a file that goes bad after its first part is refused, naming the line, and the store is exactly as before", async () => {
  const store = await DuckDbStore.open(":memory:");
  try {
    await importReports(store, [onDisk("before.csv", new TextEncoder().encode(csvText(20_000)))], { memoryBytes: MEMORY });
    const before = await dump(store);
    for (const [name, bytes] of [
      ["bad.csv", new TextEncoder().encode(csvText(60_000, 50_000))],
      ["bad-utf16.csv", new Uint8Array(Buffer.from(`\ufeff${csvText(60_000, 50_000)}`, "utf16le"))],
    ] as const) {
      const file = onDisk(name, bytes);
      await assert.rejects(importReports(store, [file], { memoryBytes: MEMORY }), (e: unknown) => e instanceof UserError && new RegExp(`${name}:50002, column 'cost'`).test(e.message));
      assert.ok(file.reads > 3, `${name}: the bad row is after the first part`);
      assert.deepEqual(await dump(store), before, name);
    }
  } finally {
    await store.close();
  }
});

/** A CSV of about `size` bytes written to a temporary file row by row (never whole in memory), and its sums. */
function largeCsv(dir: string, size: number): ReportFileOnDisk & { rows: number } {
  const path = join(dir, "large.csv");
  const fd = openSync(path, "w");
  let rows = 0;
  let cost = 0; // cents
  let impressions = 0;
  let written = writeSync(fd, "date,campaign,ad,currency,cost,impressions\n");
  while (written < size) {
    let chunk = "";
    for (let k = 0; k < 10_000; k++, rows++) {
      const i = rows;
      cost += (i % 1000) * 100 + (i % 100);
      impressions += i % 100_000;
      chunk += `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},Campaign ${i % 9973},Ad ${i % 99_991},USD,${i % 1000}.${String(i % 100).padStart(2, "0")},${i % 100_000}\n`;
    }
    written += writeSync(fd, chunk);
  }
  written += writeSync(fd, `,Total,,,${Math.floor(cost / 100)}.${String(cost % 100).padStart(2, "0")},${impressions}\n`);
  closeSync(fd);
  return {
    name: "large.csv",
    size: written,
    rows,
    read(position: number, length: number) {
      const bytes = new Uint8Array(length);
      const fd = openSync(path, "r");
      try {
        return bytes.subarray(0, readSync(fd, bytes, 0, length, position));
      } finally {
        closeSync(fd);
      }
    },
  };
}

test("a file four times the memory setting parses within it: the parse thread in its capped share, this thread's live heap under half the setting", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cpi-import-parts-"));
  const file = largeCsv(dir, 4 * MEMORY);
  // What this thread holds live (after a full collection; V8 leaves garbage until it needs the room).
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  let peak = 0;
  let heap = 0;
  const sample = setInterval(() => {
    gc();
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
    heap = Math.max(heap, m.heapUsed);
  }, 250);
  const store = await DuckDbStore.open(":memory:");
  try {
    // A dry run counts the rows and sums them as they come, keeping none, and checks the sums against
    // the file's totals row; the parse thread's heap is capped at its share (V8 stops a thread that
    // needs more: the import would fail).
    const [r] = await importReports(store, [file], { memoryBytes: MEMORY, dryRun: true });
    assert.equal(r?.rows, file.rows);
    assert.deepEqual(r?.warnings, []);
  } finally {
    clearInterval(sample);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(file.size > 4 * MEMORY && file.rows > 3_000_000);
  // Live: the heap well under the setting; with the buffers in flight (parts read, batches waiting
  // to be written: at most 8 of about 2 MB) about the setting.
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
  assert.ok(heap < MEMORY / 2, `this thread's live heap peaked at ${mb(heap)}, for a ${mb(MEMORY)} setting`);
  assert.ok(peak < 1.5 * MEMORY, `this thread's live heap and buffers peaked at ${mb(peak)}, for a ${mb(MEMORY)} setting`);
});

// test:slow
// An XLSX workbook whose sheet is hundreds of MB of XML imports with the built cpi in parts (its sheet
// inflated and read a part at a time, never whole), its totals to the micro, within its memory
// setting, with progress on stderr; a workbook cut short or damaged is refused naming the file (exit
// 2) and the store keeps what it held. The files are generated in a temporary folder and removed after.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeLargeWorkbook } from "../../bench/large-export.js";
import { ROOT, tempDir } from "../helpers.js";

const cpi = (dir: string, ...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/cpi.js"), ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, CPI_DB: "" }, maxBuffer: 1 << 26 });

const totals = (dir: string) => {
  const r = cpi(dir, "report", "--metrics", "cost,impressions,clicks", "--format", "json");
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test("a workbook with 300 MB of sheet XML imports in parts: every row, exact totals, memory under --max-memory, progress", () => {
  const dir = tempDir();
  const made = writeLargeWorkbook(join(dir, "huge.xlsx"), 300 * 2 ** 20);
  assert.ok(made.xmlBytes > 300 * 2 ** 20 && made.bytes > 8 * 2 ** 20, `${made.xmlBytes} bytes of XML in ${made.bytes} bytes: read in parts from disk`);
  const budget = 1024 * 1024 * 1024;
  const time = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "maxrss-kb=%M"] : [];
  const [cmd, ...args] = [...time, process.execPath, join(ROOT, "bin/cpi.js"), "import", "huge.xlsx", "--max-memory", "1GB", "--format", "json"];
  const r = spawnSync(cmd as string, args, { cwd: dir, encoding: "utf8", env: { ...process.env, CPI_DB: "" }, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.equal(JSON.parse(r.stdout).files[0].rows, made.rows);
  assert.match(r.stderr, /importing: 50% \(/, "progress on stderr");
  const rss = /maxrss-kb=(\d+)/.exec(r.stderr);
  if (rss) assert.ok(Number(rss[1]) * 1024 < budget, `peak memory ${Math.round(Number(rss[1]) / 1024)} MB for a budget of 1024 MB`);
  assert.deepEqual(totals(dir), [{ cost: Number(made.cost) / 1e6, impressions: made.impressions, clicks: made.clicks }]);
});

test("a large workbook cut short or damaged in its sheet is refused naming the file, exit 2, the store as it was", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "before.csv"), "date,campaign,cost,impressions,currency\n2026-01-01,Before,12.5,1000,USD\n");
  assert.equal(cpi(dir, "import", "before.csv").status, 0);
  const before = totals(dir);
  const made = writeLargeWorkbook(join(dir, "whole.xlsx"), 60 * 2 ** 20);
  assert.ok(made.bytes > 8 * 2 ** 20, "read in parts from disk");
  const bytes = readFileSync(join(dir, "whole.xlsx"));
  writeFileSync(join(dir, "cut.xlsx"), bytes.subarray(0, Math.floor(bytes.length * 0.8)));
  const cut = cpi(dir, "import", "cut.xlsx");
  assert.equal(cut.status, 2, cut.stderr);
  assert.match(cut.stderr, /cut\.xlsx: the file looks like an XLSX workbook but cannot be unzipped \(no end of central directory: is the file complete, or was it cut short\?\)/);
  // A byte changed far into the sheet's data: rows before it were already on their way to the store.
  const damaged = Buffer.from(bytes);
  const at = Math.floor(bytes.length * 0.7);
  damaged[at] = (damaged[at] as number) ^ 0xff;
  writeFileSync(join(dir, "damaged.xlsx"), damaged);
  const bad = cpi(dir, "import", "damaged.xlsx");
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /damaged\.xlsx: .*(xl\/worksheets\/sheet1\.xml (is damaged|inflates)|row)/);
  assert.deepEqual(totals(dir), before);
});

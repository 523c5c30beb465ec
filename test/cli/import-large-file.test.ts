// test:slow
// A CSV larger than the longest string V8 can make (2^29 - 24 characters: a 903 MB export failed
// with "Cannot create a string longer than 0x1fffffe8 characters" after using 4.5 GB) imports with
// the built cpi, its totals to the micro, within its memory setting, with progress on stderr.
// The file is generated in a temporary folder and removed after.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, tempDir } from "../helpers.js";

const LIMIT_CHARS = 0x1fffffe8;

test("a 560 MB CSV (over V8's string limit) imports in parts: every row, exact totals, memory under --max-memory", () => {
  const dir = tempDir();
  const file = join(dir, "huge.csv");
  const fd = openSync(file, "w");
  let rows = 0;
  let cost = 0; // micros
  let impressions = 0;
  let clicks = 0;
  try {
    writeSync(fd, "date,source,account,campaign,ad_group,ad,currency,cost,impressions,clicks\n");
    let size = 0;
    while (size <= LIMIT_CHARS + 20_000_000) {
      let chunk = "";
      for (let k = 0; k < 50_000; k++, rows++) {
        const i = rows;
        const c = (i * 7919) % 100_000; // cents
        const imp = (i * 31) % 50_000;
        const clk = (i * 17) % 700;
        cost += c * 10_000;
        impressions += imp;
        clicks += clk;
        // A quoted name with a comma every so often: parts are cut outside quotes.
        const campaign = i % 101 === 0 ? `"Campaign ${i % 300}, quoted"` : `Campaign ${i % 300}`;
        chunk += `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},meta,acct-${i % 9},${campaign},Group ${i % 17},Ad ${i % 41},USD,${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")},${imp},${clk}\n`;
      }
      size += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  try {
    assert.ok(statSync(file).size > LIMIT_CHARS, "the file is longer than any string");
    const budget = 1024 * 1024 * 1024;
    const time = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "maxrss-kb=%M"] : [];
    const [cmd, ...args] = [...time, process.execPath, join(ROOT, "bin/cpi.js"), "import", "huge.csv", "--max-memory", "1GB", "--format", "json"];
    const r = spawnSync(cmd as string, args, { cwd: dir, encoding: "utf8", env: { ...process.env, CPI_DB: "" }, maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.equal(JSON.parse(r.stdout).files[0].rows, rows);
    assert.match(r.stderr, /importing: 50% \(/, "progress on stderr");
    const rss = /maxrss-kb=(\d+)/.exec(r.stderr);
    if (rss) assert.ok(Number(rss[1]) * 1024 < budget, `peak memory ${Math.round(Number(rss[1]) / 1024)} MB for a budget of 1024 MB`);

    const report = spawnSync(process.execPath, [join(ROOT, "bin/cpi.js"), "report", "--metrics", "cost,impressions,clicks", "--format", "json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CPI_DB: "" },
    });
    assert.equal(report.status, 0, report.stderr);
    assert.deepEqual(JSON.parse(report.stdout), [{ cost: cost / 1e6, impressions, clicks }]);
  } finally {
    rmSync(file, { force: true });
  }
});

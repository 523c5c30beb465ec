// test:slow
// A large file imported into ClickHouse streams in as it is parsed (in parts of a 64th of
// --max-memory), never held whole: the stored totals equal the file's to the micro, for UTF-8 and
// UTF-16 text, the process's peak memory stays under the setting, and a file that goes bad after
// its first part commits nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT, tempDir, write } from "../helpers.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";

const skip = skipReason() ?? false;
let c: TestCluster | null = null;
let dir = "";

before(async () => {
  if (skip) return;
  c = await startClickHouse(1);
  dir = tempDir();
});
after(async () => {
  await c?.stop();
});

const SETTING = 512 * 2 ** 20;

function cpi(...args: string[]) {
  const time = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "maxrss-kb=%M"] : [];
  const [cmd, ...rest] = [...time, process.execPath, join(ROOT, "bin/cpi.js"), ...args];
  const r = spawnSync(cmd as string, rest, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, CPI_DB: "", CPI_STORE: "" } });
  const kb = /maxrss-kb=(\d+)/.exec(r.stderr);
  return { code: r.status, out: r.stdout, err: r.stderr, peak: kb ? Number(kb[1]) * 1024 : null };
}

/** A generic CSV of `rows` rows (about 80 bytes each) and its sums; a bad cost on `badAt`. */
function csv(rows: number, seed: number, badAt = -1) {
  const lines = ["date,source,account,campaign,ad,currency,cost,impressions,clicks"];
  let cents = 0;
  let impressions = 0;
  let clicks = 0;
  for (let i = 0; i < rows; i++) {
    const c = (i * 7919) % 100_000;
    cents += c;
    impressions += (i * 31) % 50_000;
    clicks += i % 97;
    const campaign = i % 7 === 0 ? `"Été ${i % 40}, launch"` : `Campaign ${i % 300}`;
    const cost = i === badAt ? "12..5" : `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
    lines.push(`2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},meta,acct-${seed}-${i % 7},${campaign},Ad ${i % 1000},USD,${cost},${(i * 31) % 50_000},${i % 97}`);
  }
  return { text: `${lines.join("\n")}\n`, cost: cents / 100, impressions, clicks };
}

function totals(url: string) {
  const r = cpi("report", "--store", url, "--metrics", "cost,impressions,clicks", "--format", "json");
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

test("ClickHouse: large UTF-8 and UTF-16 files stream in within --max-memory, totals exact; one that goes bad after its first part commits nothing", { skip }, () => {
  const url = (c as TestCluster).servers[0]?.url(`large_${process.pid}`) as string;
  assert.equal(cpi("init", "--store", url).code, 0);
  const a = csv(300_000, 1); // about 24 MB: three parts of 8 MB
  const b = csv(150_000, 2);
  write(dir, "a.csv", a.text);
  write(dir, "b-utf16.csv", new Uint8Array(Buffer.from(`\ufeff${b.text}`, "utf16le")));
  for (const name of ["a.csv", "b-utf16.csv"]) {
    const r = cpi("import", name, "--store", url, "--max-memory", "512MB", "--format", "json");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).files[0].rows, name === "a.csv" ? 300_000 : 150_000);
    assert.match(r.err, /importing: [1-8]\d% \(/, `${name}: progress on stderr: ${r.err}`);
    if (r.peak !== null) assert.ok(r.peak < SETTING, `${name}: peak memory ${Math.round(r.peak / 2 ** 20)} MB for a 512 MB setting`);
  }
  const stored = [{ cost: Math.round((a.cost + b.cost) * 100) / 100, impressions: a.impressions + b.impressions, clicks: a.clicks + b.clicks }];
  assert.deepEqual(totals(url), stored);

  write(dir, "bad.csv", csv(300_000, 3, 250_000).text);
  const bad = cpi("import", "bad.csv", "--store", url, "--max-memory", "512MB");
  assert.equal(bad.code, 2, bad.err);
  assert.match(bad.err, /bad\.csv:250002, column 'cost'/);
  assert.deepEqual(totals(url), stored, "nothing of the refused file is visible");
});

// `cpi report` output: the table, CSV and JSON of one report carry the same numbers (the table rounded
// for display only), equal to a naive aggregation of the imported file; a closed pipe ends quietly.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, ROOT, tempDir, write } from "../helpers.js";

interface Line {
  start: string;
  end: string;
  campaign: string;
  cost: number;
  impressions: number;
  clicks: number;
  revenue: number;
}

/** A seeded generic CSV: campaigns over days of October 2026, and a few rows covering a week. */
function seeded(rows: number): Line[] {
  let s = 7;
  const rnd = (n: number) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
  const out: Line[] = [];
  for (let i = 0; i < rows; i++) {
    const day = `2026-10-${String(1 + rnd(28)).padStart(2, "0")}`;
    const ranged = i % 97 === 0;
    out.push({
      start: ranged ? "2026-10-08" : day,
      end: ranged ? "2026-10-14" : day,
      campaign: `Camp ${rnd(40)}${i % 13 === 0 ? ", quoted" : ""}`,
      cost: rnd(100_000) / 100,
      impressions: rnd(50_000),
      clicks: rnd(300),
      revenue: rnd(2_000_00) / 100,
    });
  }
  return out;
}

function csvOf(lines: Line[]): string {
  const q = (s: string) => (s.includes(",") ? `"${s}"` : s);
  return ["date_start,date_end,campaign,currency,cost,impressions,clicks,revenue", ...lines.map((l) => [l.start, l.end, q(l.campaign), "USD", l.cost, l.impressions, l.clicks, l.revenue].join(","))].join("\n");
}

/** Parses a CSV line with quoted fields. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A table cell's number: "$1,234.56" → 1234.56, "12.5 %" → 0.125, "—" → null. */
function cellNumber(cell: string): number | null {
  if (cell === "—") return null;
  const percent = cell.endsWith("%");
  const n = Number(cell.replace(/[$,%\s]/g, ""));
  return percent ? n / 100 : n;
}

const METRICS = ["cost", "impressions", "clicks", "cpi", "cpm", "ctr", "roas"] as const;
const DECIMALS: Record<(typeof METRICS)[number], number> = { cost: 2, impressions: 0, clicks: 0, cpi: 4, cpm: 2, ctr: 4, roas: 2 };

test("table, CSV and JSON of one report agree, and equal the sums of the file (by campaign × day and × week)", async () => {
  const dir = tempDir();
  const lines = seeded(3000);
  write(dir, "spend.csv", csvOf(lines));
  const imp = await cpi(dir, "import", "spend.csv");
  assert.equal(imp.code, 0, imp.stderr);
  for (const grain of ["day", "week"] as const) {
    const args = ["report", "--by", `campaign,${grain}`, "--metrics", METRICS.join(",")];
    const json = await cpi(dir, ...args, "--format", "json");
    const csv = await cpi(dir, ...args, "--format", "csv");
    const table = await cpi(dir, ...args);
    for (const r of [json, csv, table]) assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(json.stdout) as Record<string, string | number | null>[];

    // The naive aggregation: a row that covers one bucket goes under the bucket, else under its own range.
    const bucket = (l: Line) => {
      if (grain === "day") return l.start === l.end ? l.start : `${l.start}..${l.end}`;
      const monday = (d: string) => {
        const t = new Date(`${d}T00:00:00Z`);
        t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7));
        return t.toISOString().slice(0, 10);
      };
      return monday(l.start) === monday(l.end) ? monday(l.start) : `${l.start}..${l.end}`;
    };
    const sums = new Map<string, { cost: number; impressions: number; clicks: number; revenue: number }>();
    for (const l of lines) {
      const k = `${l.campaign}\u0000${bucket(l)}`;
      const s = sums.get(k) ?? { cost: 0, impressions: 0, clicks: 0, revenue: 0 };
      s.cost += Math.round(l.cost * 1e6);
      s.impressions += l.impressions;
      s.clicks += l.clicks;
      s.revenue += Math.round(l.revenue * 1e6);
      sums.set(k, s);
    }
    const keys = [...sums.keys()].sort();
    assert.deepEqual(
      rows.map((r) => `${r.campaign}\u0000${r[grain]}`),
      keys,
      "one row per campaign and bucket, in order",
    );
    if (grain === "week") assert.ok(keys.some((k) => k.endsWith("2026-10-08..2026-10-14")), "a row over two weeks keeps its own range");
    for (const r of rows) {
      const s = sums.get(`${r.campaign}\u0000${r[grain]}`);
      assert.ok(s);
      const cost = s.cost / 1e6;
      const expected = {
        cost,
        impressions: s.impressions,
        clicks: s.clicks,
        cpi: s.impressions ? cost / s.impressions : null,
        cpm: s.impressions ? (1000 * cost) / s.impressions : null,
        ctr: s.impressions ? s.clicks / s.impressions : null,
        roas: cost ? s.revenue / 1e6 / cost : null,
      };
      for (const m of METRICS) {
        const v = r[m] as number | null;
        const e = expected[m];
        if (e === null) assert.equal(v, null, m);
        else assert.ok(v !== null && Math.abs(v - e) <= Math.abs(e) * 1e-12, `${m}: ${v} vs ${e}`);
      }
    }

    // CSV: the same rows and the same numbers, written in full.
    const csvLines = csv.stdout.trimEnd().split("\n");
    assert.deepEqual(splitCsv(csvLines[0] as string), ["campaign", grain, ...METRICS]);
    assert.equal(csvLines.length, rows.length + 1);
    csvLines.slice(1).forEach((line, i) => {
      const cells = splitCsv(line);
      const r = rows[i] as Record<string, string | number | null>;
      assert.deepEqual(cells.slice(0, 2), [r.campaign, r[grain]]);
      METRICS.forEach((m, j) => {
        const v = r[m];
        assert.equal(cells[2 + j], v === null ? "" : String(v), `${m} of ${line}`);
      });
    });

    // Table: the same rows, each number the JSON's rounded to the shown decimals.
    const tableLines = table.stdout.trimEnd().split("\n");
    const body = tableLines.slice(2, 2 + rows.length);
    assert.equal(body.length, rows.length);
    body.forEach((line, i) => {
      const r = rows[i] as Record<string, string | number | null>;
      const cells = line.split(/ {2,}/);
      const numbers = cells.slice(-METRICS.length);
      assert.equal(cells.slice(0, -METRICS.length - 1).join("  ").trim(), r.campaign);
      assert.equal(cells[cells.length - METRICS.length - 1], r[grain]);
      METRICS.forEach((m, j) => {
        const v = r[m] as number | null;
        const shown = cellNumber(numbers[j] as string);
        if (v === null) assert.equal(shown, null);
        else assert.ok(shown !== null && Math.abs(shown - v) <= 0.5 * 10 ** -DECIMALS[m] + 1e-12, `${m}: ${numbers[j]} for ${v} in ${line}`);
      });
    });
    const total = tableLines[tableLines.length - 1] as string;
    const totalCost = lines.reduce((t, l) => t + Math.round(l.cost * 1e6), 0) / 1e6;
    assert.ok(total.startsWith("Total"));
    assert.equal(cellNumber(total.split(/ {2,}/).slice(-METRICS.length)[0] as string), Math.round(totalCost * 100) / 100);
  }
});

test("a closed pipe ends `cpi report` quietly, with exit 0, on stdout and on stdout and stderr together", () => {
  const dir = tempDir();
  write(dir, "spend.csv", csvOf(seeded(6000)));
  const bin = join(ROOT, "bin/cpi.js");
  const env = { ...process.env, CPI_DB: "" };
  const imp = spawnSync(process.execPath, [bin, "import", "spend.csv"], { cwd: dir, encoding: "utf8", env });
  assert.equal(imp.status, 0, imp.stderr);
  // head reads one line and exits while cpi still writes its (> 64 KiB) table; pipefail keeps cpi's exit code.
  for (const redirect of ["2>err.txt", "2>&1"]) {
    for (const format of ["table", "csv", "json"]) {
      const sh = `set -o pipefail; "${process.execPath}" "${bin}" report --by campaign,day --format ${format} ${redirect} | head -n 1`;
      const r = spawnSync("bash", ["-c", sh], { cwd: dir, encoding: "utf8", env });
      assert.equal(r.status, 0, `${format} ${redirect}: exit ${r.status} ${r.stderr}`);
      assert.equal(r.stdout.split("\n").length, 2, r.stdout);
      assert.doesNotMatch(r.stdout + r.stderr, /EPIPE|Error|internal error/);
      if (redirect === "2>err.txt") assert.doesNotMatch(spawnSync("cat", ["err.txt"], { cwd: dir, encoding: "utf8" }).stdout, /EPIPE|Error|internal error/);
    }
  }
});

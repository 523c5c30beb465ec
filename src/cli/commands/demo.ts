import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { compareSides } from "../../app/compare.js";
import { loadDemo } from "../../app/demo.js";
import { runReport } from "../../app/report.js";
import { UserError } from "../../domain/errors.js";
import { openStoreAt } from "../compose.js";
import { storePathProblem } from "../environment.js";
import { cpiCommand, shellQuote } from "../invocation.js";
import type { CliIo } from "../io.js";
import { readInputFile } from "../read-files.js";
import { formatCount, formatMoney, formatPercent } from "../render/format.js";
import { demoTrackedSection } from "./demo-tracked.js";
import { reportTable } from "./report.js";

/** The bundled demo-data folder, found from this file's location (src/ or dist/). */
export function demoDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "demo-data");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("demo-data folder not found next to the cpi package");
}

/** The commands the demo suggests, written to run as printed from where the user stands (see cpiCommand). */
export function tryNext(io: CliIo, path: string): string {
  const cpi = cpiCommand(io);
  const db = `--db ${shellQuote(relative(io.cwd, path) || path)}`;
  const lines = [
    `report ${db} --by campaign,month --currency USD --metrics cost,impressions,cpi,cpm,ctr`,
    `compare ${db} --campaign "Launch Q4" --vs "Launch Q3" --explain-by placement`,
    `compare ${db} --period 2026-10 --vs 2026-09 --currency USD`,
    `abtest ${db} --campaign "Launch Q4" --arms ad --unit day --metric cpi`,
    `reach ${db} --by campaign`,
    `discrepancy ${db} --from 2026-11-09 --to 2026-11-15`,
    `report ${db} --where source=tracked --by placement --metrics impressions,viewable_rate,cpi,reach`,
    "calc --cost 5000 --impressions 500000 --baseline-cpi 0.015",
  ];
  return `\nTry next:\n${lines.map((l) => `  ${cpi} ${l}\n`).join("")}`;
}

/** `cpi demo`: builds a demo store from bundled data and walks through it. */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description("build a demo store from bundled data (several sources, currencies, months) and print a guided report")
    .option("--db <path>", "where to build the demo store", "cpi-demo.duckdb")
    .option("--force", "overwrite --db even if it is not a demo store")
    .addHelpText("after", "\nExamples:\n  $ cpi demo\n  $ cpi demo --db /tmp/demo.duckdb")
    .action(async (o) => {
      const path = resolve(io.cwd, o.db);
      if (existsSync(path) && statSync(path).isDirectory()) throw storePathProblem(path) as UserError;
      if (existsSync(path)) {
        const isDemo = await openStoreAt(path)
          .then(async (s) => {
            const r = await s.query("SELECT value FROM cpi_meta WHERE key = 'demo'");
            await s.close();
            return r.length > 0;
          })
          .catch(() => false);
        if (!isDemo && !o.force) throw new UserError("not_a_demo_store", `${o.db} exists and is not a demo store; pick another --db or add --force to overwrite it`);
        rmSync(path, { force: true });
        rmSync(`${path}.wal`, { force: true });
      }
      const dir = demoDataDir();
      const names = readdirSync(dir).filter((n) => n.endsWith(".csv")).sort();
      const read = (n: string) => readInputFile(join(dir, n), `demo-data/${n}`);
      const store = await openStoreAt(path);
      let built = false;
      try {
        io.err(`building the demo store ${relative(io.cwd, path) || path} …\n`);
        const loaded = await loadDemo(store, { reports: names.filter((n) => n !== "fx-rates.csv").map(read), rates: [read("fx-rates.csv")] });
        await store.query("INSERT INTO cpi_meta VALUES ('demo', '1')");
        const rows = loaded.imports.reduce((s, f) => s + f.rows, 0);
        io.out(`Imported ${formatCount(rows)} spend rows from ${loaded.imports.length} files (${loaded.imports.map((f) => f.source).join(", ")}) and ${formatCount(loaded.rates)} exchange rates.\n\n`);

        io.out("1. What each impression costs, by source (all converted to USD at each day's rate):\n\n");
        const bySource = await runReport(store, { metrics: ["cost", "impressions", "cpi", "cpm", "ctr"], dimensions: ["source"], filters: [], currency: "USD" });
        io.out(reportTable(bySource));

        io.out("\n2. The seed case: is the $5,000 banner campaign \"Launch Q4\" cheaper than \"Launch Q3\"?\n\n");
        const seed = await compareSides(
          store,
          { label: "Launch Q4", filters: [{ dimension: "campaign", op: "eq", values: ["Launch Q4"] }] },
          { label: "Launch Q3", filters: [{ dimension: "campaign", op: "eq", values: ["Launch Q3"] }] },
          { explainBy: "placement" },
        );
        const usd = (v: number | null | undefined, d: number) => (v === null || v === undefined ? "—" : formatMoney(v, "USD", d));
        io.out(`   Launch Q4: ${usd(Number(seed.a.totals.cost) / 1e6, 2)} for ${formatCount(seed.a.totals.impressions)} impressions → CPI ${usd(seed.a.metrics.cpi, 4)}, CPM ${usd(seed.a.metrics.cpm, 2)}\n`);
        io.out(`   Launch Q3: ${usd(Number(seed.b.totals.cost) / 1e6, 2)} for ${formatCount(seed.b.totals.impressions)} impressions → CPI ${usd(seed.b.metrics.cpi, 4)}, CPM ${usd(seed.b.metrics.cpm, 2)}\n`);
        io.out(`   ${seed.verdict}: ${usd(seed.budget.amount, 0)} buys ${formatCount(seed.budget.extra_impressions ?? 0)} more impressions than at Q3's price.\n`);

        io.out("\n3. Why did CPI move from September to October? (mix of sources vs each source's own price)\n\n");
        const months = await compareSides(
          store,
          { label: "2026-10", filters: [], from: "2026-10-01", to: "2026-10-31" },
          { label: "2026-09", filters: [], from: "2026-09-01", to: "2026-09-30" },
          { explainBy: "source", currency: "USD" },
        );
        const d = months.decomposition;
        io.out(`   CPI ${usd(d.cpi_b, 5)} → ${usd(d.cpi_a, 5)} (${months.cpi_change === null ? "—" : formatPercent(months.cpi_change)}): mix ${usd(d.mix, 5)}, rate ${usd(d.rate, 5)}\n`);
        for (const s of d.segments) io.out(`   ${s.segment.padEnd(12)} share ${formatPercent(s.share_b)} → ${formatPercent(s.share_a)}, CPI ${usd(s.cpi_b, 5)} → ${usd(s.cpi_a, 5)}\n`);

        io.out(await demoTrackedSection(store, loaded.tracking));

        io.out(tryNext(io, path));
        built = true;
      } finally {
        await store.close();
        // A demo store that could not be built whole (a full disk) is not left behind half made.
        if (!built) for (const p of [path, `${path}.wal`]) rmSync(p, { force: true });
      }
    });
}

import type { Command } from "commander";
import { calculate } from "../../app/calc.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { formatCount, formatMoney, formatPercent } from "../render/format.js";

/** `cpi calc`: the seed case as a calculator. */
export function registerCalc(program: Command, io: CliIo): void {
  program
    .command("calc")
    .description("compute CPI, CPM (and CPC, CTR, CPA, CVR, ROAS) from totals, optionally against a baseline CPI")
    .requiredOption("--cost <amount>", "total cost, e.g. 5000")
    .requiredOption("--impressions <n>", "total impressions, e.g. 500000")
    .option("--clicks <n>", "clicks (adds CPC and CTR)")
    .option("--conversions <n>", "conversions (adds CPA, and CVR with --clicks)")
    .option("--revenue <amount>", "conversion value (adds ROAS)")
    .option("--baseline-cpi <amount>", "the CPI to compare with, e.g. 0.015 from a previous campaign")
    .option("--currency <code>", "ISO-4217 currency for display", "USD")
    .option("--format <format>", "table or json", "table")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi calc --cost 5000 --impressions 500000 --baseline-cpi 0.015
  $ cpi calc --cost 1200 --impressions 80000 --clicks 960 --conversions 24 --revenue 3100 --format json`,
    )
    .action((o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const r = calculate({
        cost: o.cost,
        impressions: o.impressions,
        clicks: o.clicks,
        conversions: o.conversions,
        revenue: o.revenue,
        baselineCpi: o.baselineCpi,
        currency: o.currency,
      });
      if (format === "json") {
        const { currency: _c, ...rest } = r;
        io.out(toJson({ currency: r.currency, ...rest }));
        return;
      }
      const c = r.currency;
      const m = (v: number | null | undefined, d: number) => (v === null || v === undefined ? "— (no denominator)" : formatMoney(v, c, d));
      const lines = [
        `Cost         ${formatMoney(r.cost, c, 2)}`,
        `Impressions  ${formatCount(r.impressions)}`,
        `CPI          ${m(r.cpi, 4)} per impression`,
        `CPM          ${m(r.cpm, 2)} per 1,000 impressions`,
      ];
      if (r.cpc !== undefined) lines.push(`CPC          ${m(r.cpc, 2)} per click`);
      if (r.ctr !== undefined) lines.push(`CTR          ${r.ctr === null ? "—" : formatPercent(r.ctr, 2)}`);
      if (r.cpa !== undefined) lines.push(`CPA          ${m(r.cpa, 2)} per conversion`);
      if (r.cvr !== undefined) lines.push(`CVR          ${r.cvr === null ? "—" : formatPercent(r.cvr, 2)}`);
      if (r.roas !== undefined) lines.push(`ROAS         ${r.roas === null ? "—" : `${r.roas.toFixed(2)}×`}`);
      if (r.baseline_cpi !== undefined) {
        lines.push("");
        lines.push(`Baseline CPI ${formatMoney(r.baseline_cpi, c, 4)}`);
        if (r.cpi_change !== null && r.cpi_change !== undefined) {
          const pct = formatPercent(Math.abs(r.cpi_change));
          lines.push(r.cpi_change <= 0 ? `${pct} cheaper than the baseline` : `${pct} more expensive than the baseline`);
        }
        if (r.extra_impressions !== null && r.extra_impressions !== undefined) {
          const n = formatCount(Math.abs(r.extra_impressions));
          lines.push(r.extra_impressions >= 0 ? `${n} more impressions for the same budget` : `${n} fewer impressions for the same budget`);
        }
      }
      io.out(`${lines.join("\n")}\n`);
    });
}

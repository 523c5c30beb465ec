import type { Command } from "commander";
import { type CompareSide, type Comparison, compareSides } from "../../app/compare.js";
import { parsePeriodOrRange } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { isEntityDimension, parseFilter } from "../../domain/query.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { formatCount, formatMoney, formatPercent } from "../render/format.js";
import { renderTable } from "../render/table.js";

function sidesFrom(input: Record<string, string | undefined>): [CompareSide, CompareSide] {
  let o = input;
  const period = (p: string | undefined, from: string | undefined, to: string | undefined, what: string) => parsePeriodOrRange(p, from, to, what);
  if (o.period && o.vs && !o.campaign) {
    if (o.vsPeriod) throw new UserError("bad_usage", "give side B's period once: --vs 2026-09 or --vs-period 2026-09");
    o = { ...o, vsPeriod: o.vs, vs: undefined };
  }
  if (o.campaign || o.vs) {
    if (!o.campaign || !o.vs) throw new UserError("bad_usage", "--campaign and --vs go together: cpi compare --campaign \"Launch Q4\" --vs \"Launch Q3\"");
    const pa = period(o.period, o.from, o.to, "--period");
    return [
      { label: o.campaign, filters: [{ dimension: "campaign", op: "eq", values: [o.campaign] }], ...pa },
      { label: o.vs, filters: [{ dimension: "campaign", op: "eq", values: [o.vs] }], ...pa },
    ];
  }
  const a = period(o.period, o.from, o.to, "--period");
  const b = period(o.vsPeriod, o.vsFrom, o.vsTo, "--vs-period");
  if (!a.from || !b.from) {
    throw new UserError("bad_usage", "say what to compare: --campaign A --vs B, or --period 2026-10 --vs 2026-09 (or --from/--to with --vs-from/--vs-to)");
  }
  return [
    { label: a.from === a.to ? a.from : `${a.from}..${a.to}`, filters: [], ...a },
    { label: b.from === b.to ? b.from : `${b.from}..${b.to}`, filters: [], ...b },
  ];
}

function comparisonText(c: Comparison): string {
  const cur = c.currency;
  const m = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? "—" : formatMoney(v, cur, d));
  const side = (s: Comparison["a"]) => [
    s.label,
    m(Number(s.totals.cost) / 1e6),
    formatCount(s.totals.impressions),
    m(s.metrics.cpi, 4),
    m(s.metrics.cpm),
    s.metrics.ctr === null || s.metrics.ctr === undefined ? "—" : formatPercent(s.metrics.ctr, 2),
  ];
  let out = renderTable(["", "Cost", "Impressions", "CPI", "CPM", "CTR"], [side(c.a), side(c.b)], new Set([1, 2, 3, 4, 5]));
  out += `\n${c.a.label} vs ${c.b.label}: ${c.verdict}\n`;
  const b = c.budget;
  if (b.impressions_at_a !== null && b.impressions_at_b !== null) {
    out += `${m(b.amount)} buys ${formatCount(b.impressions_at_a)} impressions at ${c.a.label}'s CPI and ${formatCount(b.impressions_at_b)} at ${c.b.label}'s`;
    if (b.extra_impressions !== null) out += ` (${formatCount(Math.abs(b.extra_impressions))} ${b.extra_impressions >= 0 ? "more" : "fewer"})`;
    out += "\n";
  }
  const d = c.decomposition;
  if (d.total_change !== null) {
    out += `\nWhy CPI moved by ${m(d.total_change, 5)} (by ${c.explain_by}): mix ${m(d.mix, 5)} + rate ${m(d.rate, 5)}\n`;
    out += renderTable(
      [c.explain_by, "share A", "share B", "CPI A", "CPI B", "mix", "rate"],
      d.segments.map((s) => [s.segment || "(none)", formatPercent(s.share_a), formatPercent(s.share_b), m(s.cpi_a, 4), m(s.cpi_b, 4), m(s.mix, 5), m(s.rate, 5)]),
      new Set([1, 2, 3, 4, 5, 6]),
    );
    out += "mix = the change from impressions shifting between segments; rate = the change in each segment's own CPI. They add up to the total.\n";
  }
  return out;
}

/** `cpi compare`: is this campaign (or period) more cost-efficient than the last one? */
export function registerCompare(program: Command, io: CliIo): void {
  program
    .command("compare")
    .description("compare two campaigns or two periods on CPI, with a mix/rate decomposition of the change")
    .option("--campaign <name>", "the campaign to judge (side A)")
    .option("--vs <name|period>", "side B: the campaign to compare with (with --campaign) or the period (with --period)")
    .option("--period <period>", "side A's period: 2026-10, 2026, or 2026-10-01..2026-10-31 (with --campaign: limits both sides)")
    .option("--vs-period <period>", "side B's period")
    .option("--from <date>", "side A's first day")
    .option("--to <date>", "side A's last day")
    .option("--vs-from <date>", "side B's first day")
    .option("--vs-to <date>", "side B's last day")
    .option("--where <filter>", "filter both sides: DIM=VALUE (repeatable)", collect, [])
    .option("--explain-by <dimension>", "dimension of the mix/rate decomposition", "source")
    .option("--currency <code>", "convert amounts to this currency (rates from 'cpi fx import')")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi compare --campaign "Launch Q4" --vs "Launch Q3"
  $ cpi compare --period 2026-10 --vs 2026-09 --explain-by campaign
  $ cpi compare --from 2026-10-01 --to 2026-10-15 --vs-from 2026-09-16 --vs-to 2026-09-30 --format json`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const by = String(o.explainBy).toLowerCase();
      if (!isEntityDimension(by)) throw new UserError("unknown_dimension", `--explain-by '${o.explainBy}' is not a dimension (source, account, campaign, ad_group, ad, placement, …)`);
      const [a, b] = sidesFrom(o);
      const filters = (o.where as string[]).map(parseFilter);
      const c = await withStore(o, io, "read", (s) => compareSides(s, a, b, { explainBy: by, filters, ...(o.currency ? { currency: String(o.currency).toUpperCase() } : {}) }));
      for (const w of c.warnings) io.err(`warning: ${w}\n`);
      if (format === "json") {
        const side = (s: Comparison["a"]) => ({ label: s.label, from: s.from, to: s.to, ...s.metrics });
        io.out(toJson({ currency: c.currency, a: side(c.a), b: side(c.b), cpi_change: c.cpi_change, verdict: c.verdict, budget: c.budget, decomposition: { by: c.explain_by, ...c.decomposition } }));
      } else io.out(comparisonText(c));
    });
}

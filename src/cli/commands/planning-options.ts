import type { Command } from "commander";
import type { ChannelSelection } from "../../app/planning/index.js";
import { requireIsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { isEntityDimension, parseFilter } from "../../domain/query.js";
import { collect } from "../options.js";

/** The selection options every planning command shares. */
export function selectionOptions(cmd: Command, defaultBy = "source"): Command {
  return cmd
    .option("--by <dimension>", "what a channel is: source, campaign, placement, …", defaultBy)
    .option("--campaign <name>", "only this campaign")
    .option("--where <filter>", "DIM=VALUE, DIM!=VALUE, DIM~TEXT (repeatable)", collect, [])
    .option("--from <date>", "first day of the history")
    .option("--to <date>", "last day of the history")
    .option("--currency <code>", "convert amounts to this currency (rates from 'cpi fx import')")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)");
}

/** The ChannelSelection of parsed options. */
export function selectionFrom(o: Record<string, unknown>): ChannelSelection {
  const by = String(o.by ?? "source").toLowerCase();
  if (!isEntityDimension(by)) throw new UserError("unknown_dimension", `--by '${o.by}' is not a dimension (source, campaign, placement, …)`);
  const filters = ((o.where as string[] | undefined) ?? []).map(parseFilter);
  if (o.campaign) filters.push({ dimension: "campaign", op: "eq", values: [String(o.campaign)] });
  return {
    by,
    filters,
    ...(o.from ? { from: requireIsoDate(String(o.from), "--from") } : {}),
    ...(o.to ? { to: requireIsoDate(String(o.to), "--to") } : {}),
    ...(o.currency ? { currency: String(o.currency).toUpperCase() } : {}),
  };
}

/** A number with at most `d` decimals and thousands separators, or "—". */
export function num(v: number | null | undefined, d = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

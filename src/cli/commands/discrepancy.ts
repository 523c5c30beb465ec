import type { Command } from "commander";
import { discrepancyReport } from "../../app/track/discrepancy.js";
import { UserError } from "../../domain/errors.js";
import { buildMetricQuery } from "../../domain/query.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { toCsv } from "../render/csv.js";
import { formatCount, formatPercent } from "../render/format.js";
import { renderTable } from "../render/table.js";

const STATUS_TEXT = { ok: "ok", over: "tracked > reported", under: "tracked < reported", not_tracked: "not tracked", not_reported: "not reported" } as const;

/** `cpi discrepancy`: publisher- or platform-reported impressions against first-party counts. */
export function registerDiscrepancy(program: Command, io: CliIo): void {
  program
    .command("discrepancy")
    .description("set reported impressions against first-party counts per campaign × placement × day and flag gaps beyond a tolerance")
    .option("--from <date>", "first day (YYYY-MM-DD), inclusive")
    .option("--to <date>", "last day (YYYY-MM-DD), inclusive")
    .option("--where <filter>", "which reported data: source=direct, campaign~launch … (repeatable)", collect, [])
    .option("--tolerance <percent>", "accepted gap in percent", "10")
    .option("--timezone <zone>", "IANA zone the publisher's report days are in (tracked events are counted in it; default UTC)")
    .option("--flagged", "show only rows beyond the tolerance")
    .option("--format <format>", "table, csv or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Only campaigns that are both tracked ('cpi serve') and reported (imported) are compared. A reported row
without a placement is compared with the tracked placements of its campaign that no reported row names
(a platform's campaign total beside a publisher's placement report: each tracked impression is counted
once); a row covering a range of days with the tracked days of that range. With --where source=… (or
another filter beyond campaign and placement), tracked placements that source never reports in the
window are left out rather than shown as "not reported".

Examples:
  $ cpi discrepancy
  $ cpi discrepancy --where source=direct --from 2026-10-01 --to 2026-10-31 --timezone America/New_York
  $ cpi discrepancy --tolerance 5 --flagged --format json`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format);
      const tolerance = Number(o.tolerance);
      if (!Number.isFinite(tolerance) || tolerance < 0) throw new UserError("bad_flag", `--tolerance must be a percentage ≥ 0, got '${o.tolerance}'`);
      const q = buildMetricQuery({ metrics: "impressions", where: o.where, from: o.from, to: o.to, timezone: o.timezone });
      const report = await withStore(o, io, "read", (s) =>
        discrepancyReport(s, { tolerance: tolerance / 100, filters: q.filters, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.timezone ? { timezone: q.timezone } : {}) }),
      );
      let rows = report.rows;
      const flagged = rows.filter((r) => r.status !== "ok").length;
      if (o.flagged) rows = rows.filter((r) => r.status !== "ok");
      if (format === "json") io.out(toJson(rows));
      else if (format === "csv") io.out(toCsv(["campaign", "placement", "day", "reported", "tracked", "gap", "status"], rows.map((r) => ({ ...r }))));
      else {
        io.out(
          renderTable(
            ["Campaign", "Placement", "Day", "Reported", "Tracked", "Gap", "Status"],
            rows.map((r) => [r.campaign, r.placement || "(all)", r.day, formatCount(r.reported), formatCount(r.tracked), r.gap === null ? "—" : formatPercent(r.gap), STATUS_TEXT[r.status]]),
            new Set([3, 4, 5]),
          ),
        );
        const early = report.beforeTracking;
        const before = early > 0 ? `; ${early} reported row${early === 1 ? "" : "s"} before the campaign's tracking began not compared` : "";
        io.err(`${flagged} of ${rows.length} row${rows.length === 1 ? "" : "s"} beyond ±${tolerance} %${rows.length === 0 ? " (no campaign is both tracked and reported in this window)" : ""}${before}\n`);
      }
    });
}

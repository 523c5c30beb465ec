import type { Command } from "commander";
import { pacing } from "../../app/planning/index.js";
import { requireAmount } from "../../domain/cost-efficiency.js";
import { requireIsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { microsToUnits } from "../../domain/money.js";
import { parseFilter } from "../../domain/query.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { formatPercent } from "../render/format.js";
import { num } from "./planning-options.js";

/** `cpi pacing`: is a flight on budget? */
export function registerPacing(program: Command, io: CliIo): void {
  program
    .command("pacing")
    .description("spend to date against the flight's elapsed time, the projected end spend, and the daily spend that lands on budget")
    .option("--campaign <name>", "the campaign of the flight")
    .option("--where <filter>", "DIM=VALUE (repeatable)", collect, [])
    .requiredOption("--budget <amount>", "the flight's budget")
    .requiredOption("--from <date>", "the flight's first day")
    .requiredOption("--to <date>", "the flight's last day")
    .option("--as-of <date>", "last complete day (default: the last day with spend)")
    .option("--currency <code>", "convert amounts to this currency")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", '\nExamples:\n  $ cpi pacing --campaign "Launch Q4" --budget 5000 --from 2026-10-01 --to 2026-11-15')
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const filters = (o.where as string[]).map(parseFilter);
      if (o.campaign) filters.push({ dimension: "campaign", op: "eq", values: [o.campaign] });
      if (filters.length === 0) throw new UserError("bad_usage", "say which flight: --campaign NAME or --where DIM=VALUE");
      const p = await withStore(o, io, "read", (s) =>
        pacing(s, {
          filters,
          budget: requireAmount(o.budget, "--budget", true),
          from: requireIsoDate(o.from, "--from"),
          to: requireIsoDate(o.to, "--to"),
          ...(o.asOf ? { asOf: o.asOf } : {}),
          ...(o.currency ? { currency: String(o.currency).toUpperCase() } : {}),
        }),
      );
      if (format === "json") {
        io.out(toJson(p));
        return;
      }
      const m = (v: bigint) => num(microsToUnits(v), 2);
      io.out(
        [
          `As of ${p.asOf}: day ${p.elapsedDays} of ${p.totalDays} (${formatPercent(p.elapsedShare)} of the flight), ${formatPercent(p.spentShare)} of the budget spent${p.currency ? ` (${p.currency})` : ""}`,
          `Spent to date        ${m(p.spendToDate)}   (even pacing: ${m(p.expectedSpendToDate)}, pace ${p.paceRatio === null ? "—" : `${p.paceRatio.toFixed(2)}×`})`,
          `Daily rate           ${m(p.dailyRate)}   (the last 7 calendar days, a day without spend as 0, per average weekday)`,
          `Projected end spend  ${m(p.projectedEndSpend)}   (${p.projectedOverBudget >= 0n ? "over" : "under"} budget by ${m(p.projectedOverBudget >= 0n ? p.projectedOverBudget : -p.projectedOverBudget)})`,
          `To land on budget    ${p.requiredDailySpend === null ? "—" : `${m(p.requiredDailySpend)} a day`} for the remaining ${p.remainingDays} days`,
          `Status: ${p.message}`,
          "",
        ].join("\n"),
      );
    });
}

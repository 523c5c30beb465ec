import type { Command } from "commander";
import { forecastBudget } from "../../app/planning/index.js";
import { requireAmount } from "../../domain/cost-efficiency.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { num, selectionFrom, selectionOptions } from "./planning-options.js";

/** `cpi forecast`: what a budget will buy. */
export function registerForecast(program: Command, io: CliIo): void {
  selectionOptions(program.command("forecast").description("predict impressions, reach and CPI for a budget, with an interval, from the selection's daily history"), "campaign")
    .requiredOption("--budget <amount>", "total budget over --days")
    .option("--days <n>", "days the budget is spent over, evenly", "30")
    .addHelpText("after", '\nExamples:\n  $ cpi forecast --budget 5000 --campaign "Launch Q4"\n  $ cpi forecast --budget 20000 --days 30 --where source=meta --by source --currency USD --format json')
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const f = await withStore(o, io, "read", (s) => forecastBudget(s, selectionFrom(o), requireAmount(o.budget, "--budget", true), requireAmount(o.days, "--days", true)));
      for (const w of f.warnings) io.err(`warning: ${w}\n`);
      if (format === "json") {
        io.out(toJson(f));
        return;
      }
      const e = (x: { value: number; low: number; high: number } | null, d = 0) => (x ? `${num(x.value, d)}  (${num(x.low, d)} … ${num(x.high, d)})` : "—");
      io.out(
        [
          `Budget ${num(f.budget, 2)} over ${f.days} days = ${num(f.dailyBudget, 2)} a day${f.extrapolation ? "  ⚠ outside the observed daily spend: extrapolation" : ""}`,
          `Impressions   ${e(f.impressions)}`,
          `  per day     ${e(f.daily.impressions)}`,
          `CPI           ${e(f.daily.cpi, 5)}`,
          `CPM           ${e(f.daily.cpm, 2)}`,
          `Reach per day ${e(f.daily.reach)}`,
          `Intervals: ${Math.round(f.daily.level * 100)} % from the fit's uncertainty. Observed daily spend: ${num(f.observedDailySpend.min, 2)} … ${num(f.observedDailySpend.max, 2)}.`,
          "",
        ].join("\n"),
      );
    });
}

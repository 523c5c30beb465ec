import type { Command } from "commander";
import { fitCurves } from "../../app/planning/index.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { renderTable } from "../render/table.js";
import { num, selectionFrom, selectionOptions } from "./planning-options.js";

/** `cpi curves`: fitted response curves per channel, with marginal costs at today's spend. */
export function registerCurves(program: Command, io: CliIo): void {
  selectionOptions(program.command("curves").description("fit how impressions (and reach) respond to daily spend per channel, with diminishing returns"))
    .addHelpText("after", "\nExamples:\n  $ cpi curves --by source --currency USD\n  $ cpi curves --by campaign --where source=meta --format json")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const fits = await withStore(o, io, "read", (s) => fitCurves(s, selectionFrom(o)));
      for (const f of fits) for (const w of f.warnings) io.err(`warning: ${w}\n`);
      if (format === "json") {
        io.out(
          toJson(
            fits.map((f) => ({
              channel: f.channel,
              days: f.days,
              impressions_curve: f.response ? { model: f.response.impressions.model, formula: f.response.impressions.formula, params: f.response.impressions.params, r2: f.response.impressions.r2, sigma: f.response.impressions.sigma } : null,
              reach_curve: f.response?.reach ? { model: f.response.reach.model, formula: f.response.reach.formula, params: f.response.reach.params, r2: f.response.reach.r2 } : null,
              spend_range: f.response?.spendRange ?? null,
              today: f.today,
            })),
          ),
        );
        return;
      }
      io.out(
        renderTable(
          ["Channel", "Days", "Model", "Parameters", "R²", "Daily spend range", "Today/day", "CPM", "Marginal CPM", "Marginal cost/person"],
          fits.map((f) => [
            f.channel,
            String(f.days),
            f.response?.impressions.model ?? "—",
            f.response ? f.response.impressions.params.map((p) => `${p.name}=${num(p.value, 3)}`).join(" ") : "—",
            f.response ? num(f.response.impressions.r2, 3) : "—",
            f.response ? `${num(f.response.spendRange.min, 2)} … ${num(f.response.spendRange.max, 2)}` : "—",
            num(f.history.todaySpend, 2),
            num(f.today?.cpm, 2),
            num(f.today?.marginalCpm, 2),
            num(f.today?.marginalCostPerReach, 4),
          ]),
          new Set([1, 4, 6, 7, 8, 9]),
        ),
      );
      io.out("Marginal CPM: what the next 1,000 impressions cost at today's daily spend (above the average CPM when returns diminish).\n");
    });
}

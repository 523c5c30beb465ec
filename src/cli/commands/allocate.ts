import type { Command } from "commander";
import { allocate, DEFAULT_MAX_EXTRAPOLATION, OBJECTIVES, type Objective, parseBound, parseMaxExtrapolation } from "../../app/planning/index.js";
import { type ExplanationFormat, explanationText, objectiveUnit } from "../../domain/allocate/index.js";
import { requireAmount } from "../../domain/cost-efficiency.js";
import { UserError } from "../../domain/errors.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { formatMoney, formatPercent, formatUnitCost } from "../render/format.js";
import { renderTable } from "../render/table.js";
import { num, selectionFrom, selectionOptions } from "./planning-options.js";

/** `cpi allocate`: how to split a budget across channels. */
export function registerAllocate(program: Command, io: CliIo): void {
  selectionOptions(program.command("allocate").description("split a budget across channels to maximise reach, impressions, clicks or conversions on their fitted response curves"))
    .requiredOption("--budget <amount>", "total budget over --days")
    .option("--days <n>", "days the budget covers", "30")
    .option("--objective <objective>", OBJECTIVES.join(", "), "impressions")
    .option("--min <channel=amount|share%>", "least spend for a channel over the period (repeatable)", collect, [])
    .option("--max <channel=amount|share%>", "most spend for a channel over the period (repeatable)", collect, [])
    .option("--fixed <channel=amount|share%>", "a channel whose spend must not change (repeatable)", collect, [])
    .option("--frequency-cap <n>", "reach objective: nobody counts for more than n impressions a day")
    .option("--max-extrapolation <factor>", "most a channel may spend a day, as a multiple of the most it ever spent in a day ('none': no ceiling)", String(DEFAULT_MAX_EXTRAPOLATION))
    .addHelpText(
      "after",
      `
Examples:
  $ cpi allocate --budget 20000 --objective impressions --currency USD
  $ cpi allocate --budget 20000 --objective clicks --min meta=2000 --max linkedin=25% --fixed direct=3000 --currency USD
  $ cpi allocate --budget 20000 --objective reach --frequency-cap 3 --where source=tracked --by placement`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const objective = String(o.objective).toLowerCase() as Objective;
      if (!(OBJECTIVES as readonly string[]).includes(objective)) throw new UserError("bad_objective", `--objective must be one of ${OBJECTIVES.join(", ")}, got '${o.objective}'`);
      const a = await withStore(o, io, "read", (s) =>
        allocate(s, selectionFrom(o), {
          budget: requireAmount(o.budget, "--budget", true),
          days: requireAmount(o.days, "--days", true),
          objective,
          min: (o.min as string[]).map((b) => parseBound(b, "--min")),
          max: (o.max as string[]).map((b) => parseBound(b, "--max")),
          fixed: (o.fixed as string[]).map((b) => parseBound(b, "--fixed")),
          ...(o.frequencyCap ? { frequencyCap: requireAmount(o.frequencyCap, "--frequency-cap", true) } : {}),
          maxExtrapolation: parseMaxExtrapolation(o.maxExtrapolation, "--max-extrapolation"),
        }),
      );
      // Diagnostics on stderr; the extrapolation is part of the plan, printed beside it (and in the JSON).
      for (const w of a.warnings) io.err(`warning: ${w}\n`);
      if (format === "json") {
        io.out(toJson(a));
        return;
      }
      const r = a.result;
      const unit = objective === "reach" ? "people reached a day" : objective;
      // The explanations speak of the table's amounts: over the period, as money in the report's currency.
      const money: ExplanationFormat = { amount: (v) => formatMoney(v, a.currency), unitCost: (v) => formatUnitCost(v, a.currency) };
      io.out(`Budget ${money.amount(a.budget)} over ${a.days} days (${money.amount(a.budget / a.days)} a day), maximising ${unit}: ${r.status}${r.status === "optimal" ? "" : ` — ${r.message}`}\n`);
      io.out(`${a.maxExtrapolation === null ? "No ceiling on a channel's daily spend (--max-extrapolation none)" : `Each channel spends at most ${a.maxExtrapolation}× the most it ever spent in a day (--max-extrapolation)`}.\n\n`);
      io.out(
        renderTable(
          ["Channel", "Today", "Recommended", "Change", `${objective} today`, `${objective} then`, "Marginal cost"],
          a.perPeriod.map((p) => [p.channel, num(p.today, 2), num(p.spend, 2), p.today === null ? "—" : `${p.spend >= p.today ? "+" : ""}${num(p.spend - p.today, 2)}`, num(p.todayValue), num(p.value), num(p.marginalCost, objective === "impressions" ? 5 : 3)]),
          new Set([1, 2, 3, 4, 5, 6]),
        ),
      );
      if (a.extrapolation.length) {
        io.out("\nExtrapolation (beyond the spend the curves were fitted on; the numbers there are a guess):\n");
        for (const e of a.extrapolation) io.out(`  ${e.channel}: ${money.amount(e.dailySpend)} a day, ${e.ratio.toFixed(1)}× the most it ever spent in a day (${money.amount(e.highestDailySpend)})\n`);
      }
      io.out("\nWhy:\n");
      for (const p of a.perPeriod) io.out(`  ${p.channel}: ${explanationText(p.why, objective, money)}\n`);
      const k = objective === "reach" ? 1 : a.days;
      if (r.currentTotal !== null && r.gain !== null) {
        io.out(`\nExpected gain: ${num(r.gain * k)} ${unit} (${r.gainShare === null ? "—" : formatPercent(r.gainShare)}) over today's split scaled to this budget${a.extrapolation.length ? ", on extrapolated curves" : ""}.\n`);
      }
      if (a.marginalCost !== null) io.out(`Every funded channel's next ${objectiveUnit(objective)} costs the same: ${money.unitCost(a.marginalCost)} (that is what makes the split ${a.extrapolation.length ? "the best on these curves" : "optimal"}).\n`);
      if (a.skipped.length) io.out(`Left out (too little daily history): ${a.skipped.join(", ")}\n`);
    });
}

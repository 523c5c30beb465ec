import type { Command } from "commander";
import { dailyHistory, parseTestUnit, planAbTest, runAbTest, TEST_METRICS } from "../../app/abtest.js";
import { requireAmount } from "../../domain/cost-efficiency.js";
import { UserError } from "../../domain/errors.js";
import { type EntityDimension, isEntityDimension, parseFilter } from "../../domain/query.js";
import type { Method, TestAnalysis } from "../../domain/stats/index.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { formatCount, formatPercent } from "../render/format.js";
import { renderTable } from "../render/table.js";

const METHODS = ["frequentist", "sequential", "bayesian"] as const;

function analysisText(a: TestAnalysis): string {
  const v = (x: number | null, d = 4) => (x === null ? "—" : x.toFixed(d));
  let out = renderTable(
    ["Arm", "Units", "Cost", "Impressions", a.metric.toUpperCase()],
    a.arms.map((arm) => [arm.name, String(arm.units), arm.cost === null ? "—" : arm.cost.toFixed(2), arm.impressions === null ? "—" : formatCount(arm.impressions), v(arm.value, a.metric === "cpi" ? 5 : 4)]),
    new Set([1, 2, 3, 4]),
  );
  out += "\n";
  const bayes = a.method === "bayesian";
  out += renderTable(
    bayes ? ["Arm", "vs", "Lift", "Interval", "Chance to win", "Risk"] : ["Arm", "vs", "Lift", "CI", "p-value"],
    a.comparisons.map((c) => [
      c.arm,
      c.baseline,
      c.lift === null ? "—" : formatPercent(c.lift),
      c.ci ? `${formatPercent(c.ci[0])} … ${formatPercent(c.ci[1])}` : "—",
      ...(bayes ? [c.chance_to_win === null ? "—" : formatPercent(c.chance_to_win), c.risk === null ? "—" : formatPercent(c.risk, 2)] : [c.p_value === null ? "—" : c.p_value < 0.0001 ? "< 0.0001" : c.p_value.toFixed(4)]),
    ]),
    new Set([2, 4, 5]),
  );
  for (const c of a.comparisons) out += `\n${c.verdict}`;
  return `${out}\n`;
}

/** `cpi abtest`: is the new creative really cheaper? And `cpi abtest plan`: how long to run it. */
export function registerAbtest(program: Command, io: CliIo): void {
  const cmd = program
    .command("abtest")
    .enablePositionalOptions()
    .description("compare the arms of a test (creatives, ad groups, placements, sources) on CPI, CTR, CPA … with confidence intervals")
    .option("--campaign <name>", "the campaign whose arms to compare")
    .option("--arms <dimension>", "what the arms are: ad, ad_group, placement, source, …", "ad")
    .option("--unit <dimension>", "the randomisation unit the data has: day, week, placement, ad_group, …; visitor for tracked events", "day")
    .option("--metric <metric>", `${Object.keys(TEST_METRICS).join(", ")}`, "cpi")
    .option("--method <method>", "frequentist (Welch, delta method), sequential (always valid) or bayesian", "frequentist")
    .option("--baseline <arm>", "the control arm (default: the arm with the most impressions)")
    .option("--alpha <alpha>", "significance level", "0.05")
    .option("--tuning <n>", "sequential tuning parameter N* (total units at which decisions are usually made)", "5000")
    .option("--prior-mean <lift>", "bayesian: prior mean of the relative lift (with --prior-sd)")
    .option("--prior-sd <sd>", "bayesian: prior standard deviation of the relative lift (default flat prior)")
    .option("--from <date>", "first day")
    .option("--to <date>", "last day")
    .option("--where <filter>", "more filters: DIM=VALUE (repeatable)", collect, [])
    .option("--currency <code>", "convert amounts to this currency")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi abtest --campaign "Launch Q4" --arms ad --unit day --metric cpi
  $ cpi abtest --campaign "Launch Q4" --metric ctr --method bayesian --format json
  $ cpi abtest --campaign "Launch Q4" --arms placement --unit day --method sequential --tuning 2000
  $ cpi abtest --campaign "Launch Q4" --where source=tracked --arms ad --unit visitor --metric ctr
  $ cpi abtest plan --metric cpi --baseline-cpi 0.012 --daily-impressions 40000 --mde 0.1`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const method = String(o.method).toLowerCase() as Method;
      if (!(METHODS as readonly string[]).includes(method)) throw new UserError("bad_method", `--method must be one of ${METHODS.join(", ")}, got '${o.method}'`);
      const arms = String(o.arms).toLowerCase();
      if (!isEntityDimension(arms)) throw new UserError("unknown_dimension", `--arms '${o.arms}' is not a dimension (ad, ad_group, placement, source, …)`);
      const unit = parseTestUnit(String(o.unit), "--unit");
      const filters = (o.where as string[]).map(parseFilter);
      if (o.campaign) filters.push({ dimension: "campaign", op: "eq", values: [o.campaign] });
      const alpha = requireAmount(o.alpha, "--alpha", true);
      if (alpha >= 0.5) throw new UserError("bad_number", `--alpha must be below 0.5, got ${o.alpha}`);
      const prior = o.priorSd !== undefined ? { mean: o.priorMean !== undefined ? Number(o.priorMean) : 0, stddev: requireAmount(o.priorSd, "--prior-sd", true) } : ("flat" as const);
      if (o.priorMean !== undefined && !Number.isFinite(Number(o.priorMean))) throw new UserError("bad_number", `--prior-mean must be a number, got '${o.priorMean}'`);
      const a = await withStore(o, io, "read", (s) =>
        runAbTest(s, {
          metric: o.metric,
          arms: arms as EntityDimension,
          unit,
          filters,
          method,
          ...(o.baseline ? { baseline: o.baseline } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.currency ? { currency: String(o.currency).toUpperCase() } : {}),
          options: { alpha, sequentialTuning: requireAmount(o.tuning, "--tuning", true), prior },
        }),
      );
      for (const w of a.warnings) io.err(`warning: ${w}\n`);
      io.out(format === "json" ? toJson(a) : analysisText(a));
    });

  cmd
    .command("plan")
    .description("how many days a test needs to detect a change, for fixed and sequential designs")
    .option("--metric <metric>", "cpi, cpm, ctr, cpc, cpa, cvr, roas", "cpi")
    .option("--baseline-cpi <value>", "today's CPI (or use --baseline for any metric)")
    .option("--baseline <value>", "today's value of the metric")
    .requiredOption("--daily-impressions <n>", "impressions per day over all arms")
    .requiredOption("--mde <fraction>", "smallest relative change worth detecting, e.g. 0.1 for 10 %")
    .option("--arms <n>", "number of arms", "2")
    .option("--power <p>", "target power", "0.8")
    .option("--alpha <alpha>", "significance level", "0.05")
    .option("--cv <fraction>", "day-to-day variation of the metric when there is no history", "0.1")
    .option("--tuning <n>", "sequential tuning parameter N* (total units at which decisions are usually made)", "5000")
    .option("--campaign <name>", "take the variance from this campaign's daily history in the store")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file for the history (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi abtest plan --metric cpi --baseline-cpi 0.012 --daily-impressions 40000 --mde 0.1\n  $ cpi abtest plan --metric ctr --baseline 0.009 --daily-impressions 40000 --mde 0.05\n  $ cpi abtest plan --metric cpi --baseline-cpi 0.012 --daily-impressions 40000 --mde 0.1 --tuning 200")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const baselineText = o.baseline ?? o.baselineCpi;
      if (baselineText === undefined) throw new UserError("bad_usage", "give today's value: --baseline-cpi 0.012 (or --baseline for other metrics)");
      const mde = requireAmount(o.mde, "--mde", true);
      let history: { m: number; d: number }[] | undefined;
      if (o.campaign) history = await withStore(o, io, "read", (s) => dailyHistory(s, o.metric, [{ dimension: "campaign", op: "eq", values: [o.campaign] }]));
      const plan = planAbTest({
        metric: o.metric,
        baseline: requireAmount(baselineText, "--baseline", true),
        dailyImpressions: requireAmount(o.dailyImpressions, "--daily-impressions", true),
        mde,
        arms: requireAmount(o.arms, "--arms", true),
        power: requireAmount(o.power, "--power", true),
        alpha: requireAmount(o.alpha, "--alpha", true),
        cv: requireAmount(o.cv, "--cv", true),
        sequentialTuning: requireAmount(o.tuning, "--tuning", true),
        ...(history ? { history } : {}),
      });
      for (const w of plan.warnings) io.err(`warning: ${w}\n`);
      if (format === "json") {
        io.out(toJson(plan));
        return;
      }
      const d = (p: typeof plan.fixed) => [p.design, p.days === null ? "out of reach" : `${p.days} days`, p.unitsPerArm === null ? "—" : String(p.unitsPerArm), p.powerAtDays === null ? "—" : formatPercent(p.powerAtDays)];
      io.out(`To detect a ${formatPercent(mde)} change in ${plan.metric.toUpperCase()} (today ${plan.baseline}) at ${formatPercent(Number(o.power), 0)} power, α = ${o.alpha}:\n\n`);
      io.out(renderTable(["Design", "Duration", "Days per arm", "Power then"], [d(plan.fixed), d(plan.sequential)], new Set([1, 2, 3])));
      io.out(`\nVariance from ${plan.variance_from}.\nSequential: you may look every day and stop early; fixed: decide only at the end.\n`);
    });
}

import { checkedRange, requireIsoDate } from "../domain/dates.js";
import { UserError } from "../domain/errors.js";
import { addTotals, type Totals } from "../domain/measures.js";
import { microsToUnits } from "../domain/money.js";
import { type EntityDimension, type Filter, isEntityDimension, isTimeGrain, type TimeGrain } from "../domain/query.js";
import { type AnalyzeOptions, analyzeTest, historyMoments, type MeasureRole, type Method, planTest, type TestAnalysis, type TestArm, type TestPlan, type TestUnit } from "../domain/stats/index.js";
import type { Store } from "../store/store.js";
import { mixedCostNote, needsMoney } from "./abtest-currency.js";
import { visitorTestArms } from "./abtest-visitor.js";
import { runReport } from "./report.js";

/** Metrics an A/B test can compare: numerator and denominator measures, and which way is better. */
export const TEST_METRICS: Record<string, { numerator: MeasureRole; denominator: MeasureRole; direction: "lower" | "higher" }> = {
  cpi: { numerator: "cost", denominator: "impressions", direction: "lower" },
  cpm: { numerator: "cost", denominator: "impressions", direction: "lower" },
  cpc: { numerator: "cost", denominator: "clicks", direction: "lower" },
  cpa: { numerator: "cost", denominator: "conversions", direction: "lower" },
  ctr: { numerator: "clicks", denominator: "impressions", direction: "higher" },
  cvr: { numerator: "conversions", denominator: "clicks", direction: "higher" },
  roas: { numerator: "revenue", denominator: "cost", direction: "higher" },
};

/** Sources where the platform, not a random split, decides which ad serves. */
const SELF_SERVE = new Set(["direct", "tracked", "generic"]);

/** What a test's unit can be: a period, an entity the data is split by, or (tracked events) a visitor. */
export type TestUnitName = TimeGrain | EntityDimension | "visitor";

/**
 * Checks a `--unit` (or the API's `unit`) and returns it lower-cased.
 * @example parseTestUnit("Visitor", "--unit") // "visitor"
 */
export function parseTestUnit(text: string, flag: string): TestUnitName {
  const unit = text.toLowerCase();
  if (unit === "visitor" || isEntityDimension(unit) || isTimeGrain(unit)) return unit;
  throw new UserError("unknown_dimension", `${flag} '${text}' is not a dimension or grain (day, week, placement, ad_group, …), nor visitor (first-party events)`);
}

export interface AbTestRequest {
  metric: string;
  arms: EntityDimension;
  unit: TestUnitName;
  filters: Filter[];
  from?: string;
  to?: string;
  currency?: string;
  method?: Method;
  baseline?: string;
  options?: AnalyzeOptions;
}

/** A measure of summed totals in plain units. */
export function measureOf(t: Totals, role: MeasureRole): number {
  switch (role) {
    case "cost":
      return microsToUnits(t.cost);
    case "revenue":
      return microsToUnits(t.revenue);
    default:
      return t[role];
  }
}

function testMetric(name: string) {
  const m = TEST_METRICS[name.toLowerCase()];
  if (!m) throw new UserError("unknown_metric", `--metric '${name}' cannot be tested; use one of ${Object.keys(TEST_METRICS).join(", ")}`);
  return { name: name.toLowerCase(), ...m };
}

/**
 * Compares the arms of a test (creatives, ad groups, placements, sources) on a ratio metric, from
 * per-unit sums in the store (one unit per day, placement, …), with the chosen statistics engine.
 * @example await runAbTest(store, { metric: "cpi", arms: "ad", unit: "day", filters: [campaign("Launch Q4")] })
 */
export async function runAbTest(store: Store, req: AbTestRequest): Promise<TestAnalysis> {
  const metric = testMetric(req.metric);
  if (req.arms === req.unit) throw new UserError("bad_usage", "--arms and --unit must be different dimensions");
  const from = req.from === undefined ? undefined : requireIsoDate(req.from, "--from");
  const to = req.to === undefined ? undefined : requireIsoDate(req.to, "--to");
  if (from && to) checkedRange(from, to);
  const period = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const analyze = (arms: TestArm[], warnings: string[], options: AnalyzeOptions): TestAnalysis => {
    const analysis = analyzeTest({
      metric: { name: metric.name, direction: metric.direction, numerator: metric.numerator, denominator: metric.denominator, ...(metric.name === "cpm" ? { scale: 1000 } : {}) },
      arms,
      ...(req.baseline ? { baseline: req.baseline } : {}),
      method: req.method ?? "frequentist",
      options: { ...req.options, ...options },
    });
    return { ...analysis, warnings: [...warnings, ...analysis.warnings] };
  };
  if (req.unit === "visitor") {
    const v = await visitorTestArms(store, { arms: req.arms, filters: req.filters, ...period, ...(req.currency ? { currency: req.currency } : {}) }, metric);
    if (v.arms.length < 2) throw tooFewArms(v.arms.map((a) => a.name), req.arms);
    return analyze(v.arms, v.warnings, { platformOptimised: false, driftCheck: false });
  }
  const unit = req.unit;
  // CTR and CVR need no money: without --currency, rows are read per currency and added up as counts,
  // so a store in several currencies needs no rates for them (only the arms' cost is then left out).
  const byCurrency = !req.currency && !needsMoney(metric);
  const report = await runReport(store, {
    metrics: ["cost"],
    dimensions: [req.arms, unit, "source", ...(byCurrency ? (["currency"] as const) : [])],
    filters: req.filters,
    ...period,
    ...(req.currency ? { currency: req.currency } : {}),
  });
  const warnings: string[] = [];
  const byArm = new Map<string, Map<string, Totals>>();
  const sources = new Set<string>();
  const currencies = new Set<string>();
  let ranged = 0;
  for (const row of report.rows) {
    const [arm = "", unit = "", source = "", currency = ""] = row.keys;
    if (currency !== "") currencies.add(currency);
    if (unit.includes("..")) {
      ranged++;
      continue;
    }
    sources.add(source);
    const units = byArm.get(arm) ?? new Map<string, Totals>();
    const t = units.get(unit);
    if (t) addTotals(t, row.totals);
    else units.set(unit, { ...row.totals });
    byArm.set(arm, units);
  }
  if (ranged) warnings.push(`${ranged} row(s) cover several ${req.unit}s and were left out: a test needs one value per unit`);
  if (byArm.size < 2) throw tooFewArms([...byArm.keys()], req.arms);
  const mixed = currencies.size > 1;
  if (mixed) warnings.push(mixedCostNote(metric.name, [...currencies]));
  const arms: TestArm[] = [...byArm].map(([name, units]) => {
    let cost = 0n;
    let impressions = 0;
    const list: TestUnit[] = [];
    for (const [key, t] of units) {
      cost += t.cost;
      impressions += t.impressions;
      list.push({ key, m: measureOf(t, metric.numerator), d: measureOf(t, metric.denominator) });
    }
    return { name: name || "(none)", units: list, ...(mixed ? {} : { cost: microsToUnits(cost) }), impressions };
  });
  const platformOptimised = (req.arms === "ad" || req.arms === "ad_group") && [...sources].some((s) => !SELF_SERVE.has(s));
  return analyze(arms, warnings, { platformOptimised, driftCheck: unit === "day" || unit === "week" });
}

function tooFewArms(names: string[], by: EntityDimension): UserError {
  return new UserError("too_few_arms", `found ${names.length} arm${names.length === 1 ? "" : "s"} (${names.join(", ") || "none"}) by ${by} for these filters: a test needs at least two`);
}

export interface PlanRequest {
  metric: string;
  baseline: number;
  dailyImpressions: number;
  mde: number;
  arms?: number;
  alpha?: number;
  power?: number;
  sequentialTuning?: number;
  /** Coefficient of variation of the daily metric per arm, used when there is no history. */
  cv?: number;
  /** Daily history (per day: numerator m, denominator d) to take the variance from. */
  history?: { m: number; d: number }[];
}

export interface PlanAnswer extends TestPlan {
  metric: string;
  baseline: number;
  mde: number;
  unit_variance: number;
  variance_from: string;
}

/**
 * How many days a test needs to detect a relative change `mde` at the given power, for fixed and
 * sequential designs. Units are days per arm. The per-arm daily variance comes from the user's own
 * daily history when given (scaled to the arm's share of impressions: the noise of a ratio shrinks
 * with its denominator), else from p(1−p)/n for rates per impression, else from `cv` (default 0.1).
 * @example planAbTest({ metric: "cpi", baseline: 0.012, dailyImpressions: 40000, mde: 0.1 }).fixed.days
 */
export function planAbTest(req: PlanRequest): PlanAnswer {
  const metric = testMetric(req.metric);
  checkPlanInputs(req, metric.name);
  const arms = req.arms ?? 2;
  const perArm = req.dailyImpressions / arms;
  let unitVariance: number;
  let from: string;
  const hist = req.history ? historyMoments(req.history) : null;
  if (hist && hist.unitVariance > 0 && req.history) {
    const avgD = req.history.reduce((s, u) => s + u.d, 0) / req.history.length;
    const scale = metric.denominator === "impressions" && perArm > 0 ? avgD / perArm : arms;
    const relVar = hist.unitVariance / (hist.mean * hist.mean);
    unitVariance = relVar * scale * req.baseline * req.baseline;
    from = `your history: ${hist.units} days, daily ${req.metric} varies by ${(Math.sqrt(relVar) * 100).toFixed(1)} % (scaled to ${Math.round(perArm).toLocaleString("en-US")} impressions per arm)`;
  } else if ((metric.name === "ctr" || metric.name === "cvr") && perArm > 0) {
    unitVariance = (req.baseline * (1 - req.baseline)) / perArm;
    from = `binomial: p(1−p)/n with n = ${Math.round(perArm).toLocaleString("en-US")} impressions per arm per day`;
  } else {
    const cv = req.cv ?? 0.1;
    unitVariance = (cv * req.baseline) ** 2;
    from = `assumed: daily ${req.metric} varies by ${(cv * 100).toFixed(0)} % (no history; set --cv or import daily data)`;
  }
  const plan = planTest({
    mean: req.baseline,
    unitVariance,
    unitsPerDay: arms,
    mde: req.mde,
    arms,
    ...(req.alpha ? { alpha: req.alpha } : {}),
    ...(req.power ? { power: req.power } : {}),
    ...(req.sequentialTuning ? { sequentialTuning: req.sequentialTuning } : {}),
  });
  return { ...plan, metric: metric.name, baseline: req.baseline, mde: req.mde, unit_variance: unitVariance, variance_from: from };
}

/** Inputs a plan cannot be made from are the user's to fix (exit 2), not a plan full of nulls. */
function checkPlanInputs(req: PlanRequest, metric: string): void {
  const bad = (message: string) => {
    throw new UserError("bad_number", message);
  };
  const alpha = req.alpha ?? 0.05;
  const power = req.power ?? 0.8;
  const arms = req.arms ?? 2;
  if (!(alpha > 0 && alpha < 0.5)) bad(`--alpha must be between 0 and 0.5, got ${alpha}`);
  if (!(power > alpha && power < 1)) bad(`--power must be between --alpha (${alpha}) and 1, e.g. 0.8, got ${power}`);
  if (!Number.isInteger(arms) || arms < 2) bad(`--arms must be a whole number of at least 2, got ${arms}`);
  if (!(req.baseline > 0)) bad(`--baseline must be greater than 0, got ${req.baseline}`);
  if ((metric === "ctr" || metric === "cvr") && req.baseline >= 1) bad(`--baseline for ${metric} is a rate and must be below 1 (e.g. 0.009 for 0.9 %), got ${req.baseline}`);
  if (!(req.dailyImpressions > 0)) bad(`--daily-impressions must be greater than 0, got ${req.dailyImpressions}`);
  if (!(req.mde > 0)) bad(`--mde must be greater than 0, got ${req.mde}`);
  if (req.sequentialTuning !== undefined && !(req.sequentialTuning > 0)) bad(`--tuning must be greater than 0, got ${req.sequentialTuning}`);
}

/** Daily (numerator, denominator) history for a metric under filters, for planAbTest. */
export async function dailyHistory(store: Store, metricName: string, filters: Filter[], from?: string, to?: string): Promise<{ m: number; d: number }[]> {
  const metric = testMetric(metricName);
  // Counts (CTR, CVR) are read per currency and added up by day: they need no rates.
  const dimensions = needsMoney(metric) ? (["day"] as const) : (["day", "currency"] as const);
  const report = await runReport(store, { metrics: ["cost"], dimensions: [...dimensions], filters, ...(from ? { from } : {}), ...(to ? { to } : {}) }).catch((e) => {
    if (e instanceof UserError && e.code === "mixed_currencies") return null;
    throw e;
  });
  if (!report) return [];
  const days = new Map<string, { m: number; d: number }>();
  for (const r of report.rows) {
    const day = r.keys[0] ?? "";
    if (day.includes("..")) continue;
    const u = days.get(day) ?? { m: 0, d: 0 };
    u.m += measureOf(r.totals, metric.numerator);
    u.d += measureOf(r.totals, metric.denominator);
    days.set(day, u);
  }
  return [...days.values()].filter((u) => u.d > 0);
}

// The verdict of a comparison in words, knowing the metric's direction: a lower CPI is a win.

export type Method = "frequentist" | "sequential" | "bayesian";

/** What a verdict needs to know about the metric. */
export interface VerdictMetric {
  /** How the metric is shown, e.g. "CPI". */
  readonly label: string;
  readonly direction: "lower" | "higher";
  /** True for prices (CPI, CPM, CPC, CPA): the winner is "cheaper", not "better". */
  readonly isCost: boolean;
}

export interface VerdictInput {
  readonly arm: string;
  readonly baseline: string;
  readonly metric: VerdictMetric;
  readonly method: Method;
  readonly alpha: number;
  readonly lift: number;
  readonly ci: readonly [number, number];
  /** Frequentist and sequential engines. */
  readonly pValue?: number | null;
  /** True when pValue is Holm-adjusted. */
  readonly adjusted?: boolean;
  /** Bayesian engine. */
  readonly chanceToWin?: number | null;
  readonly risk?: number | null;
}

/**
 * A signed percentage with one decimal (two below 1 %), a real minus sign and a space before "%".
 * @example formatPercent(-0.1234) // "−12.3 %"
 */
export function formatPercent(x: number): string {
  const v = x * 100;
  const digits = Math.abs(v) < 1 ? 2 : 1;
  const s = Math.abs(v).toFixed(digits);
  return `${v < 0 && Number(s) !== 0 ? "−" : ""}${s} %`;
}

/**
 * A p-value as "p = 0.0004", "p = 0.012", "p = 0.48", or "p < 0.0001".
 * @example formatPValue(0.00041) // "p = 0.0004"
 */
export function formatPValue(p: number): string {
  if (p < 0.0001) return "p < 0.0001";
  if (p < 0.001) return `p = ${p.toFixed(4)}`;
  if (p < 0.1) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toFixed(2)}`;
}

/** "95 %" for α = 0.05. @example confidenceLabel(0.1) // "90 %" */
export function confidenceLabel(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toFixed(2))} %`;
}

function winWord(metric: VerdictMetric, good: boolean): string {
  if (metric.isCost) return good ? "cheaper" : "more expensive";
  return good ? "better" : "worse";
}

/** "B's CPI is 12.3 % lower than A's". */
function describeLift(v: VerdictInput): string {
  const { arm, baseline, metric, lift } = v;
  if (lift === 0) return `${arm}'s ${metric.label} is the same as ${baseline}'s`;
  return `${arm}'s ${metric.label} is ${formatPercent(Math.abs(lift))} ${lift < 0 ? "lower" : "higher"} than ${baseline}'s`;
}

function interval(v: VerdictInput): string {
  const name = v.method === "bayesian" ? "credible interval" : v.method === "sequential" ? "always-valid CI" : "CI";
  return `${confidenceLabel(v.alpha)} ${name} ${formatPercent(v.ci[0])} to ${formatPercent(v.ci[1])}`;
}

/**
 * The verdict of one comparison in words.
 * @example verdictText({ arm: "B", baseline: "A", metric: { label: "CPI", direction: "lower", isCost: true }, method: "frequentist", alpha: 0.05, lift: -0.123, ci: [-0.181, -0.062], pValue: 0.0004 })
 * // "B's CPI is 12.3 % lower than A's (95 % CI −18.1 % to −6.2 %, p = 0.0004): B is cheaper"
 */
export function verdictText(v: VerdictInput): string {
  const good = v.metric.direction === "lower" ? v.lift < 0 : v.lift > 0;
  if (v.method === "bayesian") {
    const ctw = v.chanceToWin ?? 0.5;
    const chance = `${formatPercent(ctw).replace("−", "")} chance that ${v.arm} is ${winWord(v.metric, true)}`;
    const risk = v.risk === null || v.risk === undefined ? "" : `, risk ${formatPercent(v.risk)}`;
    const detail = `(${interval(v)}; ${chance}${risk})`;
    if (ctw >= 1 - v.alpha) return `${describeLift(v)} ${detail}: ${v.arm} is ${winWord(v.metric, true)}`;
    if (ctw <= v.alpha) return `${describeLift(v)} ${detail}: ${v.arm} is ${winWord(v.metric, false)}`;
    return `no clear winner yet: ${describeLift(v)} ${detail}`;
  }
  const p = v.pValue ?? 1;
  const detail = `(${interval(v)}, ${formatPValue(p)}${v.adjusted ? " Holm-adjusted" : ""})`;
  if (p < v.alpha && v.lift !== 0) return `${describeLift(v)} ${detail}: ${v.arm} is ${winWord(v.metric, good)}`;
  return `no significant difference yet: ${describeLift(v)} ${detail}`;
}

/**
 * The verdict when a comparison cannot be computed.
 * @example cannotCompareText("B", "A", "B has only 1 unit") // "cannot compare B with A: B has only 1 unit"
 */
export function cannotCompareText(arm: string, baseline: string, reason: string): string {
  return `cannot compare ${arm} with ${baseline}: ${reason}`;
}

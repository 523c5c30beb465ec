// How the flags of `cpi alerts add` become a raw rule (validated like a rule in the file), and how the
// validator's problems are named after the flags.
import { type AlertsConfig, type FieldIssue, nextRuleId } from "../../app/alerts/index.js";
import { UserError } from "../../domain/errors.js";

/** Flags of `cpi alerts add` by the rule field they set, for error messages. */
const FLAG_OF: Record<string, string> = {
  id: "--id",
  kind: "--kind",
  metric: "--metric",
  where: "--where",
  by: "--by",
  currency: "--currency",
  timezone: "--timezone",
  webhooks: "--webhook",
  direction: "--direction",
  score: "--score",
  weeks: "--weeks",
  min_history: "--min-history",
  min_impressions: "--min-impressions",
  min_effect: "--min-effect",
  operator: "--above/--below",
  value: "--above/--below",
  min_expected: "--min-expected",
  budget: "--budget",
  from: "--from",
  to: "--to",
  watch: "--watch",
  tolerance: "--tolerance",
  grace_days: "--grace-days",
  description: "--description",
};

/** The validator's issues as one error naming the flags. */
export function flagIssues(issues: FieldIssue[]): UserError {
  const lines = issues.map((i) => `${FLAG_OF[i.field.replace(/\[\d+\]$/, "")] ?? i.field}: ${i.message}`);
  return new UserError("bad_flag", lines.length === 1 ? (lines[0] as string) : `the rule has ${lines.length} problems:\n  ${lines.join("\n  ")}`, { issues });
}

/** A number flag kept as given when it is not a number, so the validator names it. */
function numberFlag(v: unknown): unknown {
  if (v === undefined) return undefined;
  const n = Number(String(v).replace(/%$/, "").trim());
  return String(v).trim() !== "" && Number.isFinite(n) ? n : v;
}

/** A limit as given: 0.1, or 10% for the same share (rates, the discrepancy). */
function limitFlag(v: unknown): unknown {
  const n = numberFlag(v);
  return typeof n === "number" && String(v).trim().endsWith("%") ? n / 100 : n;
}

/** The raw rule object `cpi alerts add` builds from its flags (validated like a rule in the file). */
export function ruleFromFlags(o: Record<string, unknown>, config: AlertsConfig): Record<string, unknown> {
  const kind = String(o.kind ?? "");
  const raw: Record<string, unknown> = { id: o.id ?? nextRuleId(config, kind, kind === "pacing" ? null : String(o.metric ?? (kind === "zero-delivery" ? "impressions" : "")) || null), kind };
  if (o.metric !== undefined) raw.metric = o.metric;
  if ((o.where as string[]).length > 0) raw.where = o.where;
  if (o.by !== undefined) raw.by = o.by;
  const copy: [string, string, boolean][] = [
    ["currency", "currency", false],
    ["timezone", "timezone", false],
    ["direction", "direction", false],
    ["score", "score", true],
    ["weeks", "weeks", true],
    ["minHistory", "min_history", true],
    ["minImpressions", "min_impressions", true],
    ["minExpected", "min_expected", true],
    ["graceDays", "grace_days", true],
    ["budget", "budget", false],
    ["from", "from", false],
    ["to", "to", false],
    ["watch", "watch", false],
    ["description", "description", false],
  ];
  for (const [flag, field, numeric] of copy) if (o[flag] !== undefined) raw[field] = numeric ? numberFlag(o[flag]) : o[flag];
  // Shares given as percentages on the command line: --tolerance 5, --min-effect 25.
  for (const [flag, field] of [
    ["tolerance", "tolerance"],
    ["minEffect", "min_effect"],
  ] as const) {
    if (o[flag] === undefined) continue;
    const t = numberFlag(o[flag]);
    raw[field] = typeof t === "number" ? t / 100 : t;
  }
  if (o.disabled) raw.enabled = false;
  if (o.above !== undefined && o.below !== undefined) throw new UserError("bad_flag", "use --above or --below, not both (two rules for a band)");
  if (o.above !== undefined) Object.assign(raw, { operator: ">", value: limitFlag(o.above) });
  if (o.below !== undefined) Object.assign(raw, { operator: "<", value: limitFlag(o.below) });
  if ((o.webhook as string[]).length > 0) raw.webhooks = o.webhook;
  return raw;
}

// Snoozes and mutes: a rule's alerts (all of its scopes, or those whose scope has given dimension
// values) are still judged and recorded, but not sent, until the snooze ends or the mute is removed.
import { UserError } from "../../domain/errors.js";
import type { AlertsConfig, Silence } from "./alert-rule.js";
import { parseInterval } from "./alert-schedule.js";
import type { FieldIssue } from "./validate-rule.js";

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Checks one silence as written in the rules file.
 * @example validateSilence({ id: "s1", rule: "cpi-up", scope: { campaign: "Brand" }, until: null, created_at: "2026-10-14T08:00:00.000Z" }, ["cpi-up"]).issues // []
 */
export function validateSilence(raw: Record<string, unknown>, ruleIds: readonly string[]): { silence: Silence | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const known = ["id", "rule", "scope", "until", "created_at", "note"];
  for (const key of Object.keys(raw)) if (!known.includes(key)) bad(key, `unknown field; known: ${known.join(", ")}`);
  if (typeof raw.id !== "string" || !ID.test(raw.id)) bad("id", `must be a name of letters, digits, '-', '_' or '.', got ${JSON.stringify(raw.id)}`);
  if (typeof raw.rule !== "string" || !ruleIds.includes(raw.rule)) bad("rule", `must name a rule of the file (${ruleIds.join(", ") || "none yet"}), got ${JSON.stringify(raw.rule)}`);
  const scope = raw.scope ?? {};
  if (typeof scope !== "object" || scope === null || Array.isArray(scope) || Object.values(scope).some((v) => typeof v !== "string")) {
    bad("scope", 'must be an object of dimension values like {"campaign": "Brand"}');
  }
  const until = raw.until ?? null;
  if (until !== null && (typeof until !== "string" || Number.isNaN(Date.parse(until)))) bad("until", `must be a time like 2026-10-20T08:00:00Z, or null for a mute; got ${JSON.stringify(until)}`);
  if (typeof raw.created_at !== "string" || Number.isNaN(Date.parse(raw.created_at))) bad("created_at", "must be a time like 2026-10-14T08:00:00Z");
  if (raw.note !== undefined && typeof raw.note !== "string") bad("note", "must be a string");
  if (issues.length > 0) return { silence: null, issues };
  const s: Silence = { id: raw.id as string, rule: raw.rule as string, scope: scope as Record<string, string>, until: until as string | null, created_at: raw.created_at as string };
  if (raw.note !== undefined) s.note = raw.note as string;
  return { silence: s, issues };
}

/**
 * The silence in force for an alert of `rule` on `scope` at `now`, or null: a mute, or a snooze not yet
 * over, whose scope values the alert's scope all has.
 * @example activeSilence(config.silences, "cpi-up", { campaign: "Brand" }, new Date()) // { id: "s1", until: null, … }
 */
export function activeSilence(silences: readonly Silence[], rule: string, scope: Record<string, string>, now: Date): Silence | null {
  for (const s of silences) {
    if (s.rule !== rule) continue;
    if (s.until !== null && Date.parse(s.until) <= now.getTime()) continue;
    if (Object.entries(s.scope).every(([d, v]) => scope[d] === v)) return s;
  }
  return null;
}

/** What `cpi alerts snooze|mute` and the API ask for. */
export interface SilenceRequest {
  rule: string;
  /** "campaign=Brand" filters, or an object of dimension values. */
  scope?: Record<string, string> | string[];
  /** A snooze: for this long ("3d", "12h") … */
  for?: string;
  /** … or until this time or day (a day means its end, UTC). Neither: a mute. */
  until?: string;
  note?: string;
}

/**
 * Adds a snooze (with `for` or `until`) or a mute (neither) to the config, with a fresh id.
 * @example withSilence(config, { rule: "cpi-up", scope: ["campaign=Brand"], for: "3d" }, new Date()).silence.until // three days from now
 */
export function withSilence(config: AlertsConfig, req: SilenceRequest, now: Date): { config: AlertsConfig; silence: Silence } {
  if (!config.rules.some((r) => r.id === req.rule)) throw new UserError("no_rule", `no rule named '${req.rule}' ('cpi alerts list' shows them)`);
  if (req.for !== undefined && req.until !== undefined) throw new UserError("bad_flag", "give --for or --until, not both");
  let until: string | null = null;
  if (req.for !== undefined) until = new Date(now.getTime() + parseInterval(req.for, "--for", 60_000)).toISOString();
  if (req.until !== undefined) {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(req.until) ? Date.parse(`${req.until}T23:59:59.999Z`) : Date.parse(req.until);
    if (Number.isNaN(t)) throw new UserError("bad_flag", `--until must be a day (2026-10-20) or a time (2026-10-20T08:00:00Z), got '${req.until}'`);
    if (t <= now.getTime()) throw new UserError("bad_flag", `--until ${req.until} is already past`);
    until = new Date(t).toISOString();
  }
  const scope: Record<string, string> = {};
  if (Array.isArray(req.scope)) {
    for (const part of req.scope) {
      const m = /^\s*([a-z_]+)\s*=(.*)$/.exec(part);
      if (!m) throw new UserError("bad_flag", `--scope must be DIMENSION=VALUE like campaign=Brand, got '${part}'`);
      scope[m[1] as string] = (m[2] as string).trim();
    }
  } else Object.assign(scope, req.scope ?? {});
  let n = config.silences.length + 1;
  while (config.silences.some((s) => s.id === `silence-${n}`)) n++;
  const silence: Silence = { id: `silence-${n}`, rule: req.rule, scope, until, created_at: now.toISOString(), ...(req.note ? { note: req.note } : {}) };
  return { config: { ...config, silences: [...config.silences, silence] }, silence };
}

/**
 * Removes a silence by id, or every silence of a rule when given a rule id.
 * @example withoutSilence(config, "silence-1").removed // 1
 */
export function withoutSilence(config: AlertsConfig, id: string): { config: AlertsConfig; removed: Silence[] } {
  const removed = config.silences.filter((s) => s.id === id || s.rule === id);
  if (removed.length === 0) throw new UserError("no_silence", `no snooze or mute named '${id}', nor any of a rule '${id}' ('cpi alerts list' shows them)`);
  return { config: { ...config, silences: config.silences.filter((s) => !removed.includes(s)) }, removed };
}

/**
 * Turns a rule on or off (a rule off stays in the file; checks skip it).
 * @example withRuleEnabled(config, "cpi-up", false).rules[0].enabled // false
 */
export function withRuleEnabled(config: AlertsConfig, id: string, enabled: boolean): AlertsConfig {
  if (!config.rules.some((r) => r.id === id)) throw new UserError("no_rule", `no rule named '${id}' ('cpi alerts list' shows them)`);
  return {
    ...config,
    rules: config.rules.map((r) => {
      if (r.id !== id) return r;
      const { enabled: _was, ...rest } = r;
      return (enabled ? rest : { ...rest, enabled: false }) as typeof r;
    }),
  };
}

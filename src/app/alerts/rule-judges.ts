// How every kind of rule is judged, day by day, on data read once: a rule's series are read for a
// window of days (one store query per rule, whatever the number of days), and each scope gets a
// `judge(i)` that says what the rule says as of day i. A check asks one day (and walks back for the
// episode's first day); a backtest asks every day of its range.
import type { CampaignStatus } from "../../domain/campaign-status.js";
import type { IsoDate } from "../../domain/dates.js";
import { parseFilter } from "../../domain/query.js";
import type { Store } from "../../store/store.js";
import { runReport } from "../report.js";
import type { AlertRule, AlertsConfig } from "./alert-rule.js";
import { discrepancyRuleJudges, isDiscrepancyRule } from "./discrepancy-rule.js";
import { metricRuleJudges } from "./metric-rule.js";
import { pacingRuleJudges } from "./pacing-rule.js";
import type { JudgeContext, RuleJudges } from "./scope-judge.js";

/**
 * Reads what a rule needs to judge every day from `from` to `to` (and the history and episode days
 * before), and returns a judge per scope.
 * @example const { scopes } = await ruleJudges(store, rule, "2026-10-01", "2026-10-31", ctx); scopes[0].judge(scopes[0].days.length - 1).fired
 */
export async function ruleJudges(store: Store, rule: AlertRule, from: IsoDate, to: IsoDate, ctx: JudgeContext): Promise<RuleJudges> {
  if (rule.kind === "pacing") return pacingRuleJudges(store, rule, from, to);
  if (isDiscrepancyRule(rule)) return discrepancyRuleJudges(store, rule, from, to);
  return metricRuleJudges(store, rule, from, to, ctx);
}

/**
 * Sources with any reported row per day from `from` to `to` (one query).
 * @example (await sourcesByDay(store, "2026-10-01", "2026-10-14")).get("2026-10-14") // Set { "google-ads", "meta" }
 */
export async function sourcesByDay(store: Store, from: IsoDate, to: IsoDate): Promise<Map<IsoDate, Set<string>>> {
  const r = await runReport(store, { metrics: ["impressions"], dimensions: ["day", "source", "currency"], filters: [], from, to });
  const out = new Map<IsoDate, Set<string>>();
  for (const row of r.rows) {
    const day = row.keys[0] ?? "";
    if (day.includes("..")) continue;
    const set = out.get(day) ?? new Set<string>();
    set.add(row.keys[1] ?? "");
    out.set(day, set);
  }
  return out;
}

/**
 * When campaigns stop being expected to deliver: their platform exports mark them paused or ended
 * (Campaign status, Delivery status), or the last day of their direct-buy contracts (every contract
 * of the campaign, or of its placement, over) and of their flights (the pacing rules naming them with
 * campaign=NAME) has passed. Such a campaign is "ended", not "stopped delivering".
 * @example (await endedCampaigns(store, config))("Launch Q4", null, "2026-11-20") // "its contract ended on 2026-11-15"
 */
export async function endedCampaigns(store: Store, config: AlertsConfig): Promise<JudgeContext["ended"]> {
  const contracts = await store.contracts();
  const statuses = await store.campaignStatuses();
  const flights = new Map<string, IsoDate>();
  for (const r of config.rules) {
    if (r.kind !== "pacing") continue;
    for (const w of r.where) {
      const f = safeFilter(w);
      if (f?.dimension === "campaign" && f.op === "eq" && f.values.length === 1) {
        const name = f.values[0] as string;
        if ((flights.get(name) ?? "") < r.to) flights.set(name, r.to);
      }
    }
  }
  return (campaign, placement, day) => {
    // The platforms' own word: every export that names the campaign says it is paused or over.
    const said = statuses.filter((s) => s.campaign === campaign);
    if (said.length > 0 && said.every((s) => s.state !== "active")) {
      const s = said.sort((a, b) => (a.as_of < b.as_of ? 1 : -1))[0] as CampaignStatus;
      return `the ${s.source} export of ${s.as_of} marks it ${s.reported} (${s.state})`;
    }
    const mine = contracts.filter((c) => c.campaign === campaign && (placement === null || c.placement === "" || c.placement === placement));
    const contractEnd = mine.length > 0 ? mine.map((c) => c.to).sort().at(-1) : undefined;
    const flightEnd = flights.get(campaign);
    const reasons: [IsoDate, string][] = [];
    if (contractEnd !== undefined && contractEnd < day) reasons.push([contractEnd, `its contract ended on ${contractEnd}`]);
    if (flightEnd !== undefined && flightEnd < day) reasons.push([flightEnd, `its flight ended on ${flightEnd}`]);
    // Ended only when nothing of it is still running: a later contract or flight means it should deliver.
    if ((contractEnd !== undefined && contractEnd >= day) || (flightEnd !== undefined && flightEnd >= day)) return null;
    return reasons.sort((a, b) => (a[0] < b[0] ? 1 : -1))[0]?.[1] ?? null;
  };
}

function safeFilter(w: string) {
  try {
    return parseFilter(w);
  } catch {
    return null;
  }
}

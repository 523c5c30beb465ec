// Meta's usage headers, read on every answer: when any limit is nearly used up, the connector pauses
// before its next call instead of running into throttling errors (Airbyte pauses above 95 %).
// Headers: x-business-use-case-usage, x-ad-account-usage, x-app-usage, x-fb-ads-insights-throttle.

/** Usage (percent) at which the connector pauses. */
export const PAUSE_AT_PERCENT = 95;

export interface Usage {
  /** The highest percentage any header reports. */
  percent: number;
  /** How long Meta says regaining access takes, when it says (ms). */
  regainMs: number | undefined;
  /** Which header reported the highest percentage. */
  header: string;
}

function parse(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const PERCENT_KEYS = ["call_count", "total_cputime", "total_time", "acc_id_util_pct", "app_id_util_pct"];

/**
 * The highest usage Meta's headers report, and how long it says regaining access takes.
 * @example usageOf(new Headers({ "x-app-usage": '{"call_count":97}' })).percent // 97
 */
export function usageOf(headers: Headers): Usage {
  let percent = 0;
  let regainMs: number | undefined;
  let header = "";
  const seen = (value: unknown, name: string) => {
    if (!value || typeof value !== "object") return;
    const o = value as Record<string, unknown>;
    for (const k of PERCENT_KEYS) {
      const p = Number(o[k]);
      if (Number.isFinite(p) && p > percent) {
        percent = p;
        header = name;
      }
    }
    const minutes = Number(o.estimated_time_to_regain_access);
    if (Number.isFinite(minutes) && minutes > 0) regainMs = Math.max(regainMs ?? 0, minutes * 60_000);
    const seconds = Number(o.reset_time_duration);
    if (Number.isFinite(seconds) && seconds > 0 && Number(o.acc_id_util_pct) >= PAUSE_AT_PERCENT) regainMs = Math.max(regainMs ?? 0, seconds * 1000);
  };
  const buc = parse(headers.get("x-business-use-case-usage"));
  if (buc && typeof buc === "object") for (const list of Object.values(buc)) if (Array.isArray(list)) for (const entry of list) seen(entry, "x-business-use-case-usage");
  seen(parse(headers.get("x-ad-account-usage")), "x-ad-account-usage");
  seen(parse(headers.get("x-app-usage")), "x-app-usage");
  seen(parse(headers.get("x-fb-ads-insights-throttle")), "x-fb-ads-insights-throttle");
  return { percent, regainMs, header };
}

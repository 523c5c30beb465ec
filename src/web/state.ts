// What every view shares: the period, the reporting currency, the catalogue; kept in the URL's hash
// (#/view?from=…&to=…&currency=…) so a view can be bookmarked and reloaded.
import type { MetricInfo } from "./format.js";
import type { Catalogue, Extent, Session } from "./types.js";

export interface Route {
  view: string;
  params: URLSearchParams;
}

export interface AppState {
  from: string;
  to: string;
  currency: string;
  extent: Extent;
  catalogue: Catalogue;
  session: Session;
}

/** The route of a hash: "#/compare?from=…" → { view: "compare", params }. */
export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, "");
  const q = h.indexOf("?");
  const view = (q < 0 ? h : h.slice(0, q)) || "overview";
  return { view, params: new URLSearchParams(q < 0 ? "" : h.slice(q + 1)) };
}

/**
 * The hash for a view with the shared state and view parameters: empty values are left out, unless
 * `keepEmpty` (a drill-down path where "" is the "(none)" value); an array repeats the parameter.
 */
export function hashOf(view: string, s: Pick<AppState, "from" | "to" | "currency">, extra: Record<string, string | readonly string[] | undefined> = {}, keepEmpty = false): string {
  const p = new URLSearchParams();
  p.set("from", s.from);
  p.set("to", s.to);
  if (s.currency) p.set("currency", s.currency);
  for (const [k, v] of Object.entries(extra)) {
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else if (v !== undefined && (v !== "" || keepEmpty)) p.set(k, v as string);
  }
  return `#/${view}?${p.toString()}`;
}

/** The same address with another period and currency, every other parameter kept (repeated ones too). */
export function hashWith(hash: string, s: Pick<AppState, "from" | "to" | "currency">): string {
  const r = parseHash(hash);
  const p = new URLSearchParams();
  p.set("from", s.from);
  p.set("to", s.to);
  if (s.currency) p.set("currency", s.currency);
  for (const [k, v] of r.params) if (k !== "from" && k !== "to" && k !== "currency") p.append(k, v);
  return `#/${r.view}?${p.toString()}`;
}

/**
 * The period to show once the store holds other days (after an import), or null to keep it: a
 * preset period (the default "Last 30 days" among them) moves with the data, and a period that no
 * longer overlaps the data is reset to the last 30 days.
 */
export function periodAfter(before: Pick<Extent, "first_day" | "last_day">, after: Pick<Extent, "first_day" | "last_day">, from: string, to: string): { from: string; to: string } | null {
  if (after.first_day === null || after.last_day === null) return null;
  if (before.first_day === after.first_day && before.last_day === after.last_day) return null;
  const fresh = presets(after.last_day, after.first_day);
  const was = before.last_day === null ? "30d" : presets(before.last_day, before.first_day ?? before.last_day).find((p) => p.from === from && p.to === to)?.id;
  const same = fresh.find((p) => p.id === (was ?? ""));
  if (same) return { from: same.from, to: same.to };
  if (to < after.first_day || from > after.last_day) {
    const d = fresh.find((p) => p.id === "30d") as { from: string; to: string };
    return { from: d.from, to: d.to };
  }
  return null;
}

/** A date as the URL and the API write it (YYYY-MM-DD, a real day). */
export function isIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === v;
}

/** What is wrong with the address's period, in words, or null when it is usable. */
export function periodProblem(from: string | null, to: string | null): string | null {
  for (const [k, v] of [["from", from], ["to", to]] as const) {
    if (v !== null && !isIsoDate(v)) return `The address gives ${k}=${v}, which is not a date: write it as YYYY-MM-DD (e.g. 2026-11-01).`;
  }
  if (from !== null && to !== null && from > to) return `The address's period starts after it ends (from ${from}, to ${to}): from must be on or before to.`;
  return null;
}

/**
 * Replaces the address without a new render (a control whose value is kept in the URL). False, and
 * nothing changed, when the page has moved on to another view meanwhile (a late, debounced update).
 */
export function rememberInUrl(hash: string): boolean {
  if (parseHash(hash).view !== parseHash(location.hash).view) return false;
  if (hash === location.hash) return true;
  history.replaceState(null, "", hash);
  // The page still shows what this address asks for: tests and scripts wait on this attribute.
  document.body.dataset.rendered = location.hash;
  return true;
}

/** The metric's catalogue entry. */
export function metricInfo(s: AppState, name: string): MetricInfo | undefined {
  return s.catalogue.metrics.find((m) => m.name === name);
}

const DAY = 86_400_000;

/** Day arithmetic on ISO dates (UTC, no time zone involved). @example addDays("2026-10-01", -1) // "2026-09-30" */
export function addDays(iso: string, n: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;
}

/** The period of the same length just before. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const n = daysBetween(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

/** Date-range presets, anchored on the last day with data (a store is often behind today). */
export function presets(last: string, first: string): { id: string; label: string; from: string; to: string }[] {
  const monthStart = `${last.slice(0, 8)}01`;
  const prevMonthEnd = addDays(monthStart, -1);
  return [
    { id: "7d", label: "Last 7 days", from: addDays(last, -6), to: last },
    { id: "30d", label: "Last 30 days", from: addDays(last, -29), to: last },
    { id: "90d", label: "Last 90 days", from: addDays(last, -89), to: last },
    { id: "mtd", label: "Month to date", from: monthStart, to: last },
    { id: "lm", label: "Previous month", from: `${prevMonthEnd.slice(0, 8)}01`, to: prevMonthEnd },
    { id: "all", label: "All data", from: first, to: last },
  ];
}

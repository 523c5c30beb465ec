import { UserError } from "./errors.js";

/** Relative change of a current value against a baseline: (a − b) / b, or null when b is 0. @example relativeChange(0.01, 0.015) // -0.3333… */
export function relativeChange(current: number, baseline: number): number | null {
  return baseline === 0 ? null : (current - baseline) / baseline;
}

/**
 * How many more impressions a budget buys at `cpi` than at `baselineCpi`.
 * @example extraImpressions(5000, 0.01, 0.015) // 166666.67 (500,000 − 333,333.33)
 */
export function extraImpressions(budget: number, cpi: number, baselineCpi: number): number | null {
  if (cpi <= 0 || baselineCpi <= 0) return null;
  return budget / cpi - budget / baselineCpi;
}

/**
 * A plain-words verdict on a CPI change: "CPI 33.3 % lower: more cost-efficient".
 * @example cpiVerdict(-0.3333) // "CPI 33.3 % lower: more cost-efficient"
 */
export function cpiVerdict(change: number | null): string {
  if (change === null) return "no baseline CPI to compare with";
  const pct = Math.abs(change * 100).toFixed(1);
  if (pct === "0.0") return "CPI unchanged: equally cost-efficient";
  return change < 0 ? `CPI ${pct} % lower: more cost-efficient` : `CPI ${pct} % higher: less cost-efficient`;
}

/** Checks a user-given amount is a finite number ≥ 0 (or > 0 when `positive`). @example requireAmount("5000", "--cost") // 5000 */
export function requireAmount(text: string | number, what: string, positive = false): number {
  const n = typeof text === "number" ? text : Number(String(text).trim().replace(/_/g, ""));
  if (typeof text === "string" && text.trim() === "") throw new UserError("bad_number", `${what} needs a number`);
  if (!Number.isFinite(n)) throw new UserError("bad_number", `${what} must be a number, got '${text}'`);
  if (n < 0 || (positive && n === 0)) throw new UserError("bad_number", `${what} must be ${positive ? "greater than 0" : "0 or more"}, got ${text}`);
  return n;
}

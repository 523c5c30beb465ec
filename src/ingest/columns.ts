import { normaliseHeader } from "./header.js";

/** What a platform column means to cpi. */
export type Role =
  | "date"
  | "date_start"
  | "date_end"
  | "account_id"
  | "account_name"
  | "campaign_id"
  | "campaign"
  | "ad_group_id"
  | "ad_group"
  | "ad_id"
  | "ad"
  | "placement"
  | "country"
  | "device"
  | "age"
  | "gender"
  | "currency"
  | "timezone"
  | "cost"
  | "cost_micros"
  | "impressions"
  | "clicks"
  | "conversions"
  | "revenue"
  | "revenue_micros"
  | "viewable_impressions"
  | "measurable_impressions"
  | "reach"
  | "frequency"
  /** The campaign's status on any row ("Campaign status": Enabled, Paused, Removed). */
  | "campaign_status"
  /** The row's own entity's status (Meta's "Delivery status"): the campaign's on campaign rows only. */
  | "delivery_status";

/** A header a role may have: a normalised name, or a pattern whose first group (if any) is a currency code. */
export type Alias = string | RegExp;
export type AliasTable = Partial<Record<Role, readonly Alias[]>>;

export interface Columns {
  /** Column index of each role found. */
  index: Partial<Record<Role, number>>;
  /** Header of each role found, as written in the file (trimmed). */
  name: Partial<Record<Role, string>>;
  /** A currency code read from a header such as "Amount spent (GBP)", upper case, or null. */
  headerCurrency: string | null;
}

/**
 * Finds each role's column: the first alias (in the table's order of preference) that some header
 * matches wins.
 * @example resolveColumns(["Day", "Impr."], { date: ["day"], impressions: ["impr."] }).index // { date: 0, impressions: 1 }
 */
export function resolveColumns(header: readonly string[], aliases: AliasTable): Columns {
  const norm = header.map(normaliseHeader);
  const cols: Columns = { index: {}, name: {}, headerCurrency: null };
  for (const [role, list] of Object.entries(aliases) as [Role, readonly Alias[]][]) {
    for (const alias of list) {
      let at = -1;
      let currency: string | undefined;
      if (typeof alias === "string") at = norm.indexOf(alias);
      else {
        at = norm.findIndex((h) => alias.test(h));
        if (at >= 0) currency = alias.exec(norm[at] as string)?.[1];
      }
      if (at < 0) continue;
      cols.index[role] = at;
      cols.name[role] = (header[at] as string).replace(/^\ufeff/, "").trim();
      if (currency && (role === "cost" || role === "revenue") && /^[a-z]{3}$/.test(currency)) {
        cols.headerCurrency ??= currency.toUpperCase();
      }
      break;
    }
  }
  return cols;
}

/** The plain-name aliases of a table, for the header-row search. @example aliasNames({ cost: ["cost", /x/] }) // ["cost"] */
export function aliasNames(...tables: AliasTable[]): string[] {
  const out: string[] = [];
  for (const table of tables) for (const list of Object.values(table)) for (const a of list) if (typeof a === "string") out.push(a);
  return out;
}

/** True when some pattern alias of the tables matches. @example aliasPatternsMatch("amount spent (usd)", { cost: [/^amount spent \((\w{3})\)$/] }) // true */
export function aliasPatternsMatch(normalised: string, ...tables: AliasTable[]): boolean {
  for (const table of tables) for (const list of Object.values(table)) for (const a of list) if (typeof a !== "string" && a.test(normalised)) return true;
  return false;
}

/** Normalised names of a header row, as a set. @example headerSet(["Impr.", "Cost"]).has("impr.") // true */
export function headerSet(header: readonly string[]): Set<string> {
  return new Set(header.map(normaliseHeader));
}

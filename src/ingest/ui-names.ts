// Column names as each platform's UI writes them in its languages, kept as data: a table per
// platform (src/ingest/platforms/names/), each name marked with where it was seen. These helpers
// turn a table into the alias lists the parsers resolve columns with, and tell a header's language.
import type { Alias, AliasTable, Role } from "./columns.js";
import type { DateOrder } from "./locale-date.js";
import type { DecimalMark } from "./locale-number.js";

/** The UI languages the tables cover, and "api" for machine names (API fields, connectors). */
export const UI_LANGUAGES = ["en", "pt", "es", "fr", "de", "it", "nl", "pl", "tr", "id", "ja"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export type NameLanguage = UiLanguage | "api";

/**
 * One role's names by language. A name is written normalised (lower case, single spaces); one
 * ending in "?" could not be confirmed in a real export, a third-party importer or the platform's
 * own help, and is kept as the platform's likely translation.
 */
export type NamesByLanguage = Partial<Record<NameLanguage, readonly string[]>>;

/** A platform's table: per role, tiers of names in order of preference (link clicks before all clicks). */
export interface UiNameTable {
  platform: string;
  /** Where each language's names come from, for the docs and for whoever extends the table. */
  sources: Partial<Record<NameLanguage, string>>;
  roles: Partial<Record<Role, NamesByLanguage | readonly NamesByLanguage[]>>;
}

/** A name as written in a table, without its "unconfirmed" mark. @example bareName("wyśw.?") // "wyśw." */
export function bareName(written: string): string {
  return written.endsWith("?") ? written.slice(0, -1) : written;
}

function tiers(value: NamesByLanguage | readonly NamesByLanguage[]): readonly NamesByLanguage[] {
  return Array.isArray(value) ? value : [value as NamesByLanguage];
}

const ORDER: readonly NameLanguage[] = [...UI_LANGUAGES, "api"];

/**
 * The alias table of a names table: per role, every name of every tier (in tier order, then
 * language order), then the `extra` aliases (patterns, machine names).
 * @example aliasesOf(GOOGLE_ADS_NAMES).impressions // ["impr.", "impressions", "impressões", …]
 */
export function aliasesOf(table: UiNameTable, extra: AliasTable = {}): AliasTable {
  const out: Partial<Record<Role, Alias[]>> = {};
  for (const [role, value] of Object.entries(table.roles) as [Role, NamesByLanguage | readonly NamesByLanguage[]][]) {
    const list: Alias[] = [];
    for (const tier of tiers(value)) for (const lang of ORDER) for (const n of tier[lang] ?? []) if (!list.includes(bareName(n))) list.push(bareName(n));
    out[role] = list;
  }
  for (const [role, list] of Object.entries(extra) as [Role, readonly Alias[]][]) out[role] = [...(out[role] ?? []), ...list];
  return out;
}

/** The names of one tier of a role (0: the preferred names), in every language. @example tierNames(GOOGLE_ADS_NAMES, "clicks", 1) // ["interactions", "interações", …] */
export function tierNames(table: UiNameTable, role: Role, tier: number): string[] {
  const value = table.roles[role];
  const names = value ? tiers(value)[tier] : undefined;
  if (!names) return [];
  return ORDER.flatMap((lang) => (names[lang] ?? []).map(bareName));
}

/** Names of some roles of a table, in every language. @example namesOf(TIKTOK_NAMES, ["date"]) // ["by day", …] */
export function namesOf(table: UiNameTable, roles: readonly Role[]): string[] {
  const out: string[] = [];
  for (const role of roles) {
    const value = table.roles[role];
    if (value) for (const tier of tiers(value)) for (const lang of ORDER) for (const n of tier[lang] ?? []) out.push(bareName(n));
  }
  return out;
}

/**
 * True when a header (normalised names) has a name, in any language, for each of `roles`.
 * @example hasEveryRole(MICROSOFT_NAMES, new Set(["kampagne", "ausgaben", "impr."]), ["cost", "impressions"]) // true
 */
export function hasEveryRole(table: UiNameTable, names: ReadonlySet<string>, roles: readonly Role[]): boolean {
  return roles.every((role) => namesOf(table, [role]).some((n) => names.has(n)));
}

/**
 * The UI language whose names a header uses most (normalised names), or null when none of the
 * table's UI names is there (API output, another platform's file). Ties go to the earlier language.
 * @example headerLanguage(GOOGLE_ADS_NAMES, ["campanha", "impressões", "custo"]) // "pt"
 */
export function headerLanguage(table: UiNameTable, normalised: readonly string[]): UiLanguage | null {
  const names = new Set(normalised);
  let best: UiLanguage | null = null;
  let bestHits = 0;
  for (const lang of UI_LANGUAGES) {
    let hits = 0;
    for (const value of Object.values(table.roles)) {
      if (!value) continue;
      for (const tier of tiers(value)) for (const n of tier[lang] ?? []) if (names.has(bareName(n))) hits++;
    }
    // A name shared with English ("impr.", "conversions") counts for both: English wins a tie.
    if (hits > bestHits) {
      best = lang;
      bestHits = hits;
    }
  }
  return best;
}

/** How a UI language writes numbers and numeric dates, before the data says otherwise. */
export function localeHints(lang: UiLanguage | null): { decimal: DecimalMark; dateOrder: DateOrder } {
  if (lang === null || lang === "en") return { decimal: ".", dateOrder: "mdy" };
  if (lang === "ja") return { decimal: ".", dateOrder: "ymd" };
  return { decimal: ",", dateOrder: "dmy" };
}

/** Every name of a table marked unconfirmed, with its role and language (for the docs page). */
export function unconfirmedNames(table: UiNameTable): { role: Role; lang: NameLanguage; name: string }[] {
  const out: { role: Role; lang: NameLanguage; name: string }[] = [];
  for (const [role, value] of Object.entries(table.roles) as [Role, NamesByLanguage | readonly NamesByLanguage[]][]) {
    for (const tier of tiers(value)) for (const lang of ORDER) for (const n of tier[lang] ?? []) if (n.endsWith("?")) out.push({ role, lang, name: bareName(n) });
  }
  return out;
}

/**
 * How far a table covers each UI language: "seen" when some of its cost, impressions or campaign
 * names are confirmed, "unconfirmed" when it has only unconfirmed ones, "none" without names.
 * @example languageCoverage(GOOGLE_ADS_NAMES).pt // "seen"
 */
export function languageCoverage(table: UiNameTable): Record<UiLanguage, "seen" | "unconfirmed" | "none"> {
  const out = {} as Record<UiLanguage, "seen" | "unconfirmed" | "none">;
  for (const lang of UI_LANGUAGES) {
    const names: string[] = [];
    for (const role of ["cost", "impressions", "campaign"] as const) {
      const value = table.roles[role];
      if (value) for (const tier of tiers(value)) names.push(...(tier[lang] ?? []));
    }
    out[lang] = names.length === 0 ? "none" : names.some((n) => !n.endsWith("?")) ? "seen" : "unconfirmed";
  }
  return out;
}

import type { AliasTable } from "../columns.js";
import { withMicrosNames } from "../money-unit.js";
import { aliasesOf, bareName, namesOf } from "../ui-names.js";
import { META_NAMES } from "./names/meta-names.js";

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Money headers carry the currency: "Amount spent (GBP)", "Amount spent (LKR) (LKR)", or none. */
const money = (names: readonly string[]) => names.map((n) => new RegExp(`^${escaped(n)}(?: \\((\\w{3})\\))+$|^${escaped(n)}$`));

/**
 * Meta Ads Manager export headers, normalised, in every UI language of names/meta-names.ts (the
 * table says where each name was seen). Money headers become patterns that read the currency.
 */
export const META_ALIASES: AliasTable = (() => {
  const { cost: _cost, revenue: _revenue, ...names } = META_NAMES.roles;
  return withMicrosNames(aliasesOf({ ...META_NAMES, roles: names }, { cost: money(namesOf(META_NAMES, ["cost"])), revenue: money(namesOf(META_NAMES, ["revenue"])) }));
})();

/** The Platform column of a placement breakdown (Facebook, Instagram…), in the UI languages read. */
export const META_PLATFORM_HEADERS: readonly string[] = (() => {
  const tiers = META_NAMES.roles.placement as readonly Record<string, readonly string[] | undefined>[];
  return [...new Set(Object.values(tiers[1] ?? {}).flatMap((names) => (names ?? []).map(bareName)))];
})();

/** Breakdown columns that exist only in exports split by them (their cells are empty on the summary row). */
export const META_EXTRA_DIMENSIONS = [
  "region",
  "dma region",
  ...META_PLATFORM_HEADERS,
  "device platform",
  "impression device",
  "région",
  "región",
  "região",
  "regione",
  "wilayah",
  "regio",
  "bölge",
];

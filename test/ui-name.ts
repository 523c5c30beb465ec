import type { Role } from "../src/ingest/columns.js";
import { bareName, type NamesByLanguage, type UiLanguage, type UiNameTable } from "../src/ingest/ui-names.js";

/** The first name cpi's table gives `role` in `lang`, as an export's header writes it. */
export function uiName(table: UiNameTable, role: Role, lang: UiLanguage): string {
  const value = table.roles[role];
  const tiers = (Array.isArray(value) ? value : [value]) as NamesByLanguage[];
  const name = tiers.map((t) => t[lang]?.[0]).find((n) => n !== undefined);
  if (!name) throw new Error(`${table.platform} has no '${role}' name in ${lang}`);
  const bare = bareName(name);
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

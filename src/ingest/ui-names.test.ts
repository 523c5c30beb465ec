import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { normaliseHeader } from "./header.js";
import { AMAZON_NAMES } from "./platforms/names/amazon-names.js";
import { GOOGLE_ADS_NAMES } from "./platforms/names/google-ads-names.js";
import { LINKEDIN_NAMES } from "./platforms/names/linkedin-names.js";
import { META_NAMES } from "./platforms/names/meta-names.js";
import { MICROSOFT_NAMES } from "./platforms/names/microsoft-names.js";
import { TIKTOK_NAMES } from "./platforms/names/tiktok-names.js";
import { aliasesOf, bareName, headerLanguage, languageCoverage, type NamesByLanguage, UI_LANGUAGES, type UiNameTable, unconfirmedNames } from "./ui-names.js";

const TABLES: UiNameTable[] = [GOOGLE_ADS_NAMES, META_NAMES, LINKEDIN_NAMES, TIKTOK_NAMES, AMAZON_NAMES, MICROSOFT_NAMES];

function eachName(table: UiNameTable, fn: (role: string, name: string) => void): void {
  for (const [role, value] of Object.entries(table.roles)) {
    const tiers = (Array.isArray(value) ? value : [value]) as NamesByLanguage[];
    for (const tier of tiers) for (const names of Object.values(tier)) for (const n of names ?? []) fn(role, n);
  }
}

test("every name of every table is written as headers are compared (normalised), and says where its language comes from", () => {
  for (const table of TABLES) {
    eachName(table, (role, written) => assert.equal(normaliseHeader(bareName(written)), bareName(written), `${table.platform} ${role}: '${written}'`));
    for (const lang of UI_LANGUAGES) assert.ok(table.sources[lang], `${table.platform}: no source for ${lang}`);
  }
});

test("a name means one thing on its platform: no header is read as two roles", () => {
  for (const table of TABLES) {
    const roleOf = new Map<string, string>();
    eachName(table, (role, written) => {
      const name = bareName(written);
      const seen = roleOf.get(name);
      assert.ok(seen === undefined || seen === role, `${table.platform}: '${name}' is both ${seen} and ${role}`);
      roleOf.set(name, role);
    });
  }
});

test("Google Ads and Meta name their measures and campaigns in every UI language, both forms of impressions where Google abbreviates", () => {
  for (const table of [GOOGLE_ADS_NAMES, META_NAMES]) {
    for (const role of ["campaign", "cost", "impressions", "clicks", "date"] as const) {
      const value = table.roles[role];
      const tiers = (Array.isArray(value) ? value : [value]) as NamesByLanguage[];
      for (const lang of UI_LANGUAGES) assert.ok(tiers.some((t) => (t[lang]?.length ?? 0) > 0), `${table.platform} ${role}: no ${lang} name`);
    }
  }
  const impressions = aliasesOf(GOOGLE_ADS_NAMES).impressions ?? [];
  for (const name of ["impr.", "impressões", "impresiones", "impressions", "impressionen", "impressioni", "vertoningen", "verton.", "wyświetlenia", "gösterim", "tayangan", "表示回数"]) {
    assert.ok(impressions.includes(name), name);
  }
  // The unconfirmed names are listed, so the docs can say which they are.
  assert.ok(unconfirmedNames(GOOGLE_ADS_NAMES).some((u) => u.name === "wyśw." && u.lang === "pl"));
});

test("a header's UI language is the one most of its names belong to", () => {
  const lang = (table: UiNameTable, header: string[]) => headerLanguage(table, header.map(normaliseHeader));
  assert.equal(lang(GOOGLE_ADS_NAMES, ["Campanha", "Impressões", "Custo", "Código da moeda"]), "pt");
  assert.equal(lang(GOOGLE_ADS_NAMES, ["Campaign", "Impr.", "Cost", "Currency code"]), "en");
  assert.equal(lang(GOOGLE_ADS_NAMES, ["Kampagne", "Impr.", "Kosten", "Währungscode"]), "de");
  assert.equal(lang(GOOGLE_ADS_NAMES, ["キャンペーン", "表示回数", "費用"]), "ja");
  assert.equal(lang(META_NAMES, ["Nazwa kampanii", "Wyświetlenia", "Zasięg"]), "pl");
  assert.equal(lang(META_NAMES, ["date_start", "spend", "impressions"]), "en");
  assert.equal(lang(META_NAMES, ["x", "y"]), null);
});

test("docs/import-formats.md shows each table's languages as the tables have them", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../docs/import-formats.md"), "utf8");
  const mark = { seen: "✓", unconfirmed: "~", none: "—" } as const;
  assert.ok(doc.includes(`| Platform | ${UI_LANGUAGES.join(" | ")} |`), "the header lists the languages");
  for (const table of TABLES) {
    const coverage = languageCoverage(table);
    const line = `| ${table.platform} | ${UI_LANGUAGES.map((l) => mark[coverage[l]]).join(" | ")} |`;
    assert.ok(doc.includes(line), `docs/import-formats.md should have: ${line}`);
  }
});

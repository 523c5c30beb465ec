// Exports of Microsoft Advertising and Amazon Ads in a UI language other than English have none of
// the English-only columns cpi recognises those platforms by, so the user names the platform with
// --source. Named, each lands through `cpi import` with its columns read in that language (the
// names tables in src/ingest/platforms/names/), its numbers and dates in that locale, to the cent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AMAZON_NAMES } from "../../src/ingest/platforms/names/amazon-names.js";
import { MICROSOFT_NAMES } from "../../src/ingest/platforms/names/microsoft-names.js";
import type { UiLanguage } from "../../src/ingest/ui-names.js";
import { cpi, tempDir, write } from "../helpers.js";
import { uiName } from "../ui-name.js";

const A = { impressions: 12_345, clicks: 678, cost: 1234.56 };
const B = { impressions: 1_000_000, clicks: 2, cost: 0.99 };

/** 1234.56 as a comma-decimal locale writes it: "1.234,56". */
const comma = (n: number, d: number) => n.toFixed(d).replace(/\B(?=(\d{3})+(?!\d))/g, "#").replace(".", ",").replaceAll("#", ".");

interface Landed {
  campaign: string;
  cost: number;
  impressions: number;
  clicks: number;
}

async function report(dir: string): Promise<Landed[]> {
  const r = await cpi(dir, "report", "--by", "campaign", "--metrics", "cost,impressions,clicks", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function assertLanded(rows: Landed[], lang: string): void {
  for (const [name, m] of [
    [`${lang} A`, A],
    [`${lang} B`, B],
  ] as const) {
    assert.deepEqual(rows.find((r) => r.campaign === name), { campaign: name, ...m }, name);
  }
}

const MICROSOFT_LANGS: UiLanguage[] = ["pt", "es", "fr", "de", "it", "nl", "ja"];

test("a Microsoft Advertising UI grid in each of its languages, named with --source, lands to the cent", async () => {
  const dir = tempDir();
  for (const lang of MICROSOFT_LANGS) {
    const names = (["campaign", "impressions", "clicks", "cost"] as const).map((r) => uiName(MICROSOFT_NAMES, r, lang));
    const num = lang === "ja" ? (n: number, d: number) => n.toFixed(d) : comma;
    const row = (name: string, m: typeof A) => [name, num(m.impressions, 0), num(m.clicks, 0), num(m.cost, 2)].join(";");
    write(dir, `ms-${lang}.csv`, [names.join(";"), row(`${lang} A`, A), row(`${lang} B`, B)].join("\n"));
    const auto = await cpi(dir, "import", `ms-${lang}.csv`, "--period", "2026-03-01..2026-03-31", "--currency", "EUR");
    assert.equal(auto.code, 2, `${lang}: without --source the file is not recognised`);
    assert.match(auto.stderr, /Microsoft Advertising: no 'Spend' column \(nor its translation\)|Microsoft Advertising: none of its columns/);
    const named = await cpi(dir, "import", `ms-${lang}.csv`, "--source", "microsoft", "--period", "2026-03-01..2026-03-31", "--currency", "EUR", "--format", "json");
    assert.equal(named.code, 0, `${lang}: ${named.stderr}`);
    assert.equal(JSON.parse(named.stdout).files[0].format, "microsoft-ads:grid");
  }
  const rows = await report(dir);
  for (const lang of MICROSOFT_LANGS) assertLanded(rows, lang);
});

const AMAZON_LANGS: UiLanguage[] = ["pt", "es", "fr", "de", "it", "nl", "pl", "tr", "ja"];

test("an Amazon Ads report in each console language, named with --source, lands to the cent with its dates in that locale", async () => {
  const dir = tempDir();
  for (const lang of AMAZON_LANGS) {
    const names = (["date", "campaign", "currency", "impressions", "clicks", "cost"] as const).map((r) => uiName(AMAZON_NAMES, r, lang));
    const ja = lang === "ja";
    const num = ja ? (n: number, d: number) => n.toFixed(d) : comma;
    const day = ja ? "2026/03/02" : "02.03.2026";
    const row = (name: string, m: typeof A) => [day, name, "EUR", num(m.impressions, 0), num(m.clicks, 0), num(m.cost, 2)].join(";");
    write(dir, `amazon-${lang}.csv`, [names.join(";"), row(`${lang} A`, A), row(`${lang} B`, B)].join("\n"));
    const named = await cpi(dir, "import", `amazon-${lang}.csv`, "--source", "amazon-ads", "--format", "json");
    assert.equal(named.code, 0, `${lang}: ${named.stderr}`);
    assert.equal(JSON.parse(named.stdout).files[0].rows, 2, lang);
  }
  const rows = await report(dir);
  for (const lang of AMAZON_LANGS) assertLanded(rows, lang);
  const day = await cpi(dir, "report", "--by", "day", "--metrics", "impressions", "--format", "json");
  assert.deepEqual(JSON.parse(day.stdout), [{ day: "2026-03-02", impressions: AMAZON_LANGS.length * (A.impressions + B.impressions) }]);
});

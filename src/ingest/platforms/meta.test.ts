import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { UserError } from "../../domain/errors.js";
import type { ParsedReport } from "../../domain/spend.js";
import { parseReport } from "../index.js";
import type { ParseOptions } from "../types.js";

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/ingest/${name}`, import.meta.url));
const parse = (name: string, opts: Partial<ParseOptions> = {}) => parseReport(fixture(name), { fileName: name, ...opts });
const parseText = (text: string, opts: Partial<ParseOptions> = {}) =>
  parseReport(new TextEncoder().encode(text), {
    fileName: "meta.csv",
    ...opts,
  });
const sums = (r: ParsedReport) => ({
  rows: r.rows.length,
  cost: r.rows.reduce((s, x) => s + x.cost, 0n),
  impressions: r.rows.reduce((s, x) => s + x.impressions, 0),
  clicks: r.rows.reduce((s, x) => s + x.clicks, 0),
});

test("older Title Case export: BOM, summary row first (dropped, checked, account reach), currency in the header", () => {
  const r = parse("meta-title-case.csv");
  assert.equal(r.format, "meta:ads-manager");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 150_750_000n,
    impressions: 6000,
    clicks: 120,
  });
  assert.deepEqual(r.rowLines, [3, 4]);
  assert.equal(r.rows[0]?.campaign, "Spring, sale");
  assert.equal(r.rows[0]?.ad_group, "Women 25-34");
  assert.equal(r.rows[0]?.currency, "USD");
  assert.equal(r.rows[0]?.conversions, 4);
  assert.equal(r.rows[0]?.revenue, 200_250_000n);
  assert.deepEqual(
    r.fileTotals.map((t) => [t.measure, t.expected]),
    [
      ["cost", 150.75],
      ["impressions", 6000],
      ["clicks", 120],
    ],
  );
  // Reach is never summed: one reach row per ad set and one for the whole export, each with its window.
  assert.deepEqual(
    r.reach.map((x) => [x.level, x.ad_group, x.reach, x.frequency, x.date_start, x.date_end]),
    [
      ["account", "", 2500, 2.4, "2019-05-01", "2019-05-31"],
      ["ad_group", "Women 25-34", 1500, 2.33333333, "2019-05-01", "2019-05-31"],
      ["ad_group", "Men 25-34", 1100, 2.27272727, "2019-05-01", "2019-05-31"],
    ],
  );
});

test("Day breakdown with age and gender: daily rows, no reach (reach by breakdown has no level)", () => {
  const r = parse("meta-day-age-gender.csv");
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 4_500_000n,
    impressions: 410,
    clicks: 9,
  });
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.age, x.gender]),
    [
      ["2026-04-01", "25-34", "female"],
      ["2026-04-01", "25-34", "male"],
      ["2026-04-02", "25-34", "female"],
    ],
  );
  assert.deepEqual(r.reach, []);
  assert.deepEqual(r.fileTotals, []);
});

test("XLSX export with a summary row and date cells", () => {
  const r = parse("meta-export.xlsx");
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 120_300_000n,
    impressions: 4200,
    clicks: 42,
  });
  assert.equal(r.rows[0]?.date_start, "2026-01-01");
  assert.equal(r.rows[0]?.date_end, "2026-01-31");
  assert.deepEqual(r.rowLines, [3, 4]);
  assert.equal(r.fileTotals.find((t) => t.measure === "cost")?.expected, 120.3);
});

test("a corrupt row is a located error; the other rows are kept", () => {
  const r = parseText(
    '\ufeffCampaign name,Impressions,"Amount spent (GBP)",Reporting starts,Reporting ends\nA,100,1.50,2026-01-01,2026-01-31\nB,200,B,2026-01-01,2026-01-31\nC,x,2,2026-01-01,2026-01-31\n',
  );
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.line, i.column]),
    [
      ["error", 3, "Amount spent (GBP)"],
      ["error", 4, "Impressions"],
    ],
  );
  assert.deepEqual(r.rowLines, [2]);
});

test("country, placement and impression-device breakdowns land in their dimensions; totals unchanged", () => {
  const byCountry = parseText(
    "\ufeffReporting starts,Reporting ends,Campaign name,Country,Impression device,Amount spent (USD),Impressions,Link clicks\n" +
      "2026-02-01,2026-02-28,Spring,US,iPhone,10.50,1000,10\n2026-02-01,2026-02-28,Spring,GB,Android Smartphone,5.25,500,5\n",
  );
  assert.deepEqual(byCountry.issues, []);
  assert.deepEqual(sums(byCountry), { rows: 2, cost: 15_750_000n, impressions: 1500, clicks: 15 });
  assert.deepEqual(
    byCountry.rows.map((x) => [x.country, x.device]),
    [
      ["US", "iPhone"],
      ["GB", "Android Smartphone"],
    ],
  );
  const byPlacement = parseText(
    "\ufeffReporting starts,Reporting ends,Campaign name,Placement,Device platform,Amount spent (USD),Impressions,Reach,Link clicks\n" +
      "2026-02-01,2026-02-28,Spring,Feed,mobile_app,10.50,1000,800,10\n2026-02-01,2026-02-28,Spring,Stories,desktop,5.25,500,400,5\n",
  );
  assert.deepEqual(byPlacement.issues, []);
  assert.deepEqual(sums(byPlacement), { rows: 2, cost: 15_750_000n, impressions: 1500, clicks: 15 });
  assert.deepEqual(
    byPlacement.rows.map((x) => [x.placement, x.device]),
    [
      ["Feed", "mobile_app"],
      ["Stories", "desktop"],
    ],
  );
  assert.deepEqual(byPlacement.reach, [], "reach by a breakdown has no level: not kept");
});

test("the placement breakdown's Platform and Placement make one placement: Facebook's and Instagram's feeds stay apart", () => {
  const csv =
    "\ufeffCampaign name,Platform,Placement,Impressions,Amount spent (USD),Link clicks,Reach,Reporting starts,Reporting ends\n" +
    ",,,4100,41.00,41,3000,2026-02-01,2026-02-28\n" +
    "Spring,Facebook,Feed,1000,10.00,10,900,2026-02-01,2026-02-28\n" +
    "Spring,Instagram,Feed,2000,20.00,20,1500,2026-02-01,2026-02-28\n" +
    "Spring,Instagram,Instagram Stories,500,5.00,5,450,2026-02-01,2026-02-28\n" +
    "Spring,Audience Network,,300,3.00,3,250,2026-02-01,2026-02-28\n" +
    'Spring,,"Right column",300,3.00,3,280,2026-02-01,2026-02-28\n' +
    "Spring,(not set),Explore,0,0.00,0,0,2026-02-01,2026-02-28\n" +
    "Spring,Instagram,Instagrammable ad,0,0.00,0,0,2026-02-01,2026-02-28\n" +
    "Spring,--,--,0,0.00,0,0,2026-02-01,2026-02-28\n";
  for (const text of [csv, csv.replace("Platform,Placement", "Plateforme,Emplacement")]) {
    const r = parseText(text);
    assert.deepEqual(r.issues, []);
    assert.deepEqual(
      r.rows.map((x) => x.placement),
      ["Facebook Feed", "Instagram Feed", "Instagram Stories", "Audience Network", "Right column", "Explore", "Instagram Instagrammable ad", ""],
    );
    assert.deepEqual(sums(r), { rows: 8, cost: 41_000_000n, impressions: 4100, clicks: 41 });
    assert.deepEqual(
      r.fileTotals.map((t) => [t.measure, t.expected]),
      [
        ["cost", 41],
        ["impressions", 4100],
        ["clicks", 41],
      ],
      "the summary row, with empty Platform and Placement, is still the summary",
    );
    assert.deepEqual(
      r.reach.map((x) => x.level),
      ["account", "campaign"],
      "reach by placement has no level; the last row, with no platform or placement, is the campaign's",
    );
  }
  // A Platform column alone is the placement.
  const byPlatform = parseText("\ufeffCampaign name,Platform,Impressions,Amount spent (USD),Reporting starts,Reporting ends\nSpring,Instagram,10,1.00,2026-02-01,2026-02-01\n");
  assert.deepEqual(
    byPlatform.rows.map((x) => x.placement),
    ["Instagram"],
  );
});

test("dd/mm/yyyy dates are recognised from the data", () => {
  const r = parseText("Campaign name,Impressions,Amount spent (GBP),Reporting starts,Reporting ends\nA,100,1.50,01/01/2025,31/01/2025\n");
  assert.equal(r.rows[0]?.date_start, "2025-01-01");
  assert.equal(r.rows[0]?.date_end, "2025-01-31");
});

test("--currency that disagrees with the header is a UserError; a header without currency needs --currency", () => {
  assert.throws(() => parse("meta-title-case.csv", { currency: "EUR" }), UserError);
  const text = "Campaign name,Impressions,Amount spent,Reporting starts,Reporting ends\nA,100,1.50,2026-01-01,2026-01-31\n";
  assert.throws(
    () => parseText(text),
    (e: unknown) => e instanceof UserError && /--currency/.test(e.message),
  );
  assert.equal(parseText(text, { currency: "usd" }).rows[0]?.currency, "USD");
});

/** The same report in each UI language cpi knows (header names from meta-headers.ts). */
const LANGUAGES: Record<string, { header: string[]; sep: string; row: string[] }> = {
  fr: {
    header: [
      "Nom de la campagne",
      "Nom de l’ensemble de publicités",
      "Impressions",
      "Couverture",
      "Montant dépensé (EUR)",
      "Clics sur un lien",
      "Début des rapports",
      "Fin des rapports",
    ],
    sep: ";",
    row: ["Soldes", "Femmes", "1 234", "1 000", "1 234,56", "12", "01/02/2026", "28/02/2026"],
  },
  de: {
    header: [
      "Kampagnenname",
      "Name der Anzeigengruppe",
      "Impressionen",
      "Reichweite",
      "Ausgegebener Betrag (EUR)",
      "Link-Klicks",
      "Berichtsbeginn",
      "Berichtsende",
    ],
    sep: ";",
    row: ["Schlussverkauf", "Frauen", "1.234", "1.000", "1.234,56", "12", "01.02.2026", "28.02.2026"],
  },
  es: {
    header: [
      "Nombre de la campaña",
      "Nombre del conjunto de anuncios",
      "Impresiones",
      "Alcance",
      "Importe gastado (EUR)",
      "Clics en el enlace",
      "Inicio del informe",
      "Fin del informe",
    ],
    sep: ",",
    row: ["Rebajas", "Mujeres", "1234", "1000", '"1234,56"', "12", "01/02/2026", "28/02/2026"],
  },
  pt: {
    header: [
      "Nome da campanha",
      "Nome do conjunto de anúncios",
      "Impressões",
      "Alcance",
      "Valor usado (BRL)",
      "Cliques no link",
      "Início dos relatórios",
      "Término dos relatórios",
    ],
    sep: ",",
    row: ["Liquidação", "Mulheres", "1234", "1000", '"1234,56"', "12", "2026-02-01", "2026-02-28"],
  },
  it: {
    header: [
      "Nome della campagna",
      "Nome del gruppo di inserzioni",
      "Impression",
      "Copertura",
      "Importo speso (EUR)",
      "Clic sul link",
      "Inizio report",
      "Fine report",
    ],
    sep: ";",
    row: ["Saldi", "Donne", "1234", "1000", "1234,56", "12", "01/02/2026", "28/02/2026"],
  },
  id: {
    header: ["Nama kampanye", "Nama set iklan", "Impresi", "Jangkauan", "Jumlah yang dibelanjakan (IDR)", "Klik tautan", "Awal pelaporan", "Akhir pelaporan"],
    sep: ",",
    row: ["Diskon", "Wanita", "1234", "1000", '"1234,56"', "12", "2026-02-01", "2026-02-28"],
  },
};

for (const [lang, { header, sep, row }] of Object.entries(LANGUAGES)) {
  test(`Meta export in ${lang}: headers, numbers and dates of that language`, () => {
    const r = parseText(`\ufeff${header.join(sep)}\n${row.join(sep)}\n`);
    assert.equal(r.format, "meta:ads-manager", JSON.stringify(r.issues));
    assert.deepEqual(r.issues, []);
    const x = r.rows[0];
    assert.equal(x?.cost, 1_234_560_000n);
    assert.equal(x?.impressions, 1234);
    assert.equal(x?.clicks, 12);
    assert.equal(x?.date_start, "2026-02-01");
    assert.equal(x?.date_end, "2026-02-28");
    assert.equal(x?.ad_group, row[1]);
    assert.equal(r.reach[0]?.reach, 1000);
  });
}

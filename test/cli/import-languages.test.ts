// Exports as the world downloads them: the same Google Ads and Meta reports in every UI language cpi
// reads, each with its own column names (full or abbreviated), number format (no-break and narrow
// no-break spaces, points or commas between thousands, comma decimals), date range and totals rows.
// Each lands through `cpi import` in a real store with its totals checked, and the report shows the
// rows' figures to the cent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cpi, tempDir, write } from "../helpers.js";

/** A number as a locale writes it: `group` between thousands, `mark` before the decimals. */
function localeNumber(n: number, decimals: number, group: string, mark: string): string {
  const [int, frac] = n.toFixed(decimals).split(".") as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return frac === undefined ? grouped : `${grouped}${mark}${frac}`;
}

/** A CSV cell, quoted when it holds the delimiter or a quote. */
const cell = (v: string, sep: string) => (v.includes(sep) || v.includes('"') ? `"${v.replaceAll('"', '""')}"` : v);

// Two campaigns: what every file states, and what the report must show.
const A = { impressions: 12_345, clicks: 678, cost: 1234.56, conversions: 3.5 };
const B = { impressions: 1_000_000, clicks: 2, cost: 0.99, conversions: 0 };

interface GoogleUi {
  lang: string;
  title: string;
  range: string;
  /** Campaign, currency code, impressions, clicks, cost, conversions, as that UI names them. */
  names: [string, string, string, string, string, string];
  totals: [string, string];
  group: string;
  mark: string;
  currency: string;
}

const GOOGLE: GoogleUi[] = [
  { lang: "en", title: "Campaign report", range: "March 1, 2026 - March 31, 2026", names: ["Campaign", "Currency code", "Impr.", "Clicks", "Cost", "Conversions"], totals: ["Total: Campaigns", "Total: Account"], group: ",", mark: ".", currency: "USD" },
  { lang: "en-full", title: "Campaign report", range: "1 March 2026 - 31 March 2026", names: ["Campaign", "Currency code", "Impressions", "Clicks", "Cost", "Conversions"], totals: ["Total: Campaigns", "Total: Account"], group: ",", mark: ".", currency: "GBP" },
  { lang: "pt", title: "Relatório de campanha", range: "1 de março de 2026 - 31 de março de 2026", names: ["Campanha", "Código da moeda", "Impressões", "Cliques", "Custo", "Conversões"], totals: ["Total: Campanhas", "Total: Conta"], group: ".", mark: ",", currency: "BRL" },
  { lang: "pt-abbr", title: "Relatório de campanha", range: "1 de março de 2026 - 31 de março de 2026", names: ["Campanha", "Código da moeda", "Impr.", "Interações", "Custo", "Conversões"], totals: ["Total: Campanhas", "Total: Conta"], group: ".", mark: ",", currency: "BRL" },
  { lang: "es", title: "Informe de campañas", range: "1 mar 2026 - 31 mar 2026", names: ["Campaña", "Código de moneda", "Impresiones", "Clics", "Coste", "Conversiones"], totals: ["Total: Campañas", "Total: Cuenta"], group: ".", mark: ",", currency: "EUR" },
  { lang: "es-419", title: "Informe de campañas", range: "1 mar 2026 - 31 mar 2026", names: ["Campaña", "Código de moneda", "Impr.", "Clics", "Costo", "Conversiones"], totals: ["Total: Campañas", "Total: Cuenta"], group: ",", mark: ".", currency: "MXN" },
  { lang: "fr", title: "Rapport sur les campagnes", range: "1 mars 2026 - 31 mars 2026", names: ["Campagne", "Code de la devise", "Impr.", "Clics", "Coût", "Conversions"], totals: ["Total : campagnes", "Total : compte"], group: "\u00a0", mark: ",", currency: "EUR" },
  { lang: "de", title: "Kampagnenbericht", range: "1. März 2026 - 31. März 2026", names: ["Kampagne", "Währungscode", "Impressionen", "Klicks", "Kosten", "Conversions"], totals: ["Gesamt: Kampagnen", "Gesamt: Konto"], group: ".", mark: ",", currency: "EUR" },
  { lang: "it", title: "Rapporto sulle campagne", range: "1 mar 2026 - 31 mar 2026", names: ["Campagna", "Codice valuta", "Impr.", "Clic", "Costo", "Conversioni"], totals: ["Totale: campagne", "Totale: account"], group: ".", mark: ",", currency: "EUR" },
  { lang: "nl", title: "Campagnerapport", range: "1 mrt 2026 - 31 mrt 2026", names: ["Campagne", "Valutacode", "Vertoningen", "Klikken", "Kosten", "Conversies"], totals: ["Totaal: campagnes", "Totaal: account"], group: ".", mark: ",", currency: "EUR" },
  { lang: "pl", title: "Raport kampanii", range: "1 mar 2026 - 31 mar 2026", names: ["Kampania", "Kod waluty", "Wyświetlenia", "Kliknięcia", "Koszt", "Konwersje"], totals: ["Łącznie: kampanie", "Łącznie: konto"], group: "\u202f", mark: ",", currency: "PLN" },
  { lang: "tr", title: "Kampanya raporu", range: "1 Mar 2026 - 31 Mar 2026", names: ["Kampanya", "Para birimi kodu", "Gösterim", "Tıklamalar", "Maliyet", "Dönüşümler"], totals: ["Toplam: Kampanyalar", "Toplam: Hesap"], group: ".", mark: ",", currency: "TRY" },
  { lang: "id", title: "Laporan kampanye", range: "1 Mar 2026 - 31 Mar 2026", names: ["Kampanye", "Kode mata uang", "Tayangan", "Klik", "Biaya", "Konversi"], totals: ["Total: Kampanye", "Total: Akun"], group: ".", mark: ",", currency: "IDR" },
  { lang: "ja", title: "キャンペーン レポート", range: "2026/03/01～2026/03/31", names: ["キャンペーン", "通貨コード", "表示回数", "クリック数", "費用", "コンバージョン"], totals: ["合計: キャンペーン", "合計: アカウント"], group: ",", mark: ".", currency: "JPY" },
];

/** A Google Ads campaign report downloaded with the UI in `ui`'s language. */
function googleReport(ui: GoogleUi, campaignTotalCost = A.cost + B.cost): string {
  const sep = ",";
  const num = (n: number, d: number) => cell(localeNumber(n, d, ui.group, ui.mark), sep);
  const row = (first: string, name: string, m: typeof A) =>
    [first, cell(name, sep), ui.currency, num(m.impressions, 0), num(m.clicks, 0), num(m.cost, 2), num(m.conversions, 2)].join(sep);
  const sum = { impressions: A.impressions + B.impressions, clicks: A.clicks + B.clicks, cost: campaignTotalCost, conversions: A.conversions + B.conversions };
  // The account's total counts removed campaigns too: it is not checked against the rows.
  const account = { impressions: sum.impressions + 99, clicks: sum.clicks + 1, cost: sum.cost + 10, conversions: sum.conversions };
  return [
    ui.title,
    cell(ui.range, sep),
    ["Status", ...ui.names].join(sep),
    row("Enabled", `${ui.lang} A`, A),
    row("Enabled", `${ui.lang} B`, B),
    [ui.totals[0], " --", ui.currency, num(sum.impressions, 0), num(sum.clicks, 0), num(sum.cost, 2), num(sum.conversions, 2)].join(sep),
    [ui.totals[1], "", ui.currency, num(account.impressions, 0), num(account.clicks, 0), num(account.cost, 2), num(account.conversions, 2)].join(sep),
  ].join("\n");
}

interface ReportRow {
  campaign: string;
  currency: string;
  cost: number;
  impressions: number;
  clicks: number;
}

/** Asserts campaigns A and B of a file in `lang` landed in `currency` with their figures to the cent. */
function assertBothCampaigns(rows: ReportRow[], lang: string, currency: string): void {
  for (const [name, m] of [
    [`${lang} A`, A],
    [`${lang} B`, B],
  ] as const) {
    assert.deepEqual(
      rows.find((r) => r.campaign === name),
      { currency, campaign: name, cost: m.cost, impressions: m.impressions, clicks: m.clicks },
      name,
    );
  }
}

async function landed(dir: string, files: string[]): Promise<ReportRow[]> {
  const imp = await cpi(dir, "import", ...files, "--format", "json");
  assert.equal(imp.code, 0, imp.stderr);
  for (const f of JSON.parse(imp.stdout).files) {
    assert.equal(f.rows, 2, `${f.file}: ${JSON.stringify(f)}`);
    assert.deepEqual(f.skipped, [], f.file);
    assert.deepEqual(f.warnings.filter((w: string) => !/Interactions are read as clicks/.test(w)), [], f.file);
  }
  const r = await cpi(dir, "report", "--by", "currency,campaign", "--metrics", "cost,impressions,clicks", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("a Google Ads campaign report in each UI language lands to the cent, its campaigns' totals row checked", async () => {
  const dir = tempDir();
  const files = GOOGLE.map((ui) => {
    write(dir, `google-${ui.lang}.csv`, googleReport(ui));
    return `google-${ui.lang}.csv`;
  });
  const rows = await landed(dir, files);
  for (const ui of GOOGLE) assertBothCampaigns(rows, ui.lang, ui.currency);
});

test("a Portuguese report whose impressions column is 'Impressões' is read as Google Ads with --source too, and its wrong total refused", async () => {
  const dir = tempDir();
  const pt = GOOGLE.find((ui) => ui.lang === "pt") as GoogleUi;
  write(dir, "relatorio.csv", googleReport(pt));
  const forced = await cpi(dir, "import", "relatorio.csv", "--source", "google-ads", "--dry-run", "--format", "json");
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).files[0].format, "google-ads:ui");
  write(dir, "errado.csv", googleReport(pt, 1200));
  const wrong = await cpi(dir, "import", "errado.csv");
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /errado\.csv: the 'Total: Campanhas' row \(line 6\) says cost 1200, but its rows add up to 1235\.55: the file lists rows its total leaves out/);
});

interface MetaUi {
  lang: string;
  names: string[];
  sep: string;
  group: string;
  mark: string;
  currency: string;
  day: (d: number) => string;
}

const iso = (d: number) => `2026-03-0${d}`;
const META: MetaUi[] = [
  { lang: "en", names: ["Campaign name", "Ad set name", "Day", "Impressions", "Reach", "Amount spent (USD)", "Link clicks", "Reporting starts", "Reporting ends"], sep: ",", group: "", mark: ".", currency: "USD", day: iso },
  { lang: "pt", names: ["Nome da campanha", "Nome do conjunto de anúncios", "Dia", "Impressões", "Alcance", "Valor usado (BRL)", "Cliques no link", "Início dos relatórios", "Encerramento dos relatórios"], sep: ",", group: "", mark: ",", currency: "BRL", day: iso },
  { lang: "es", names: ["Nombre de la campaña", "Nombre del conjunto de anuncios", "Día", "Impresiones", "Alcance", "Importe gastado (EUR)", "Clics en el enlace", "Inicio del informe", "Fin del informe"], sep: ",", group: "", mark: ",", currency: "EUR", day: iso },
  { lang: "fr", names: ["Nom de la campagne", "Nom de l’ensemble de publicités", "Jour", "Impressions", "Portée", "Montant dépensé (EUR)", "Clics sur le lien", "Début des rapports", "Fin des rapports"], sep: ";", group: "\u202f", mark: ",", currency: "EUR", day: (d) => `0${d}/03/2026` },
  { lang: "de", names: ["Kampagnenname", "Name der Anzeigengruppe", "Tag", "Impressionen", "Reichweite", "Ausgegebener Betrag (EUR)", "Link-Klicks", "Berichtsbeginn", "Berichtsende"], sep: ";", group: ".", mark: ",", currency: "EUR", day: (d) => `0${d}.03.2026` },
  { lang: "it", names: ["Nome della campagna", "Nome del gruppo di inserzioni", "Giorno", "Impression", "Copertura", "Importo speso (EUR)", "Clic sul link", "Inizio report", "Fine report"], sep: ";", group: ".", mark: ",", currency: "EUR", day: iso },
  { lang: "nl", names: ["Campagnenaam", "Naam advertentieset", "Dag", "Weergaven", "Bereik", "Besteed bedrag (EUR)", "Klikken op links", "Start rapportage", "Einde rapportage"], sep: ";", group: ".", mark: ",", currency: "EUR", day: (d) => `0${d}-03-2026` },
  { lang: "pl", names: ["Nazwa kampanii", "Nazwa zestawu reklam", "Dzień", "Wyświetlenia", "Zasięg", "Wydana kwota (PLN)", "Kliknięcia linku", "Początek raportowania", "Koniec raportowania"], sep: ",", group: "\u00a0", mark: ",", currency: "PLN", day: iso },
  { lang: "tr", names: ["Kampanya Adı", "Reklam Seti Adı", "Gün", "Gösterim", "Erişim", "Harcanan Tutar (TRY)", "Bağlantı Tıklamaları", "Rapor Başlangıcı", "Rapor Sonu"], sep: ",", group: ".", mark: ",", currency: "TRY", day: (d) => `0${d}.03.2026` },
  { lang: "id", names: ["Nama kampanye", "Nama set iklan", "Hari", "Impresi", "Jangkauan", "Jumlah yang dibelanjakan (IDR)", "Klik tautan", "Awal pelaporan", "Akhir pelaporan"], sep: ",", group: "", mark: ",", currency: "IDR", day: iso },
  { lang: "ja", names: ["キャンペーン名", "広告セット名", "日", "インプレッション", "リーチ", "消化金額 (JPY)", "リンクのクリック", "レポート開始日", "レポート終了日"], sep: ",", group: "", mark: ".", currency: "JPY", day: (d) => `2026/03/0${d}` },
];

/** A Meta Ads Manager export by ad set and day in `ui`'s language: the summary row first. */
function metaExport(ui: MetaUi): string {
  const num = (n: number, d: number) => cell(localeNumber(n, d, ui.group, ui.mark), ui.sep);
  const line = (cells: string[]) => cells.join(ui.sep);
  const row = (name: string, d: number, m: typeof A) => line([cell(name, ui.sep), "Set 1", ui.day(d), num(m.impressions, 0), num(Math.floor(m.impressions / 2), 0), num(m.cost, 2), num(m.clicks, 0), ui.day(d), ui.day(d)]);
  const total = line(["", "", "", num(A.impressions + B.impressions, 0), num(500_000, 0), num(A.cost + B.cost, 2), num(A.clicks + B.clicks, 0), ui.day(1), ui.day(2)]);
  return `\ufeff${[line(ui.names), total, row(`${ui.lang} A`, 1, A), row(`${ui.lang} B`, 2, B)].join("\n")}\n`;
}

test("a Meta Ads Manager export in each UI language lands to the cent, its summary row checked", async () => {
  const dir = tempDir();
  const files = META.map((ui) => {
    write(dir, `meta-${ui.lang}.csv`, metaExport(ui));
    return `meta-${ui.lang}.csv`;
  });
  const rows = await landed(dir, files);
  for (const ui of META) assertBothCampaigns(rows, ui.lang, ui.currency);
});

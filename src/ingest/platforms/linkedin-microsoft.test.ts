import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { UserError } from "../../domain/errors.js";
import type { ParsedReport } from "../../domain/spend.js";
import { type SpendColumns, spendRowsOf } from "../../domain/spend-columns.js";
import { parseReport } from "../index.js";
import type { ParseOptions } from "../types.js";
import { sumToDays } from "./microsoft.js";

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/ingest/${name}`, import.meta.url));
const parse = (name: string, opts: Partial<ParseOptions> = {}) => parseReport(fixture(name), { fileName: name, ...opts });
const utf16 = (text: string) => {
  const out = new Uint8Array(2 + text.length * 2);
  out.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    out[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  return out;
};
const sums = (r: ParsedReport) => ({
  rows: r.rows.length,
  cost: r.rows.reduce((s, x) => s + x.cost, 0n),
  impressions: r.rows.reduce((s, x) => s + x.impressions, 0),
  clicks: r.rows.reduce((s, x) => s + x.clicks, 0),
});

test("LinkedIn en-US: UTF-16LE, preamble range, M/D/YYYY, UTC, campaign = LinkedIn campaign, reach rows", () => {
  const r = parse("linkedin-campaign-performance-en.csv");
  assert.equal(r.format, "linkedin:campaign-manager");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 1_999_750_000n,
    impressions: 15_000,
    clicks: 100,
  });
  assert.deepEqual(r.rowLines, [7, 8]);
  const x = r.rows[0];
  assert.equal(x?.campaign, "CFO - Europe");
  assert.equal(x?.campaign_id, "555");
  assert.equal(x?.ad_group, "");
  assert.equal(x?.date_start, "2026-01-01");
  assert.equal(x?.date_end, "2026-01-31");
  assert.equal(x?.account_timezone, "UTC");
  assert.equal(x?.account_name, "Acme");
  assert.deepEqual(
    r.reach.map((y) => [y.level, y.campaign, y.reach, y.frequency]),
    [
      ["campaign", "CFO - Europe", 4000, 2.5],
      ["campaign", "CTO - US", 2500, 2],
    ],
  );
});

test("LinkedIn pt-BR without preamble: decimal comma, dd/mm/yyyy, daily rows and monthly rows", () => {
  const header = "Data de início (em UTC)\tNome da conta\tMoeda\tNome da campanha\tCódigo da campanha\tTotal investido\tImpressões\tCliques\n";
  const daily = parseReport(utf16(`${header}01/09/2023\tConta\tUSD\tA\t1\t"454,06"\t3309\t31\n02/09/2023\tConta\tUSD\tA\t1\t"1.000,50"\t100\t1\n`), {
    fileName: "li.csv",
  });
  assert.deepEqual(
    daily.rows.map((x) => [x.date_start, x.date_end, x.cost]),
    [
      ["2023-09-01", "2023-09-01", 454_060_000n],
      ["2023-09-02", "2023-09-02", 1_000_500_000n],
    ],
  );
  const monthly = parseReport(utf16(`${header}01/09/2023\tConta\tUSD\tA\t1\t"10,00"\t3\t1\n01/10/2023\tConta\tUSD\tA\t1\t"20,00"\t4\t1\n`), {
    fileName: "li.csv",
  });
  assert.deepEqual(
    monthly.rows.map((x) => [x.date_start, x.date_end]),
    [
      ["2023-09-01", "2023-09-30"],
      ["2023-10-01", "2023-10-31"],
    ],
  );
  const one = parseReport(utf16(`${header}01/09/2023\tConta\tUSD\tA\t1\t"10,00"\t3\t1\n`), {
    fileName: "li.csv",
    period: { from: "2023-09-01", to: "2023-09-30" },
  });
  assert.equal(one.rows[0]?.date_end, "2023-09-30");
  assert.deepEqual(one.issues, []);
});

/** The same export in the other UI languages LinkedIn's aliases name (fr, de, es): found without --source. */
const LINKEDIN_LANGUAGES: Record<string, { preamble: string; header: string[]; row: string[] }> = {
  fr: {
    preamble: "Rapport sur les performances des campagnes (en UTC)\nDébut du rapport : 1 sept. 2023\n",
    header: ["Date de début (en UTC)", "Nom du compte", "Devise", "Nom de la campagne", "ID de la campagne", "Montant total dépensé", "Impressions", "Clics"],
    row: ["01/09/2023", "Compte", "EUR", "Soldes", "1", "1 454,06", "3 309", "31"],
  },
  de: {
    preamble: "",
    header: ["Startdatum (in UTC)", "Kontoname", "Währung", "Kampagnenname", "Kampagnen-ID", "Ausgegebener Gesamtbetrag", "Impressionen", "Klicks"],
    row: ["01.09.2023", "Konto", "EUR", "Schlussverkauf", "1", "1.454,06", "3.309", "31"],
  },
  es: {
    preamble: "",
    header: ["Fecha de inicio (en UTC)", "Nombre de la cuenta", "Moneda", "Nombre de la campaña", "ID de la campaña", "Importe total gastado", "Impresiones", "Clics"],
    row: ["01/09/2023", "Cuenta", "EUR", "Rebajas", "1", "1454,06", "3309", "31"],
  },
};

for (const [lang, { preamble, header, row }] of Object.entries(LINKEDIN_LANGUAGES)) {
  test(`LinkedIn export in ${lang}: detected from its own headers, numbers and dates of that language`, () => {
    const r = parseReport(utf16(`${preamble}${header.join("\t")}\n${row.join("\t")}\n`), { fileName: `li-${lang}.csv`, period: { from: "2023-09-01", to: "2023-09-30" } });
    assert.equal(r.format, "linkedin:campaign-manager", JSON.stringify(r.issues));
    assert.deepEqual(r.issues, []);
    assert.deepEqual(sums(r), { rows: 1, cost: 1_454_060_000n, impressions: 3309, clicks: 31 });
    assert.deepEqual([r.rows[0]?.campaign, r.rows[0]?.currency, r.rows[0]?.date_start, r.rows[0]?.date_end], [row[3], "EUR", "2023-09-01", "2023-09-30"]);
  });
}

test("LinkedIn preamble with no data rows: recognised, no rows", () => {
  const r = parseReport(utf16('Ad Performance Report (in UTC)\n"Report Start: August 18, 2019, 12:00 AM"\n"Report End: September 16, 2019, 11:59 PM"\n\n'), {
    fileName: "li.csv",
  });
  assert.equal(r.format, "linkedin:campaign-manager");
  assert.equal(r.rows.length, 0);
  assert.ok(r.issues.every((i) => i.severity === "warning"));
});

test("Microsoft report download: quoted preamble, time zone, FormatVersion 1.0 thousands, '--', footer", () => {
  const r = parse("microsoft-ads-report.csv");
  assert.equal(r.format, "microsoft-ads:report");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(sums(r), {
    rows: 3,
    cost: 1_500_750_000n,
    impressions: 2100,
    clicks: 50,
  });
  assert.deepEqual(r.rowLines, [12, 13, 14]);
  assert.equal(r.rows[0]?.account_timezone, "America/Los_Angeles");
  assert.equal(r.rows[0]?.date_start, "2026-03-01");
  assert.equal(r.rows[0]?.revenue, 150_000_000n);
  assert.equal(r.rows[2]?.campaign_id, "43");
});

test("Microsoft hourly TimePeriod (FormatVersion 2.0 and 1.0) is summed to days", () => {
  const header = '"AccountId","CampaignName","TimePeriod","CurrencyCode","Impressions","Clicks","Spend"\n';
  const text = `${header}"1","A","2023-11-11|01","USD","1","1","1.48"\n"1","A","2023-11-11|02","USD","2","0","0.52"\n"1","A","11/12/2023 12:00:00 AM|7","USD","3","1","1.00"\n`;
  const r = parseReport(new TextEncoder().encode(text), { fileName: "h.csv" });
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.cost, x.impressions, x.clicks]),
    [
      ["2023-11-11", 2_000_000n, 3, 1],
      ["2023-11-12", 1_000_000n, 3, 1],
    ],
  );
  assert.deepEqual(r.rowLines, [2, 4]);
  assert.equal(sumToDays([], []).rows.length, 0);
  // A large file's import takes column batches: the hours are summed first there too.
  const batches: SpendColumns[] = [];
  parseReport(new TextEncoder().encode(text), { fileName: "h.csv" }, (b) => batches.push(b));
  assert.deepEqual(batches.flatMap(spendRowsOf), r.rows);
});

test("Microsoft UI grid: [id] brackets, '… total' rows dropped, needs --currency and --period", () => {
  const text =
    "\ufeffCampaign ID,Status,Campaign,Spend,Clicks,Impr.,CTR,Bid Strategy Type\n[436534626],Enabled,[RCK] Search,512.24,320,25389,1.32%,MaxClicks\n[530467992],Enabled,Brand,3.12,28,79,35.44%,MaxClicks\nSearch total,-,-,487.25,389,28514,1.36%,-\n";
  const bytes = new TextEncoder().encode(text);
  assert.throws(
    () => parseReport(bytes, { fileName: "g.csv" }),
    (e: unknown) => e instanceof UserError && /--currency/.test(e.message),
  );
  assert.throws(
    () => parseReport(bytes, { fileName: "g.csv", currency: "USD" }),
    (e: unknown) => e instanceof UserError && /--period/.test(e.message),
  );
  const r = parseReport(bytes, {
    fileName: "g.csv",
    currency: "USD",
    period: { from: "2023-08-01", to: "2023-08-31" },
  });
  assert.equal(r.format, "microsoft-ads:grid");
  assert.deepEqual(sums(r), {
    rows: 2,
    cost: 515_360_000n,
    impressions: 25_468,
    clicks: 348,
  });
  assert.deepEqual(
    r.rows.map((x) => [x.campaign_id, x.campaign]),
    [
      ["436534626", "[RCK] Search"],
      ["530467992", "Brand"],
    ],
  );
  assert.deepEqual(r.fileTotals, []); // grid totals cover more than the rows shown
});

import type { DateRange } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { type AliasTable, aliasNames, headerSet, resolveColumns } from "../columns.js";
import { normaliseHeader } from "../header.js";
import { type DateOrder, parseDateRangeText } from "../locale-date.js";
import { inferDecimalMark } from "../locale-number.js";
import type { PlatformContext, PlatformMatch, PlatformParser, PlatformResult, Table } from "../platform.js";
import { buildPlatformRows, type RowPlan } from "../platform-rows.js";
import { reportTimezone, requireCurrency } from "../report-currency.js";
import { type SegmentKind, segmentRange } from "../segment-period.js";
import { recordAt } from "../table-records.js";
import { firstFilled, preambleOf, sampleCells } from "../table-samples.js";
import { addWarning } from "../types.js";

/**
 * Google Ads: the UI's downloads (.csv UTF-8 with a two-line preamble, "Excel .csv" UTF-16LE + tab,
 * .tsv, .xlsx) of every report type, and API / Scripts output (GAQL field names, cost in micros).
 * UI headers are listed in English and, as far as known, es, pt, fr, de, it, id ([UNVERIFIED]
 * translations are marked with a trailing comment in the reference notes).
 */
const ALIASES: AliasTable = {
  campaign_status: ["campaign status"],
  date: ["day", "date", "segments.date", "día", "dia", "jour", "tag", "giorno", "hari"],
  account_name: ["account", "account name", "customer.descriptive_name", "cuenta", "conta", "compte", "konto"],
  account_id: ["customer id", "customer.id", "account id"],
  campaign: ["campaign", "campaign.name", "campaña", "campanha", "campagne", "kampagne", "campagna", "kampanye"],
  campaign_id: ["campaign id", "campaign.id"],
  ad_group: ["ad group", "ad_group.name", "grupo de anuncios", "grupo de anúncios", "groupe d'annonces", "anzeigengruppe", "gruppo di annunci", "grup iklan"],
  ad_group_id: ["ad group id", "ad_group.id"],
  ad: ["ad name", "ad_group_ad.ad.name"],
  ad_id: ["ad id", "ad_group_ad.ad.id"],
  placement: ["placement", "placement url", "group placement"],
  device: ["device", "segments.device", "dispositivo", "appareil", "gerät"],
  currency: [
    "currency code",
    "customer.currency_code",
    "código de moneda",
    "código da moeda",
    "code de la devise",
    "währungscode",
    "codice valuta",
    "kode mata uang",
    "currency",
  ],
  timezone: ["customer.time_zone", "time zone"],
  cost: ["cost", "coste", "costo", "custo", "coût", "kosten", "biaya"],
  cost_micros: ["metrics.cost_micros", "metrics.costmicros", "cost_micros"],
  impressions: ["impr.", "impressions", "metrics.impressions", "impresiones", "impressões", "impressioni", "tayangan"],
  clicks: [
    "clicks",
    "metrics.clicks",
    "clics",
    "cliques",
    "klicks",
    "clic",
    "klik",
    "interactions",
    "metrics.interactions",
    "interacciones",
    "interações",
    "interaktionen",
    "interazioni",
    "interaksi",
  ],
  conversions: ["conversions", "metrics.conversions", "conversiones", "conversões", "conversioni", "konversi"],
  revenue: [
    "conv. value",
    "conversion value",
    "total conv. value",
    "metrics.conversions_value",
    "valor de conv.",
    "valeur de conv.",
    "conv.-wert",
    "valore conv.",
  ],
  viewable_impressions: ["viewable impr.", "metrics.active_view_impressions"],
  measurable_impressions: ["measurable impr.", "metrics.active_view_measurable_impressions"],
  reach: ["unique users", "metrics.unique_users"],
  frequency: ["avg. impr. freq. per user", "metrics.average_impression_frequency_per_user"],
};

const SEGMENTS: Record<SegmentKind, readonly string[]> = {
  week: ["week", "segments.week", "semana", "semaine", "woche", "settimana", "minggu"],
  month: ["month", "segments.month", "mes", "mês", "mois", "monat", "mese", "bulan"],
  quarter: ["quarter", "segments.quarter", "trimestre", "quartal", "kuartal"],
  year: ["year", "segments.year", "año", "ano", "année", "jahr", "anno", "tahun"],
};

const ENGLISH_COST = new Set(["cost", "metrics.cost_micros", "metrics.costmicros", "cost_micros"]);
const TOTALS = /^(total|totale|gesamt|totaal|jumlah)\s*:/i;
/** Totals rows that cover more or less than the rows listed (removed items, one channel). */
const PARTIAL_TOTALS = new Set(
  [
    "account",
    "search",
    "display",
    "video",
    "shopping",
    "performance max",
    "smart",
    "demand gen",
    "app",
    "hotel",
    "local",
    "discovery",
    "multi-channel",
    "other search terms",
    "ai max expanded matches",
    "ai max landing page matches",
    "url inclusions in your account",
    "search keywords on display network",
    "keywords in your account",
    "your keywords",
  ].map((s) => s.toLowerCase()),
);

function isApi(names: Set<string>): boolean {
  return [...names].some((n) => n.startsWith("metrics.") || n.startsWith("segments."));
}

function match(header: readonly string[], preamble: readonly (readonly string[])[]): PlatformMatch {
  const names = headerSet(header);
  const cols = resolveColumns(header, ALIASES);
  if (isApi(names)) {
    if (cols.index.cost_micros !== undefined && cols.index.impressions !== undefined) return { score: 10 };
    return {
      reason: "API output without metrics.cost_micros and metrics.impressions",
    };
  }
  if (!names.has("impr.") && !names.has("impressions")) return { reason: "no 'Impr.' column" };
  if (cols.index.cost === undefined) return { reason: "no 'Cost' column" };
  let score = names.has("impr.") ? 5 : 2;
  if (cols.index.currency !== undefined) score += 2;
  if (/report$/i.test(firstFilled(preamble[0] ?? []))) score += 2;
  return { score };
}

function parse(table: Table, ctx: PlatformContext): PlatformResult {
  const header = recordAt(table, table.headerIndex)?.record ?? [];
  const columns = resolveColumns(header, ALIASES);
  const { index, name } = columns;
  const api = isApi(headerSet(header));
  const english = ENGLISH_COST.has(normaliseHeader(name.cost ?? name.cost_micros ?? ""));
  const decimal = inferDecimalMark(sampleCells(table, [index.cost, index.conversions, index.revenue, index.impressions]), english ? "." : ",");
  const dateOrder: DateOrder = english ? "mdy" : "dmy";
  const headerLine = recordAt(table, table.headerIndex)?.line ?? 1;
  if (index.clicks !== undefined && /interac/i.test(name.clicks ?? "")) {
    addWarning(ctx.sink, headerLine, name.clicks, "the report has no Clicks column: Interactions are read as clicks");
  }
  requireCurrency(null, index.currency !== undefined, ctx);

  // The preamble's second line is the report's date range ("March 27, 2026 - April 23, 2026", "All time").
  const preamble = preambleOf(table);
  const rangeText = preamble.map(firstFilled).find((t, i) => i > 0 && t !== "") ?? "";
  const reportRange = parseDateRangeText(rangeText, dateOrder);
  const segment = findSegment(header);
  const fallback: DateRange | null = reportRange ?? ctx.opts.period ?? null;
  if (index.date === undefined && !segment && !fallback) {
    const what = rangeText ? `covers '${rangeText}'` : "states no date range";
    throw new UserError(
      "report_without_dates",
      `this Google Ads report ${what} and has no Day column, so the dates of its rows are unknown: download it again with a custom date range (or segmented by Day), or pass the period it covers (--period 2026-01-01..2026-01-31)`,
    );
  }
  const firstApiZone = api && index.timezone !== undefined ? (recordAt(table, table.headerIndex + 1)?.record[index.timezone] ?? "").trim() || null : null;
  let totalsSeen = 0;
  // A totals row is told by its first filled cell ("Total: Campaigns", or "Total" in a UI export).
  const totalsOf = (first: string) => (TOTALS.test(first) || (!api && /^total$/i.test(first)) ? first : null);
  const plan: RowPlan = {
    source: "google-ads",
    columns,
    decimal,
    dateOrder,
    fileCurrency: null,
    timezone: reportTimezone(firstApiZone, ctx),
    accountId: ctx.opts.account ?? "",
    accountName: "",
    fallbackRange: fallback,
    totalsLabel: (record) => totalsOf(firstFilled(record)),
    fastTotals: totalsOf,
    // The first totals row under the data sums exactly the rows listed ("Total: Campaigns",
    // "Total: All but removed keywords"); account and channel totals cover other sets.
    checkTotals: (label) => {
      totalsSeen++;
      const kind = label.replace(TOTALS, "").trim().toLowerCase();
      return totalsSeen === 1 && !PARTIAL_TOTALS.has(kind);
    },
    rowRange:
      segment && index.date === undefined
        ? (cell) => segmentRange(segment.kind, cell(segment.index), dateOrder, reportRange) ?? `'${cell(segment.index).trim()}' is not a ${segment.kind}`
        : undefined,
    derive: adNameFallback(header),
    streams: true,
  };
  if (plan.rowRange === undefined) delete plan.rowRange;
  const built = buildPlatformRows(table, plan, ctx);
  return { format: api ? "google-ads:api" : "google-ads:ui", ...built };
}

function findSegment(header: readonly string[]): { kind: SegmentKind; index: number } | null {
  const norm = header.map(normaliseHeader);
  for (const kind of ["week", "month", "quarter", "year"] as const) {
    const i = norm.findIndex((h) => SEGMENTS[kind].includes(h));
    if (i >= 0) return { kind, index: i };
  }
  return null;
}

/** Responsive ads have no name: the ad is named by its first headline, so ad-level rows stay apart. */
function adNameFallback(header: readonly string[]): RowPlan["derive"] {
  const norm = header.map(normaliseHeader);
  const candidates = ["ad name", "headline 1", "headline", "long headline", "description"].map((h) => norm.indexOf(h)).filter((i) => i >= 0);
  if (candidates.length === 0) return undefined;
  return (row, cell) => {
    if (row.ad !== "" || row.ad_id !== "") return;
    for (const i of candidates) {
      const v = cell(i).trim();
      if (v !== "" && v !== "--") {
        row.ad = v;
        row.ad_id = v;
        return;
      }
    }
  };
}

export const googleAds: PlatformParser = {
  id: "google-ads",
  label: "Google Ads",
  aliases: ["google", "googleads", "google_ads", "adwords", "google-ads-api"],
  knownHeaders: [...aliasNames(ALIASES), ...Object.values(SEGMENTS).flat(), "currency code", "campaign status", "interaction rate", "avg. cpc"],
  match,
  parse,
};

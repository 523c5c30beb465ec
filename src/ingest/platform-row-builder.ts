import { canonicalAccountId } from "../domain/account-ids.js";
import { campaignState } from "../domain/campaign-status.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import { blankSpendRow } from "../domain/spend.js";
import { SpendColumnsBuilder } from "../domain/spend-columns.js";
import type { Role } from "./columns.js";
import { isBlankRecord } from "./delimited.js";
import { ROW_BATCH } from "./generic-row.js";
import { readLocaleNumber } from "./locale-number.js";
import type { PlatformContext } from "./platform.js";
import type { BuiltRows, RowPlan } from "./platform-rows.js";
import { columnOf, RecordReader } from "./record-reader.js";
import { rowCurrencyReader } from "./report-currency.js";
import type { SpanCells } from "./span-cells.js";
import { shapeTotals } from "./totals-shape.js";

/** The column of each role a row reads (-1 when the file has none), looked up once per file. */
function roleColumns(plan: RowPlan) {
  const c = (role: Parameters<typeof columnOf>[1]) => columnOf(plan, role);
  return {
    accountId: c("account_id"),
    accountName: c("account_name"),
    currency: c("currency"),
    campaignId: c("campaign_id"),
    campaign: c("campaign"),
    adGroupId: c("ad_group_id"),
    adGroup: c("ad_group"),
    adId: c("ad_id"),
    ad: c("ad"),
    placement: c("placement"),
    country: c("country"),
    device: c("device"),
    age: c("age"),
    gender: c("gender"),
    cost: c("cost"),
    costMicros: c("cost_micros"),
    revenue: c("revenue"),
    revenueMicros: c("revenue_micros"),
    impressions: c("impressions"),
    clicks: c("clicks"),
    conversions: c("conversions"),
    viewable: c("viewable_impressions"),
    measurable: c("measurable_impressions"),
    reach: c("reach"),
    frequency: c("frequency"),
    campaignStatus: c("campaign_status"),
    deliveryStatus: c("delivery_status"),
  };
}

/**
 * Turns a platform table's data records, one at a time, into spend rows, reach rows, file totals
 * and located issues, following the plan. A record comes as an array of cells or, from the fast
 * scan, as spans of the text; both are read by the same code.
 * @example const b = new PlatformRowBuilder(plan, ctx, 12); b.record(cells, 4); b.finish().rows
 */
export class PlatformRowBuilder {
  private readonly out: BuiltRows = { rows: [], rowLines: [], reach: [] };
  private readonly reader: RecordReader;
  private readonly col: ReturnType<typeof roleColumns>;
  private readonly currencyOf: ReturnType<typeof rowCurrencyReader>;
  private readonly onColumns: PlatformContext["onColumns"];
  private batch: SpendColumnsBuilder | null;
  /** Streamed rows are copied into the batch's columns: one row object, every field set for each record. */
  private readonly streamed: SpendRow | null;
  /** Data records seen (totals rows included), less one. */
  private nth = -1;
  /** Totals labels of first filled cells already seen (plan.fastTotals as a function). */
  private readonly totalsCache = new Map<string, string | null>();
  /** Totals rows told by their shape (identity cells holding labels or placeholders only). */
  private readonly shape: ReturnType<typeof shapeTotals>;
  /** The record the fast scan holds, and a cell accessor on it for the shape rule. */
  private current: SpanCells | null = null;
  private readonly spanCell = (i: number): string => (this.current as SpanCells).value(i);

  constructor(
    private readonly plan: RowPlan,
    private readonly ctx: PlatformContext,
    /** Fields of the header row. */
    private readonly width: number,
  ) {
    const { index, name } = plan.columns;
    this.currencyOf = rowCurrencyReader(plan.fileCurrency, ctx, index.currency, name.currency);
    this.reader = new RecordReader(plan, ctx);
    this.col = roleColumns(plan);
    this.onColumns = plan.streams ? ctx.onColumns : undefined;
    this.batch = this.onColumns ? new SpendColumnsBuilder(ROW_BATCH) : null;
    this.streamed = this.batch ? blankSpendRow() : null;
    this.shape = plan.totalsByShape === false ? null : shapeTotals(plan.columns, plan.identityColumns);
  }

  /** Reads a record given as cells; false once the data has ended (a footer). */
  record(record: readonly string[], line: number): boolean {
    const { plan, reader } = this;
    if (plan.endOfData?.(record)) {
      this.ctx.sink.dataEnded = true;
      return false;
    }
    if (isBlankRecord(record)) return true;
    this.nth++;
    const label = plan.totalsLabel(record, this.nth);
    if (label !== null) {
      if (plan.checkTotals?.(label, record)) addFileTotals(label, record, plan, this.ctx, line);
      const reach = plan.totalsReach?.(label, record);
      if (reach) this.out.reach.push(reach);
      return true;
    }
    const shaped = this.shape?.label((i) => record[i] ?? "") ?? null;
    if (shaped !== null) {
      if (plan.checkShapeTotals !== false) addFileTotals(shaped, record, plan, this.ctx, line);
      return true;
    }
    reader.start(record, line);
    const { width } = this;
    if (record.length !== width && (record.length < width || record.slice(width).some((c) => c.trim() !== ""))) {
      reader.fail(
        null,
        `row has ${record.length} fields but the header has ${width}: ${record.length > width ? "an unquoted delimiter in a value" : "a missing delimiter"}?`,
      );
      return true;
    }
    this.row(line);
    return true;
  }

  /**
   * Reads a record found as spans of the text (exactly `width` fields); false when it has to be
   * read as cells instead: the first data record (Meta's summary row) and any the plan's fastTotals
   * cannot rule out as a totals row.
   */
  spans(spans: SpanCells, line: number): boolean {
    const { fastTotals } = this.plan;
    if (this.nth < 0 || !fastTotals || spans.blank()) return false;
    if (fastTotals !== "first") {
      const first = spans.value(0).trim();
      if (first === "" || first === "--" || first === "-") return false;
      let label = this.totalsCache.get(first);
      if (label === undefined) {
        label = fastTotals(first);
        if (this.totalsCache.size >= 4096) this.totalsCache.clear();
        this.totalsCache.set(first, label);
      }
      if (label !== null) return false;
    }
    // A totals row told by its shape has no plain value where identities belong: the first identity
    // cell that starts like one settles it on the characters (most records), else the rule decides.
    if (this.shape) {
      let plain = false;
      for (const c of this.shape.columns) {
        if (spans.plainValue(c)) {
          plain = true;
          break;
        }
      }
      if (!plain) {
        this.current = spans;
        if (this.shape.possible(this.spanCell)) return false;
      }
    }
    this.nth++;
    this.reader.startSpans(spans, line);
    this.row(line);
    return true;
  }

  /** The rows, reach rows of the records read (the last partial batch handed over when streaming). */
  finish(): BuiltRows {
    if (this.batch && this.onColumns && this.batch.length > 0) this.onColumns(this.batch.finish());
    this.batch = null;
    return this.out;
  }

  /** Makes the row of the record the reader holds (its cells, or its spans). */
  private row(line: number): void {
    const { plan, reader, col } = this;
    const range = reader.dates();
    const row = this.streamed ?? blankSpendRow();
    row.source = plan.source;
    row.account_id = canonicalAccountId(row.source, reader.text(col.accountId) || plan.accountId);
    row.account_name = reader.text(col.accountName) || plan.accountName;
    row.account_timezone = plan.timezone;
    row.currency = this.currencyOf(reader.cell(col.currency), line, reader.failer);
    reader.currency = row.currency;
    // A name defaults to its id and an id to its name, so every level is identified either way.
    row.campaign_id = reader.text(col.campaignId);
    row.campaign = reader.text(col.campaign) || row.campaign_id;
    row.campaign_id ||= row.campaign;
    row.ad_group_id = reader.text(col.adGroupId);
    row.ad_group = reader.text(col.adGroup) || row.ad_group_id;
    row.ad_group_id ||= row.ad_group;
    row.ad_id = reader.text(col.adId);
    row.ad = reader.text(col.ad) || row.ad_id;
    row.ad_id ||= row.ad;
    row.placement = reader.text(col.placement);
    row.country = reader.text(col.country);
    row.device = reader.text(col.device);
    row.age = reader.text(col.age);
    row.gender = reader.text(col.gender);
    const cost = col.cost >= 0 ? reader.num(col.cost, "cost", "money") : reader.num(col.costMicros, "cost_micros", "micros");
    const revenue = col.revenue >= 0 ? reader.num(col.revenue, "revenue", "money") : reader.num(col.revenueMicros, "revenue_micros", "micros");
    row.cost = (cost as bigint | null) ?? 0n;
    row.revenue = (revenue as bigint | null) ?? 0n;
    row.impressions = (reader.num(col.impressions, "impressions", "count") as number | null) ?? 0;
    row.clicks = (reader.num(col.clicks, "clicks", "count") as number | null) ?? 0;
    row.conversions = (reader.num(col.conversions, "conversions", "decimal") as number | null) ?? 0;
    row.viewable_impressions = (reader.num(col.viewable, "viewable_impressions", "count") as number | null) ?? 0;
    row.measurable_impressions = (reader.num(col.measurable, "measurable_impressions", "count") as number | null) ?? 0;
    if (row.cost < 0n) {
      const costRole = col.cost >= 0 ? "cost" : "cost_micros";
      reader.fail(costRole, `cost is negative (${reader.cell(col.cost >= 0 ? col.cost : col.costMicros).trim()})`);
    }
    if (reader.errors > 0 || !range) return;
    plan.derive?.(row, reader.cellOf);
    row.date_start = range.from;
    row.date_end = range.to;
    if (this.batch && this.onColumns) {
      this.batch.add(row);
      if (this.batch.length === ROW_BATCH) {
        this.onColumns(this.batch.finish());
        this.batch = new SpendColumnsBuilder(ROW_BATCH);
      }
    } else {
      this.out.rows.push(row);
      this.out.rowLines.push(line);
    }
    if (col.reach >= 0 && plan.keepReach !== false) this.addReach(row);
    if (col.campaignStatus >= 0 || col.deliveryStatus >= 0) this.noteStatus(row);
  }

  /** Keeps the campaign's status the row gives, when it is the latest seen for that campaign. */
  private noteStatus(row: SpendRow): void {
    const { reader, col } = this;
    const cell = col.campaignStatus >= 0 ? reader.text(col.campaignStatus) : row.ad_group === "" && row.ad === "" ? reader.text(col.deliveryStatus) : "";
    const state = campaignState(cell);
    if (state === null || row.campaign_id === "") return;
    const key = `${row.source}\u0000${row.account_id}\u0000${row.campaign_id}`;
    const seen = this.ctx.statuses.get(key);
    if (seen && seen.as_of > row.date_end) return;
    this.ctx.statuses.set(key, { source: row.source, account_id: row.account_id, campaign_id: row.campaign_id, campaign: row.campaign, state, reported: cell, as_of: row.date_end });
  }

  private addReach(row: SpendRow): void {
    const reach = this.reader.num(this.col.reach, "reach", "count") as number | null;
    const frequency = this.reader.num(this.col.frequency, "frequency", "decimal") as number | null;
    const level = reachLevel(row);
    if (reach === null || !level) return;
    const r = reachOfRow(row, level, reach, frequency);
    if (this.ctx.onReach) this.ctx.onReach(r);
    else this.out.reach.push(r);
  }
}

const BREAKDOWNS: Role[] = ["country", "device", "age", "gender", "placement"];

/** The level of a row's reach, or null when the row is a breakdown (reach by age, country… has no level). @example reachLevel(adSetRow) // "ad_group" */
export function reachLevel(row: SpendRow): PlatformReachRow["level"] | null {
  for (const b of BREAKDOWNS) if (row[b as keyof SpendRow] !== "") return null;
  if (row.ad !== "") return "ad";
  if (row.ad_group !== "") return "ad_group";
  if (row.campaign !== "") return "campaign";
  return "account";
}

/**
 * The platform's reach of a row's entity over the row's dates, at a level (never summed: DESIGN rule 3).
 * @example reachOfRow(adRow, "ad", 1400, 1.09).reach // 1400
 */
export function reachOfRow(row: SpendRow, level: PlatformReachRow["level"], reach: number, frequency: number | null): PlatformReachRow {
  return {
    source: row.source,
    account_id: row.account_id,
    level,
    campaign: row.campaign,
    ad_group: row.ad_group,
    ad: row.ad,
    date_start: row.date_start,
    date_end: row.date_end,
    reach,
    impressions: row.impressions,
    frequency,
  };
}

/**
 * Adds a totals row's cost, impressions and clicks to the file totals (the app checks the rows add
 * up to them). A micros cost column's total is also taken as units, as the AdWords API wrote it.
 * @example addFileTotals("Grand Total:", record, plan, ctx, 42)
 */
export function addFileTotals(label: string, record: readonly string[], plan: RowPlan, ctx: PlatformContext, line: number): void {
  const { index } = plan.columns;
  const read = (i: number | undefined): number | null => {
    if (i === undefined) return null;
    const v = readLocaleNumber(record[i] ?? "", plan.decimal);
    return v.kind === "number" ? Number(v.text) : null;
  };
  const micros = index.cost === undefined ? read(index.cost_micros) : null;
  const cost = index.cost !== undefined ? read(index.cost) : micros === null ? null : micros / 1e6;
  const impressions = read(index.impressions);
  const clicks = read(index.clicks);
  const totals = ctx.sink.fileTotals;
  if (cost !== null) totals.push({ label, line, measure: "cost", expected: cost, ...(micros !== null ? { expectedOr: micros } : {}) });
  if (impressions !== null) totals.push({ label, line, measure: "impressions", expected: impressions });
  if (clicks !== null) totals.push({ label, line, measure: "clicks", expected: clicks });
}

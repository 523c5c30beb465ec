import { canonicalAccountId } from "../domain/account-ids.js";
import { isoToEpochDay } from "../domain/dates.js";
import { fitsStoredMicros, tooLargeAmount } from "../domain/money.js";
import { blankSpendRow, type ParseIssue, type SpendRow } from "../domain/spend.js";
import { type SpendColumns, SpendColumnsBuilder } from "../domain/spend-columns.js";
import { signAgrees, signCurrency } from "./currency-signs.js";
import { fieldKind, GENERIC_FIELDS } from "./generic-columns.js";
import { plainToMicros, plainToWhole, readLocaleNumber } from "./locale-number.js";
import { isIanaTimeZone } from "./time-zone.js";
import type { IssueSink } from "./types.js";

// Slot numbers of generic-columns.ts, repeated here so the hot path reads constants, not imports
// (a test checks they agree).
const F_DATE = 0;
const F_DATE_START = 1;
const F_DATE_END = 2;
const F_SOURCE = 3;
const F_ACCOUNT = 4;
const F_ACCOUNT_NAME = 5;
const F_CAMPAIGN = 6;
const F_CAMPAIGN_ID = 7;
const F_AD_GROUP = 8;
const F_AD_GROUP_ID = 9;
const F_AD = 10;
const F_AD_ID = 11;
const F_PLACEMENT = 12;
const F_CURRENCY = 13;
const F_TIMEZONE = 14;
const F_COUNTRY = 15;
const F_DEVICE = 16;
const F_AGE = 17;
const F_GENDER = 18;
const TEXT_FIELDS = 19;
const F_COST = 19;
const F_REVENUE = 20;
const F_IMPRESSIONS = 21;
const F_CLICKS = 22;
const F_VIEWABLE = 23;

export interface GenericDefaults {
  source: string;
  account: string;
  /** --currency, already normalised, or null. */
  currency: string | null;
  timezone: string;
}

/** Rows per batch handed to a streaming caller. */
export const ROW_BATCH = 16_384;

const TOTALS_LABEL = /^(grand\s+)?totals?\b/i;
const ISO_CURRENCY = /^[A-Z]{3}$/;

/**
 * Collects one generic row's fields, checks them and turns them into a SpendRow. Used by the fast
 * text scanner and by the record path (XLSX, mapped files) alike, so both give the same rows and
 * issues. Problems found in a row are held until the row ends: a totals row never reports them.
 */
/** The slot constants used here, for the test that checks them against generic-columns.ts. */
export const ROW_SLOTS = {
  F_DATE,
  F_DATE_START,
  F_DATE_END,
  F_SOURCE,
  F_ACCOUNT,
  F_ACCOUNT_NAME,
  F_CAMPAIGN,
  F_CAMPAIGN_ID,
  F_AD_GROUP,
  F_AD_GROUP_ID,
  F_AD,
  F_AD_ID,
  F_PLACEMENT,
  F_CURRENCY,
  F_TIMEZONE,
  F_COUNTRY,
  F_DEVICE,
  F_AGE,
  F_GENDER,
  TEXT_FIELDS,
  F_COST,
  F_REVENUE,
  F_IMPRESSIONS,
  F_CLICKS,
  F_VIEWABLE,
};

export class GenericRowAssembler {
  readonly rows: SpendRow[] = [];
  readonly rowLines: number[] = [];
  readonly text: string[] = new Array<string>(TEXT_FIELDS).fill("");
  cost = 0n;
  revenue = 0n;
  impressions = 0;
  clicks = 0;
  viewable = 0;
  measurable = 0;
  conversions = 0;
  hasCost = false;
  hasImpressions = false;
  private broken = false;
  /** The last money cell of the row written with a currency sign or code, checked against the row's currency. */
  private moneySign: { slot: number; sign: string; raw: string } | null = null;
  private line = 0;
  private pending: ParseIssue[] = [];
  private readonly dateOk = new Map<string, boolean>();
  private lastDate = "\u0000";
  private lastCurrencyRaw = "\u0000";
  private lastCurrency = "";
  private lastCurrencyError: string | null = null;
  private readonly hasSlot: boolean[];
  /** The row being made: filled in place, then copied (rows) or added to the batch (columns). */
  private readonly row: SpendRow = blankSpendRow();
  private columns: SpendColumnsBuilder | null;

  constructor(
    private readonly sink: IssueSink,
    /** Column name (as written) of each slot, "" when the file has no column for it. */
    private readonly slotNames: readonly string[],
    private readonly defaults: GenericDefaults,
    private readonly decimal: "." | "," = ".",
    /** When given, rows are handed over as column batches of `ROW_BATCH` as they are made (and not kept). */
    private readonly onColumns?: (batch: SpendColumns) => void,
  ) {
    this.hasSlot = slotNames.map((n) => n !== "");
    this.columns = onColumns ? new SpendColumnsBuilder(ROW_BATCH) : null;
  }

  /** Hands over the rows of a last, partial batch (streaming only). */
  flush(): void {
    if (!this.onColumns || !this.columns || this.columns.length === 0) return;
    this.onColumns(this.columns.finish());
    this.columns = new SpendColumnsBuilder(ROW_BATCH);
  }

  /** Starts a row read from `line`. */
  begin(line: number): void {
    this.line = line;
    const t = this.text;
    for (let i = 0; i < TEXT_FIELDS; i++) t[i] = "";
    this.cost = 0n;
    this.revenue = 0n;
    this.impressions = 0;
    this.clicks = 0;
    this.viewable = 0;
    this.measurable = 0;
    this.conversions = 0;
    this.hasCost = false;
    this.hasImpressions = false;
    this.broken = false;
    this.moneySign = null;
    if (this.pending.length) this.pending = [];
  }

  /** Records a problem with the current row. */
  fail(slot: number, message: string): void {
    this.pending.push({
      severity: "error",
      line: this.line,
      column: this.slotNames[slot] || GENERIC_FIELDS[slot],
      message,
    });
  }

  /** Sets any field from its cell text (the slow, general path). */
  setRaw(slot: number, raw: string): void {
    const kind = fieldKind(slot);
    if (kind === "text") {
      this.text[slot] = raw.trim();
      return;
    }
    const cell = readLocaleNumber(raw, this.decimal);
    const name = GENERIC_FIELDS[slot];
    if (cell.kind === "empty") return;
    if (slot === F_COST) this.hasCost = true;
    else if (slot === F_IMPRESSIONS) this.hasImpressions = true;
    if (cell.kind !== "number") {
      this.fail(slot, `'${raw.trim()}' is not a number`);
      return;
    }
    if (kind === "money") {
      if (cell.sign !== undefined) this.moneySign = { slot, sign: cell.sign, raw: raw.trim() };
      const micros = plainToMicros(cell.text);
      if (!fitsStoredMicros(micros)) {
        this.fail(slot, tooLargeAmount(raw.trim()));
        return;
      }
      if (slot === F_COST) {
        if (micros < 0n) this.fail(slot, `cost is negative (${raw.trim()})`);
        this.cost = micros;
        this.hasCost = true;
      } else this.revenue = micros;
    } else if (kind === "count") {
      const n = plainToWhole(cell.text);
      if (n === null) this.fail(slot, `${name} must be a whole number, got '${raw.trim()}'`);
      else if (n < 0) this.fail(slot, `${name} is negative (${raw.trim()})`);
      else this.setCount(slot, n);
    } else {
      this.conversions = Number(cell.text);
    }
  }

  /** Sets cost or revenue from exact, non-negative micros. */
  setMicros(slot: number, micros: bigint): void {
    if (slot === F_COST) {
      this.cost = micros;
      this.hasCost = true;
    } else this.revenue = micros;
  }

  /** Records a problem with the row as a whole (no column). */
  failRow(message: string): void {
    this.broken = true;
    this.pending.push({ severity: "error", line: this.line, message });
  }

  /** Sets a count field from an already parsed whole, non-negative number. */
  setCount(slot: number, n: number): void {
    if (slot === F_IMPRESSIONS) {
      this.impressions = n;
      this.hasImpressions = true;
    } else if (slot === F_CLICKS) this.clicks = n;
    else if (slot === F_VIEWABLE) this.viewable = n;
    else this.measurable = n;
  }

  /** Ends the row: returns true when it was kept. */
  end(): boolean {
    const t = this.text;
    const line = this.line;
    let start = t[F_DATE_START] as string;
    let end = t[F_DATE_END] as string;
    const day = t[F_DATE] as string;
    if (start === "" && end === "" && day === "" && this.isTotalsRow()) return false;
    const errors = this.pending;
    if (start === "" && end === "" && this.hasSlot[F_DATE]) {
      if (day === "") this.fail(F_DATE, "date is empty");
      else if (!this.validDate(day)) this.fail(F_DATE, `'${day}' is not a date as YYYY-MM-DD`);
      start = day;
      end = day;
    } else {
      const okStart = this.checkDate(F_DATE_START, start);
      const okEnd = this.checkDate(F_DATE_END, end);
      if (okStart && okEnd && end < start) this.fail(F_DATE_END, `date_end ${end} is before date_start ${start}`);
    }
    const campaign = t[F_CAMPAIGN] as string;
    if (!this.broken) {
      // A row with the wrong number of fields already has its error; its empty cells are noise.
      if (campaign === "") this.fail(F_CAMPAIGN, "campaign is empty");
      if (!this.hasCost) this.fail(F_COST, "cost is empty");
      if (!this.hasImpressions) this.fail(F_IMPRESSIONS, "impressions is empty");
    }
    const currency = this.rowCurrency();
    const sign = this.moneySign;
    if (sign && currency && !signAgrees(sign.sign, currency)) {
      this.fail(sign.slot, `'${sign.raw}' is written in ${signCurrency(sign.sign) ?? `'${sign.sign}'`}, but the row's currency is ${currency}`);
    }
    const timezone = this.rowTimezone();
    if (errors.length > 0) {
      for (const e of errors) this.sink.issues.push(e);
      this.pending = [];
      return false;
    }
    const adGroup = t[F_AD_GROUP] as string;
    const ad = t[F_AD] as string;
    const r = this.row;
    r.date_start = start;
    r.date_end = end;
    r.source = (t[F_SOURCE] as string) || this.defaults.source;
    r.account_id = canonicalAccountId(r.source, (t[F_ACCOUNT] as string) || this.defaults.account);
    r.account_name = t[F_ACCOUNT_NAME] as string;
    r.account_timezone = timezone;
    r.currency = currency;
    r.campaign_id = (t[F_CAMPAIGN_ID] as string) || campaign;
    r.campaign = campaign;
    r.ad_group_id = (t[F_AD_GROUP_ID] as string) || adGroup;
    r.ad_group = adGroup;
    r.ad_id = (t[F_AD_ID] as string) || ad;
    r.ad = ad;
    r.placement = t[F_PLACEMENT] as string;
    r.country = t[F_COUNTRY] as string;
    r.device = t[F_DEVICE] as string;
    r.age = t[F_AGE] as string;
    r.gender = t[F_GENDER] as string;
    r.cost = this.cost;
    r.impressions = this.impressions;
    r.clicks = this.clicks;
    r.conversions = this.conversions;
    r.revenue = this.revenue;
    r.viewable_impressions = this.viewable;
    r.measurable_impressions = this.measurable;
    if (this.columns) {
      this.columns.add(r);
      if (this.columns.length === ROW_BATCH) this.flush();
    } else {
      this.rows.push({ ...r });
      this.rowLines.push(line);
    }
    return true;
  }

  private checkDate(slot: number, value: string): boolean {
    if (value === "") {
      this.fail(slot, `${GENERIC_FIELDS[slot]} is empty`);
      return false;
    }
    if (!this.validDate(value)) {
      this.fail(slot, `'${value}' is not a date as YYYY-MM-DD`);
      return false;
    }
    return true;
  }

  private validDate(value: string): boolean {
    if (value === this.lastDate) return true;
    let ok = this.dateOk.get(value);
    if (ok === undefined) {
      ok = isoToEpochDay(value) !== null;
      this.dateOk.set(value, ok);
    }
    if (ok) this.lastDate = value;
    return ok;
  }

  private rowCurrency(): string {
    const raw = this.text[F_CURRENCY] as string;
    if (raw !== this.lastCurrencyRaw) {
      this.lastCurrencyRaw = raw;
      this.lastCurrencyError = null;
      this.lastCurrency = this.checkCurrency(raw);
    }
    if (this.lastCurrencyError !== null) this.fail(F_CURRENCY, this.lastCurrencyError);
    return this.lastCurrency;
  }

  private checkCurrency(raw: string): string {
    const fallback = this.defaults.currency;
    if (raw === "") {
      if (fallback) return fallback;
      this.lastCurrencyError = "currency is empty and --currency was not given";
      return "";
    }
    const code = raw.trim().toUpperCase();
    if (!ISO_CURRENCY.test(code)) {
      this.lastCurrencyError = `'${raw}' is not an ISO-4217 currency code`;
      return "";
    }
    if (fallback && code !== fallback) this.lastCurrencyError = `currency ${code} disagrees with --currency ${fallback}`;
    return code;
  }

  private rowTimezone(): string {
    const zone = this.text[F_TIMEZONE] as string;
    if (zone === "") return this.defaults.timezone;
    if (!isIanaTimeZone(zone)) this.fail(F_TIMEZONE, `'${zone}' is not an IANA time zone (e.g. Europe/Paris)`);
    return zone;
  }

  private isTotalsRow(): boolean {
    const t = this.text;
    const label = [t[F_CAMPAIGN], t[F_SOURCE], t[F_ACCOUNT], t[F_ACCOUNT_NAME]].find((v) => v !== "") ?? "";
    if (!TOTALS_LABEL.test(label)) return false;
    const totals = this.sink.fileTotals;
    const line = this.line;
    if (this.hasCost) totals.push({ label, line, measure: "cost", expected: Number(this.cost) / 1e6 });
    if (this.hasImpressions) totals.push({ label, line, measure: "impressions", expected: this.impressions });
    if (this.hasSlot[F_CLICKS]) totals.push({ label, line, measure: "clicks", expected: this.clicks });
    this.pending = [];
    return true;
  }
}

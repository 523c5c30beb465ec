import { UserError } from "../../domain/errors.js";
import { parseGenericRecords } from "../generic.js";
import { GENERIC_FIELDS, genericSlot } from "../generic-columns.js";
import { normaliseHeader } from "../header.js";
import { type DateOrder, parseLocaleDate } from "../locale-date.js";
import { readLocaleNumber } from "../locale-number.js";
import type { PlatformContext, PlatformResult, Table, TableRecord } from "../platform.js";
import { recordAt, recordsFrom } from "../table-records.js";
import type { ColumnMapping } from "../types.js";
import { addError } from "../types.js";

/**
 * A user's --map for a file in no known format: `{"date": "Fecha", "campaign": "Campaña",
 * "cost": "Coste", "impressions": "Impresiones", "decimal": ",", "date_order": "dmy"}`. Keys are
 * the generic format's fields; columns the map does not name are still read when their header
 * is a generic field name. Rows then go through the generic format's checks.
 */
export interface PreparedMapping {
  /** Normalised header → generic field slot. */
  slots: Map<string, number>;
  /** Normalised header → the name as the map writes it. */
  written: Map<string, string>;
  decimal: "." | ",";
  dateOrder: DateOrder;
  moneyUnit: "units" | "micros";
  /** True for a header name the map names (finds the header row). */
  isKnown: (normalised: string) => boolean;
}

const SETTINGS = new Set(["decimal", "date_order", "money_unit"]);

/**
 * Checks a --map object and prepares it; unknown keys or settings are a UserError naming the valid ones.
 * @example prepareMapping({ date: "Fecha", cost: "Coste" }).slots.get("coste") // 19
 */
export function prepareMapping(mapping: ColumnMapping): PreparedMapping {
  const slots = new Map<string, number>();
  const written = new Map<string, string>();
  for (const [key, value] of Object.entries(mapping)) {
    if (SETTINGS.has(key)) continue;
    const slot = genericSlot(key);
    if (slot < 0) {
      throw new UserError("bad_mapping", `--map: '${key}' is not a field; use ${GENERIC_FIELDS.join(", ")}, or the settings decimal, date_order, money_unit`);
    }
    if (typeof value !== "string" || value.trim() === "") throw new UserError("bad_mapping", `--map: '${key}' must name a column of the file`);
    slots.set(normaliseHeader(value), slot);
    written.set(normaliseHeader(value), value.trim());
  }
  const decimal = mapping.decimal ?? ".";
  const dateOrder = (mapping.date_order ?? "ymd").toLowerCase();
  const moneyUnit = mapping.money_unit ?? "units";
  if (decimal !== "." && decimal !== ",") throw new UserError("bad_mapping", `--map: decimal must be "." or ",", got '${decimal}'`);
  if (dateOrder !== "ymd" && dateOrder !== "dmy" && dateOrder !== "mdy")
    throw new UserError("bad_mapping", `--map: date_order must be ymd, dmy or mdy, got '${dateOrder}'`);
  if (moneyUnit !== "units" && moneyUnit !== "micros") throw new UserError("bad_mapping", `--map: money_unit must be units or micros, got '${moneyUnit}'`);
  const names = new Set(slots.keys());
  return {
    slots,
    written,
    decimal,
    dateOrder,
    moneyUnit,
    isKnown: (h) => names.has(h) || genericSlot(h) >= 0,
  };
}

/**
 * Parses a table with a user's mapping: finds the header row holding the mapped columns, turns
 * locale dates into ISO and micros into units, then reads rows as the generic format does.
 * @example parseMappedTable(table, prepareMapping({ date: "Fecha", campaign: "Campaña", cost: "Coste", impressions: "Impr" }), ctx).rows
 */
export function parseMappedTable(table: Table, mapping: PreparedMapping, ctx: PlatformContext): PlatformResult {
  const empty: PlatformResult = {
    format: "mapped",
    rows: [],
    rowLines: [],
    reach: [],
  };
  // The header row was searched for with the mapping's names when the file was opened (the first
  // records, as findHeaderRow reads them); the records after it are read a chunk at a time.
  const headerIndex = table.headerIndex;
  const head = headerIndex >= 0 ? recordAt(table, headerIndex) : undefined;
  const header = head?.record;
  const headerLine = head?.line ?? 1;
  const wanted = [...mapping.slots.keys()];
  const found = header ? new Set(header.map(normaliseHeader)) : new Set<string>();
  const absent = wanted.filter((w) => !found.has(w));
  if (!header || absent.length > 0) {
    addError(
      ctx.sink,
      headerLine,
      undefined,
      `--map names column${absent.length > 1 ? "s" : ""} ${(absent.length ? absent : wanted).map((w) => mapping.written.get(w) ?? w).join(", ")} that the file's header does not have${header ? `; the header is: ${header.map((h) => h.trim()).join(", ")}` : ""}`,
    );
    return empty;
  }
  const slots = header.map((h) => mapping.slots.get(normaliseHeader(h)) ?? genericSlot(h));
  const taken = new Set<number>();
  const slotNames = new Array<string>(GENERIC_FIELDS.length).fill("");
  slots.forEach((slot, i) => {
    if (slot < 0 || taken.has(slot)) {
      slots[i] = -1;
      return;
    }
    taken.add(slot);
    slotNames[slot] = (header[i] as string).trim();
  });
  const missing = ["campaign", "cost", "impressions"].filter((f) => !taken.has(genericSlot(f)));
  if (!taken.has(0) && !(taken.has(1) && taken.has(2))) missing.unshift("date (or date_start and date_end)");
  if (missing.length > 0) {
    addError(ctx.sink, headerLine, undefined, `--map does not say which column holds ${missing.join(", ")}`);
    return empty;
  }
  if (!taken.has(13) && !ctx.currency) throw new UserError("missing_currency", "the file does not state its currency: pass --currency");
  const convert = (cell: string, i: number): string => {
    const slot = slots[i] as number;
    if (slot >= 0 && slot <= 2 && mapping.dateOrder !== "ymd") return parseLocaleDate(cell, mapping.dateOrder) ?? cell;
    if ((slot === 19 || slot === 20) && mapping.moneyUnit === "micros") return microsToUnitsText(cell, mapping.decimal);
    return cell;
  };
  function* body(): Generator<TableRecord> {
    for (const { record, line } of recordsFrom(table, headerIndex + 1)) yield { record: record.map(convert), line };
  }
  const defaults = {
    source: ctx.opts.source ?? "generic",
    account: ctx.opts.account ?? "",
    currency: ctx.currency,
    timezone: ctx.timezone ?? "UTC",
  };
  // Rows leave in column batches as they are made when the caller takes them (a large file's import).
  const out = parseGenericRecords(body(), { slots, slotNames }, defaults, ctx.sink, mapping.decimal, ctx.onColumns);
  return {
    format: "mapped",
    rows: out.rows,
    rowLines: out.rowLines,
    reach: [],
  };
}

/** "1234500000" micros as "1234.5" units (other text is left for the row checks to report). */
function microsToUnitsText(cell: string, decimal: "." | ","): string {
  const v = readLocaleNumber(cell, decimal);
  if (v.kind !== "number" || !/^-?\d+$/.test(v.text)) return cell;
  const neg = v.text.startsWith("-");
  const digits = (neg ? v.text.slice(1) : v.text).padStart(7, "0");
  const text = `${neg ? "-" : ""}${digits.slice(0, -6)}.${digits.slice(-6)}`;
  return decimal === "," ? text.replace(".", ",") : text;
}

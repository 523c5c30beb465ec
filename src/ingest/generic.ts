import type { SpendRow } from "../domain/spend.js";
import type { SpendColumns } from "../domain/spend-columns.js";
import { GENERIC_FIELDS, matchGenericHeader } from "./generic-columns.js";
import { scanGenericText } from "./generic-fast.js";
import { type GenericDefaults, GenericRowAssembler } from "./generic-row.js";
import type { TableRecord } from "./platform.js";
import { addError, type IssueSink } from "./types.js";

export interface GenericInput {
  /** Header cells as read from the file. */
  header: readonly string[];
  /** Line of the header row. */
  headerLine: number;
}

export interface GenericOutput {
  rows: SpendRow[];
  rowLines: number[];
}

export interface GenericPlan {
  slots: number[];
  slotNames: string[];
}

/**
 * Checks a header row against the generic format and plans which column fills which field; reports
 * missing or doubled columns as one error on the header line and returns null.
 * @example planGenericColumns({ header: ["date", "campaign", "cost", "impressions"], headerLine: 1 }, sink)?.slots // [0, 6, 19, 21]
 */
export function planGenericColumns(input: GenericInput, sink: IssueSink): GenericPlan | null {
  const match = matchGenericHeader(input.header);
  if (match.missing.length > 0) {
    addError(
      sink,
      input.headerLine,
      undefined,
      `missing required column${match.missing.length > 1 ? "s" : ""} ${match.missing.join(", ")}; the header found is: ${match.names.join(", ")}`,
    );
    return null;
  }
  if (match.duplicates.length > 0) {
    addError(
      sink,
      input.headerLine,
      undefined,
      `column${match.duplicates.length > 1 ? "s" : ""} ${match.duplicates.join(", ")} appear more than once in the header`,
    );
    return null;
  }
  const slotNames = new Array<string>(GENERIC_FIELDS.length).fill("");
  match.slots.forEach((slot, i) => {
    if (slot >= 0) slotNames[slot] = match.names[i] as string;
  });
  return { slots: match.slots, slotNames };
}

/** True when the plan has a currency column. @example planHasCurrency(plan) // false for date,campaign,cost,impressions */
export function planHasCurrency(plan: GenericPlan): boolean {
  return plan.slotNames[13] !== "";
}

/**
 * Parses the data rows of a generic CSV from the text after its header (the fast path).
 * @example parseGenericText("date,campaign,cost,impressions\n2026-01-01,a,5,100\n", 31, 2, ",", plan, defaults, sink).rows.length // 1
 */
export function parseGenericText(
  text: string,
  bodyStart: number,
  bodyLine: number,
  delimiter: string,
  plan: GenericPlan,
  defaults: GenericDefaults,
  sink: IssueSink,
  onColumns?: (batch: SpendColumns) => void,
): GenericOutput {
  const asm = new GenericRowAssembler(sink, plan.slotNames, defaults, ".", onColumns);
  scanGenericText(text, bodyStart, bodyLine, delimiter, plan.slots, asm);
  asm.flush();
  return { rows: asm.rows, rowLines: asm.rowLines };
}

/**
 * Parses generic rows given as records of cells, in order (an XLSX sheet, a mapped file's records):
 * with `onColumns`, rows leave in column batches as they are made and are not kept.
 * @example parseGenericRecords([{ record: ["2026-01-01", "a", "5", "100"], line: 2 }], plan, defaults, sink).rows[0]?.cost // 5000000n
 */
export function parseGenericRecords(
  records: Iterable<TableRecord>,
  plan: GenericPlan,
  defaults: GenericDefaults,
  sink: IssueSink,
  decimal: "." | "," = ".",
  onColumns?: (batch: SpendColumns) => void,
): GenericOutput {
  const asm = new GenericRowAssembler(sink, plan.slotNames, defaults, decimal, onColumns);
  const ncols = plan.slots.length;
  for (const { record, line } of records) {
    if (record.every((cell) => cell.trim() === "")) continue;
    asm.begin(line);
    const width = Math.min(record.length, ncols);
    for (let i = 0; i < width; i++) {
      const slot = plan.slots[i] as number;
      if (slot >= 0) asm.setRaw(slot, record[i] as string);
    }
    if (record.length < ncols) asm.failRow(`row has ${record.length} fields but the header has ${ncols}: a missing delimiter?`);
    else if (record.slice(ncols).some((cell) => cell.trim() !== "")) {
      asm.failRow(`row has ${record.length} fields but the header has ${ncols}: an unquoted delimiter in a value?`);
    }
    asm.end();
  }
  asm.flush();
  return { rows: asm.rows, rowLines: asm.rowLines };
}

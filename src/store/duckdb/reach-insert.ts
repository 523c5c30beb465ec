// Platform reach rows into DuckDB from columns (domain/reach-columns.ts). The fixed-width columns, text
// as its dictionary codes, reach DuckDB through a table function 2,048 rows at a time (copied into its
// vectors whole, as spend-scan.ts does for spend); one INSERT … SELECT then turns each code into its
// text by joining a small table of each column's distinct values. The appender took ~1.5 s for the
// 1M reach rows of a LinkedIn campaign export, with a native call per value.
import { DATE, DOUBLE, type DuckDBConnection, DuckDBTableFunction, type DuckDBType, UINTEGER } from "@duckdb/node-api";
import duckdbBindings from "@duckdb/node-bindings";
import { REACH_TEXT_FIELDS, type ReachColumns } from "../../domain/reach-columns.js";
import { copyInto } from "./spend-scan.js";

const CHUNK = 2048;
const SCAN = "cpi_reach_codes";
const NUMBERS = ["date_start", "date_end", "reach", "impressions", "frequency"] as const;
const TYPES: DuckDBType[] = [...REACH_TEXT_FIELDS.map(() => UINTEGER), DATE, DATE, DOUBLE, DOUBLE, DOUBLE];

type Raw = never;

/** The columns being read by the scan of one INSERT, and how far. */
interface ReachScanState {
  cols: ReachColumns;
  offset: number;
}

class ReachScan {
  state: ReachScanState | null = null;

  constructor(conn: DuckDBConnection) {
    const fn = DuckDBTableFunction.create({
      name: SCAN,
      bindFunction: (info) => {
        REACH_TEXT_FIELDS.forEach((f) => {
          info.addResultColumn(`${f}_code`, UINTEGER);
        });
        NUMBERS.forEach((name, k) => {
          info.addResultColumn(name, TYPES[REACH_TEXT_FIELDS.length + k] as DuckDBType);
        });
      },
      initFunction: (info) => info.setMaxThreads(1),
      mainFunction: (info, out) => {
        try {
          this.next(out.chunk);
        } catch (e) {
          info.setError(e instanceof Error ? e.message : String(e));
        }
      },
    });
    conn.registerTableFunction(fn);
  }

  private next(chunk: unknown): void {
    const s = this.state;
    if (!s) throw new Error("no reach insert is running");
    const { cols } = s;
    const n = Math.min(CHUNK, cols.length - s.offset);
    if (n <= 0) {
      duckdbBindings.data_chunk_set_size(chunk as Raw, 0);
      return;
    }
    const arrays = [...cols.text.map((t) => t.codes), cols.date_start, cols.date_end, cols.reach, cols.impressions, cols.frequency];
    arrays.forEach((a, k) => {
      copyInto(duckdbBindings.data_chunk_get_vector(chunk as Raw, k), a, s.offset, n);
    });
    duckdbBindings.data_chunk_set_size(chunk as Raw, n);
    s.offset += n;
  }
}

const scans = new WeakMap<DuckDBConnection, ReachScan>();

/**
 * Inserts reach rows into `platform_reach` with the import's id, in the connection's open transaction
 * (the dictionary tables it makes are that transaction's).
 * @example await insertReachColumns(conn, reachColumnsOf(rows), 7)
 */
export async function insertReachColumns(conn: DuckDBConnection, cols: ReachColumns, importId: number): Promise<void> {
  if (cols.length === 0) return;
  let scan = scans.get(conn);
  if (!scan) {
    scan = new ReachScan(conn);
    scans.set(conn, scan);
  }
  const dicts = REACH_TEXT_FIELDS.map((f) => `cpi_reach_${f}`);
  for (const [k, name] of dicts.entries()) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (code UINTEGER, value VARCHAR)`);
    const appender = await conn.createAppender(name, "main", "temp");
    try {
      (cols.text[k]?.values ?? []).forEach((value, code) => {
        appender.appendUInteger(code);
        appender.appendVarchar(value);
        appender.endRow();
      });
    } finally {
      appender.closeSync();
    }
  }
  scan.state = { cols, offset: 0 };
  try {
    await conn.run(
      `INSERT INTO platform_reach
       SELECT ${dicts.map((_, k) => `d${k}.value`).join(", ")}, s.date_start, s.date_end,
         CAST(round(s.reach) AS BIGINT), CAST(round(s.impressions) AS BIGINT),
         CASE WHEN isnan(s.frequency) THEN NULL ELSE s.frequency END, ${importId}
       FROM ${SCAN}() s ${dicts.map((name, k) => `JOIN ${name} d${k} ON d${k}.code = s.${REACH_TEXT_FIELDS[k]}_code`).join(" ")}`,
    );
  } finally {
    scan.state = null;
  }
  // After a failure the caller rolls back, which takes the tables made in its transaction with it.
  for (const name of dicts) await conn.run(`DROP TABLE temp.${name}`);
}

// A thin layer over @clickhouse/client: typed result rows, TSV inserts, and errors a user can act on.
import { Readable } from "node:stream";
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { UserError } from "../../domain/errors.js";
import type { ResultColumns, ResultRow } from "../store.js";
import { type ClickHouseTarget, describeTarget } from "./store-url.js";
import { tsvColumns } from "./tsv-columns.js";

interface JsonCompactResult {
  meta: { name: string; type: string }[];
  data: unknown[][];
}

/** Settings every request carries: synchronous inserts through Distributed tables (read-your-writes). */
const SETTINGS = {
  insert_distributed_sync: 1,
  // 18.16 quotes 64-bit integers in JSON by default, newer servers do not (JSON.parse would round them).
  output_format_json_quote_64bit_integers: 1,
  // Report filters reach the tables through the views (`spend` …): off by default in 18.16, on in
  // later versions. Without it a week's report read every row of the spend table (bench clickhouse-layout).
  enable_optimize_predicate_expression: 1,
  max_query_size: "10485760",
  // Progress headers keep long inserts and scans from looking idle to proxies (and the client).
  send_progress_in_http_headers: 1,
  http_headers_progress_interval_ms: "10000",
} as const;

type Plain = string | number | bigint | boolean | null;

/**
 * How a value of a column of `type` becomes a plain one, chosen once per column: 64-bit integers
 * (quoted in JSON) as bigint (`small` "number": as numbers within ±2^53), DateTime as an ISO
 * instant, the rest as JSON gave it.
 */
function converterOf(type: string, small: "bigint" | "number"): (v: unknown) => Plain {
  if (/^(Nullable\()?U?Int(64|128|256)\b/.test(type)) {
    if (small === "bigint") return (v) => (v === null || v === undefined ? null : BigInt(v as string));
    // Within ±2^53 as the exact number it is (no BigInt per value), else a bigint.
    return (v) => {
      if (v === null || v === undefined) return null;
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : BigInt(v as string);
    };
  }
  const dateTime = /^(Nullable\()?DateTime\b/.test(type);
  return (v) => {
    if (v === null || v === undefined) return null;
    if (dateTime && typeof v === "string") return `${v.replace(" ", "T")}.000Z`;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    return String(v);
  };
}

/** A connection to one ClickHouse server and database. */
export class ClickHouseConnection {
  private readonly client: ClickHouseClient;

  /** `database: null` connects without one (to create it). */
  constructor(
    readonly target: ClickHouseTarget,
    database: string | null = target.database,
  ) {
    this.client = createClient({
      ...(target.inProcess
        ? { connection: target.inProcess(database) }
        : { url: target.endpoint, username: target.username, password: target.password, ...(database ? { database } : {}) }),
      request_timeout: 3_600_000,
      application: "cpi",
      // Errors reach the caller (and the user, as messages); the client must not print them too.
      log: { level: ClickHouseLogLevel.OFF },
      clickhouse_settings: SETTINGS,
    });
  }

  /** Runs a SELECT and returns its rows: 64-bit integers as bigint, dates as "YYYY-MM-DD". */
  async query(sql: string): Promise<ResultRow[]> {
    const { names, convert, data } = await this.compact(sql, "bigint");
    // Rows copied from a template have every key already (one shape; no key added one by one).
    const template: ResultRow = {};
    for (const name of names) template[name] = null;
    return data.map((row) => {
      const o: ResultRow = { ...template };
      for (let i = 0; i < names.length; i++) o[names[i] as string] = (convert[i] as (v: unknown) => Plain)(row[i]);
      return o;
    });
  }

  /**
   * query's result column by column (a later column of the same name wins, as in rows; integers within
   * ±2^53 as numbers), read from TabSeparated (tsv-columns.ts); JSONCompact for types TabSeparated
   * writes as text of their own (arrays, tuples…).
   */
  async queryColumns(sql: string): Promise<ResultColumns> {
    const rs = await this.guard(() => this.client.query({ query: sql, format: "TabSeparatedWithNamesAndTypes" }));
    const fromTsv = tsvColumns(await this.guard(() => rs.text()));
    if (fromTsv) return fromTsv;
    const { names, convert, data } = await this.compact(sql, "number");
    const columns: ResultColumns["columns"] = {};
    names.forEach((name, i) => {
      const f = convert[i] as (v: unknown) => Plain;
      columns[name] = data.map((row) => f(row[i]));
    });
    return { rowCount: data.length, columns };
  }

  /** A SELECT's rows as JSONCompact (each row an array: no column name repeated per value) and a converter per column. */
  private async compact(sql: string, small: "bigint" | "number"): Promise<{ names: string[]; convert: ((v: unknown) => Plain)[]; data: unknown[][] }> {
    const rs = await this.guard(() => this.client.query({ query: sql, format: "JSONCompact" }));
    const json = (await this.guard(() => rs.json())) as unknown as JsonCompactResult;
    return { names: json.meta.map((m) => m.name), convert: json.meta.map((m) => converterOf(m.type, small)), data: json.data };
  }

  /** Runs a statement that returns no rows (DDL, INSERT … SELECT, ALTER), with `settings` for it alone. */
  async command(sql: string, settings?: Record<string, string | number>): Promise<void> {
    await this.guard(() => this.client.command({ query: sql, ...(settings ? { clickhouse_settings: settings } : {}) }));
  }

  /** Inserts TabSeparated lines (each ending in "\n") into `table`'s `columns` as one request. */
  async insertTsv(table: string, columns: readonly string[], chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
    await this.guard(() =>
      this.client.insert({ table, columns: [...columns] as [string, ...string[]], values: Readable.from(chunks, { objectMode: false }), format: "TabSeparated" }),
    );
  }

  /** True when the server answers. */
  async ping(): Promise<boolean> {
    const r = await this.client.ping();
    return r.success;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw userFacing(e, this.target);
    }
  }
}

/** Codes that say a server or shard could not be reached, or the connection to it broke mid-query. */
const UNREACHABLE_CODES = new Set(["3", "32", "209", "210", "279", "285", "1000"]);
/** Codes of a busy or shutting-down server: the same request may succeed later. */
const BUSY_CODES = new Set(["159", "164", "202", "236", "241", "252", "394", "425"]);
/**
 * Codes that mean cpi sent SQL or data the server could not take: a bug in cpi, not in the
 * environment (unknown identifier or function, type mismatch, syntax, unparsable inserted value).
 */
const QUERY_BUG_CODES = new Set(["6", "8", "10", "16", "26", "27", "36", "38", "41", "43", "44", "46", "47", "48", "53", "62", "70", "72", "117", "184", "215", "352"]);

/**
 * Maps connection and server errors to UserError (exit 2, one plain line): unreachable servers and
 * shards (`store_unreachable`), busy ones (`store_busy`; both are waited out by retry.ts where the
 * operation is idempotent), credentials, a missing schema, and every other server-side failure
 * (`store_failed`). Only errors that say cpi's own SQL is wrong stay bugs.
 */
export function userFacing(e: unknown, target: ClickHouseTarget): unknown {
  const where = describeTarget(target);
  // 18.16 words errors "Code: N, e.displayText() = …", which the client does not parse into a code.
  const code = (e as { code?: unknown })?.code ?? (e instanceof Error ? /^Code: (\d+)/.exec(e.message)?.[1] : undefined);
  if (typeof code === "string" && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EPIPE|UND_ERR_SOCKET)$/.test(code)) {
    return new UserError("store_unreachable", `cannot reach ClickHouse at ${where} (${code}): is the server running, and are host and port right?`);
  }
  if (e instanceof Error && code === undefined && /socket hang up|other side closed|Timeout error/i.test(e.message)) {
    return new UserError("store_unreachable", `ClickHouse at ${where} dropped the connection (${e.message.split("\n")[0]}): is the server running?`);
  }
  if (e instanceof Error && typeof code === "string" && /^\d+$/.test(code)) {
    const first = (e.message.split("\n")[0] ?? e.message)
      .replace(/^Code: \d+, e\.displayText\(\) = DB::Exception: /, "")
      .replace(/, e\.what\(\) = DB::Exception$/, "")
      .replace(/\s*\(version [^)]*\)\s*$/, "");
    if (code === "516" || code === "192" || code === "193" || code === "194") {
      return new UserError("store_auth", `ClickHouse at ${where} refused the user '${target.username}': ${first}`);
    }
    if (UNREACHABLE_CODES.has(code)) return new UserError("store_unreachable", `ClickHouse at ${where}: a server of the cluster is unreachable or dropped the connection (${first}; code ${code})`);
    if (code === "81") return new UserError("store_uninitialised", `ClickHouse at ${where}: ${first}; create it with 'cpi init --store …'`);
    if (code === "60") return new UserError("store_uninitialised", `ClickHouse at ${where} has no cpi schema (${first}); run 'cpi init --store …' first`);
    if (BUSY_CODES.has(code)) return new UserError("store_busy", `ClickHouse at ${where} could not run the request now (${first}; code ${code}): try again when it is less busy`);
    if (!QUERY_BUG_CODES.has(code)) return new UserError("store_failed", `ClickHouse at ${where} failed (${first}; code ${code})`);
  }
  return e;
}

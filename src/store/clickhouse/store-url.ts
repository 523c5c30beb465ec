import type { ClickHouseClientConfigOptions } from "@clickhouse/client";
import { UserError } from "../../domain/errors.js";

/**
 * A ClickHouse reached in process instead of over HTTP: the tests run every ClickHouse suite against
 * ClickHouse 26 through chdb's Connection for @clickhouse/client (test/chdb/). Given the database a
 * client works in (null: none), it returns that client's connection.
 */
export type InProcessConnection = (database: string | null) => NonNullable<ClickHouseClientConfigOptions["connection"]>;

/** Where a ClickHouse store is: the HTTP endpoint, credentials and database. */
export interface ClickHouseTarget {
  /** http(s)://host:port, without credentials. */
  endpoint: string;
  username: string;
  password: string;
  database: string;
  /** Set for an in-process engine (tests); `endpoint` then only names it in messages. */
  inProcess?: InProcessConnection;
}

/** True when a --store / CPI_STORE value names ClickHouse. @example isClickHouseUrl("clickhouse://h:8123/cpi") // true */
export function isClickHouseUrl(value: string): boolean {
  return /^clickhouses?:\/\//i.test(value.trim());
}

/**
 * Parses `clickhouse://user:pass@host:8123/database` (`clickhouses://` for HTTPS; port 8123 / 8443,
 * user `default` and database `default` when left out). Credentials may be percent-encoded.
 * @example parseClickHouseUrl("clickhouse://cpi:s3cret@db1:8123/ads").database // "ads"
 */
export function parseClickHouseUrl(value: string): ClickHouseTarget {
  const bad = (why: string) =>
    new UserError("bad_store_url", `--store '${redactUrl(value)}': ${why} (expected clickhouse://user:password@host:8123/database)`);
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw bad("not a URL");
  }
  const scheme = u.protocol.toLowerCase();
  if (scheme !== "clickhouse:" && scheme !== "clickhouses:") throw bad(`unknown scheme '${u.protocol}'`);
  if (!u.hostname) throw bad("no host");
  const tls = scheme === "clickhouses:";
  const port = u.port || (tls ? "8443" : "8123");
  const path = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ""));
  if (path.includes("/")) throw bad("the path must be one database name");
  const database = path || "default";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw bad(`database name '${database}' must be letters, digits and underscores`);
  return {
    endpoint: `${tls ? "https" : "http"}://${u.hostname}:${port}`,
    username: decodeURIComponent(u.username) || "default",
    password: decodeURIComponent(u.password),
    database,
  };
}

/** The URL with its password hidden, for messages. @example redactUrl("clickhouse://u:p@h/db") // "clickhouse://u:***@h/db" */
export function redactUrl(value: string): string {
  return value.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

/** A target's description for messages: endpoint and database, never the password. */
export function describeTarget(t: ClickHouseTarget): string {
  return `${t.endpoint}/${t.database}`;
}

/** A store URL for a target with its password hidden, for commands shown in messages. */
export function redactedUrlOf(t: ClickHouseTarget): string {
  const u = new URL(t.endpoint);
  return `${u.protocol === "https:" ? "clickhouses" : "clickhouse"}://${encodeURIComponent(t.username)}${t.password ? ":***" : ""}@${u.host}/${t.database}`;
}

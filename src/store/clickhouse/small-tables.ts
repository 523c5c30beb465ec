// FX rates and contracts on ClickHouse: small tables changed by inserting newer versions
// (ReplacingMergeTree), always read through argMax by version so a read never depends on merges.
import type { FxRate } from "../../domain/fx.js";
import type { Contract, NewContract, Pricing } from "../../domain/tracking/contract.js";
import type { ClickHouseConnection } from "./connection.js";
import { tsvString } from "./tsv.js";

/** A version number above every one stored and every one handed out before in this process. */
let lastVersion = 0n;
async function nextVersion(conn: ClickHouseConnection, table: string, count: number): Promise<bigint> {
  const r = await conn.query(`SELECT max(version) AS v FROM ${table}`);
  const stored = BigInt((r[0]?.v as bigint | undefined) ?? 0n);
  const now = BigInt(Date.now()) * 1000n;
  let v = stored + 1n;
  if (now > v) v = now;
  if (lastVersion >= v) v = lastVersion + 1n;
  lastVersion = v + BigInt(count);
  return v;
}

/** Inserts rates; a later rate for the same date, base and currency replaces an earlier one. */
export async function upsertFxRatesClickHouse(conn: ClickHouseConnection, rates: readonly FxRate[]): Promise<number> {
  if (rates.length === 0) return 0;
  const v0 = await nextVersion(conn, "fx_rates", rates.length);
  const lines = rates.map((r, i) => `${r.date}\t${tsvString(r.base)}\t${tsvString(r.currency)}\t${r.rate}\t${tsvString(r.origin)}\t${v0 + BigInt(i)}\n`);
  await conn.insertTsv("fx_rates", ["date", "base", "currency", "rate", "origin", "version"], [lines.join("")]);
  return rates.length;
}

/** Every rate, the latest version of each. */
export async function fxRatesClickHouse(conn: ClickHouseConnection): Promise<FxRate[]> {
  const rows = await conn.query(
    "SELECT toString(date) AS date, base, currency, argMax(rate, version) AS rate, argMax(origin, version) AS origin FROM fx_rates GROUP BY date, base, currency",
  );
  return rows.map((r) => ({ date: String(r.date), base: String(r.base), currency: String(r.currency), rate: Number(r.rate), origin: String(r.origin) }));
}

/** Every live contract by id. */
export async function contractsClickHouse(conn: ClickHouseConnection): Promise<Contract[]> {
  const rows = await conn.query(
    "SELECT id, campaign, placement, pricing, amount_micros, currency, toString(date_from) AS date_from, toString(date_to) AS date_to, timezone FROM contracts ORDER BY id",
  );
  return rows.map((r) => ({
    id: Number(r.id),
    campaign: String(r.campaign),
    placement: String(r.placement),
    pricing: String(r.pricing) as Pricing,
    amount: BigInt(r.amount_micros as bigint),
    currency: String(r.currency),
    from: String(r.date_from),
    to: String(r.date_to),
    timezone: String(r.timezone),
  }));
}

function contractLine(c: Contract, deleted: boolean, version: bigint): string {
  return `${c.id}\t${tsvString(c.campaign)}\t${tsvString(c.placement)}\t${c.pricing}\t${c.amount}\t${tsvString(c.currency)}\t${c.from}\t${c.to}\t${tsvString(c.timezone)}\t${new Date().toISOString().slice(0, 19).replace("T", " ")}\t${deleted ? 1 : 0}\t${version}\n`;
}

const CONTRACT_COLUMNS = ["id", "campaign", "placement", "pricing", "amount_micros", "currency", "date_from", "date_to", "timezone", "created_at", "deleted", "version"];

/** Stores a contract under the next id. */
export async function addContractClickHouse(conn: ClickHouseConnection, c: NewContract): Promise<Contract> {
  const r = await conn.query("SELECT max(id) AS id FROM contract_versions");
  const contract: Contract = { ...c, id: Number(r[0]?.id ?? 0) + 1 };
  await conn.insertTsv("contract_versions", CONTRACT_COLUMNS, [contractLine(contract, false, await nextVersion(conn, "contract_versions", 1))]);
  return contract;
}

/** Removes a contract by inserting a deleted version; false when there is none with that id. */
export async function removeContractClickHouse(conn: ClickHouseConnection, id: number): Promise<boolean> {
  const found = (await contractsClickHouse(conn)).find((c) => c.id === Math.trunc(id));
  if (!found) return false;
  await conn.insertTsv("contract_versions", CONTRACT_COLUMNS, [contractLine(found, true, await nextVersion(conn, "contract_versions", 1))]);
  return true;
}

// Copies one store into another (DuckDB → ClickHouse) through the Store interface, then checks that
// both hold the same totals. Spend is replayed import by import, oldest first, so the replacement
// windows of DESIGN rule 5 leave exactly the rows the source store shows.
import { isUserError, UserError } from "../domain/errors.js";
import { microsToConversions } from "../domain/measures.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import type { Contract } from "../domain/tracking/contract.js";
import { type EventType, type InvalidReason, measurementField, type TrackedEvent } from "../domain/tracking/event.js";
import type { ResultRow, Store } from "../store/store.js";

export interface MigrateTotals {
  /** Per currency: rows, Σcost micros, Σimpressions, Σclicks, Σconversions micro-units, Σrevenue micros. */
  spend: { currency: string; rows: number; cost: bigint; impressions: number; clicks: number; conversions: bigint; revenue: bigint }[];
  reachRows: number;
  fxRates: number;
  contracts: number;
  /** Valid events per type, and invalid requests counted. */
  events: Record<string, number>;
  invalid: number;
}

export interface MigrateOutcome {
  imports: number;
  eventLogs: { logId: string; offset: number }[];
  totals: MigrateTotals;
}

export type MigrateProgress = (step: string, done: number, total: number) => void;

const SPEND_FIELDS = "source, account_id, account_name, account_timezone, currency, campaign_id, campaign, ad_group_id, ad_group, ad_id, ad, placement, country, device, age, gender, cost_micros, impressions, clicks, conversions_micros, conversion_value_micros, viewable_impressions, measurable_impressions";

function spendRow(r: ResultRow): SpendRow {
  const s = (k: string) => String(r[k] ?? "");
  return {
    date_start: s("ds"),
    date_end: s("de"),
    source: s("source"),
    account_id: s("account_id"),
    account_name: s("account_name"),
    account_timezone: s("account_timezone"),
    currency: s("currency"),
    campaign_id: s("campaign_id"),
    campaign: s("campaign"),
    ad_group_id: s("ad_group_id"),
    ad_group: s("ad_group"),
    ad_id: s("ad_id"),
    ad: s("ad"),
    placement: s("placement"),
    country: s("country"),
    device: s("device"),
    age: s("age"),
    gender: s("gender"),
    cost: BigInt(r.cost_micros as bigint),
    impressions: Number(r.impressions),
    clicks: Number(r.clicks),
    conversions: microsToConversions(r.conversions_micros as bigint),
    revenue: BigInt(r.conversion_value_micros as bigint),
    viewable_impressions: Number(r.viewable_impressions),
    measurable_impressions: Number(r.measurable_impressions),
  };
}

function reachRow(r: ResultRow): PlatformReachRow {
  return {
    source: String(r.source),
    account_id: String(r.account_id),
    level: String(r.level) as PlatformReachRow["level"],
    campaign: String(r.campaign),
    ad_group: String(r.ad_group),
    ad: String(r.ad),
    date_start: String(r.ds),
    date_end: String(r.de),
    reach: Number(r.reach),
    impressions: Number(r.impressions),
    frequency: r.frequency === null || r.frequency === undefined ? null : Number(r.frequency),
  };
}

/** What a store holds, summed: the figures a migration must carry across unchanged. */
export async function storeTotals(store: Store): Promise<MigrateTotals> {
  const d = store.dialect;
  const spend = await store.query(
    `SELECT currency, COUNT(*) AS n, ${d.sumMoney("cost_micros")} AS cost, SUM(impressions) AS imp, SUM(clicks) AS clk, ${d.sumMoney("conversions_micros")} AS conv, ${d.sumMoney("conversion_value_micros")} AS rev FROM spend GROUP BY currency ORDER BY currency`,
  );
  const one = async (sql: string) => Number((await store.query(sql))[0]?.n ?? 0);
  const events: Record<string, number> = {};
  for (const r of await store.query("SELECT type, COUNT(*) AS n FROM events GROUP BY type ORDER BY type")) events[String(r.type)] = Number(r.n);
  return {
    spend: spend.map((r) => ({
      currency: String(r.currency),
      rows: Number(r.n),
      cost: BigInt((r.cost as bigint | string) ?? 0n),
      impressions: Number(r.imp ?? 0),
      clicks: Number(r.clk ?? 0),
      conversions: BigInt((r.conv as bigint | string) ?? 0n),
      revenue: BigInt((r.rev as bigint | string) ?? 0n),
    })),
    reachRows: await one("SELECT COUNT(*) AS n FROM platform_reach"),
    fxRates: (await store.fxRates()).length,
    contracts: (await store.contracts()).length,
    events,
    invalid: await one("SELECT COALESCE(SUM(n), 0) AS n FROM invalid_counts"),
  };
}

function isEmpty(t: MigrateTotals): boolean {
  return t.spend.length === 0 && t.reachRows === 0 && t.contracts === 0 && Object.keys(t.events).length === 0 && t.invalid === 0;
}

function visitorHex(v: unknown): string {
  return BigInt.asUintN(64, BigInt((v as bigint | number | null) ?? 0)).toString(16).padStart(16, "0");
}

async function copyEvents(from: Store, to: Store, logId: string, onProgress?: MigrateProgress): Promise<void> {
  const d = from.dialect;
  const dayOf = d.dateToText(d.localDate("ts", "UTC"));
  const found = new Set<string>();
  for (const t of ["events", "invalid_counts"]) for (const r of await from.query(`SELECT ${dayOf} AS day FROM ${t} GROUP BY day`)) found.add(String(r.day));
  const days = [...found].sort();
  let offset = 0;
  for (const [i, day] of days.entries()) {
    const start = Date.parse(`${day}T00:00:00Z`);
    const where = `ts >= ${d.timestampLiteral(start)} AND ts < ${d.timestampLiteral(start + 86_400_000)}`;
    const events: TrackedEvent[] = [];
    for (const r of await from.query(`SELECT ts, type, impression_id, campaign, creative, placement, visitor, country, device, measurable, measurement FROM events WHERE ${where} ORDER BY ts, impression_id`)) {
      events.push({
        ts: Date.parse(String(r.ts)),
        type: String(r.type) as EventType,
        impression_id: String(r.impression_id),
        campaign: String(r.campaign),
        creative: String(r.creative),
        placement: String(r.placement),
        visitor: visitorHex(r.visitor),
        country: String(r.country),
        device: String(r.device),
        measurable: r.measurable === true || Number(r.measurable) === 1,
        ...measurementField(String(r.measurement ?? "")),
        reason: "",
      });
    }
    for (const r of await from.query(`SELECT ts, type, campaign, creative, placement, country, device, reason, n FROM invalid_counts WHERE ${where}`)) {
      const e: TrackedEvent = {
        ts: Date.parse(String(r.ts)),
        type: String(r.type) as EventType,
        impression_id: "",
        campaign: String(r.campaign),
        creative: String(r.creative),
        placement: String(r.placement),
        visitor: "",
        country: String(r.country),
        device: String(r.device),
        measurable: false,
        reason: String(r.reason) as InvalidReason,
      };
      for (let k = 0; k < Number(r.n); k++) events.push(e);
    }
    if (events.length === 0) continue;
    await to.appendTrackedEvents({ logId, from: offset, to: offset + events.length, events });
    offset += events.length;
    onProgress?.("events", i + 1, days.length);
  }
}

interface MigrationMark {
  from: string;
  state: "copying" | "done";
}

async function migrationMark(to: Store): Promise<MigrationMark | null> {
  const v = await to.setting("migration");
  if (!v) return null;
  try {
    return JSON.parse(v) as MigrationMark;
  } catch {
    return null;
  }
}

/** The source's imports in replay order, each with what identifies it in a target's `imports`. */
async function sourceImports(from: Store): Promise<{ id: number; file: string; contentHash: string; format: string }[]> {
  const ids = new Set<number>();
  for (const t of ["spend", "platform_reach"]) for (const r of await from.query(`SELECT import_id FROM ${t} GROUP BY import_id`)) ids.add(Number(r.import_id));
  const files = new Map<number, ResultRow>();
  for (const r of await from.query("SELECT id, file, content_hash, format FROM imports")) files.set(Number(r.id), r);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const f = files.get(id);
      return { id, file: String(f?.file ?? `import-${id}`), contentHash: String(f?.content_hash ?? ""), format: String(f?.format ?? "migrated") };
    });
}

/** How many of `wanted` the target already holds, in order (a migration that stopped part-way). */
async function importsDone(to: Store, wanted: readonly { file: string; contentHash: string }[]): Promise<number> {
  const have = await to.query("SELECT file, content_hash FROM imports ORDER BY id");
  let k = 0;
  while (k < have.length && k < wanted.length && String(have[k]?.file) === wanted[k]?.file && String(have[k]?.content_hash) === wanted[k]?.contentHash) k++;
  if (k !== have.length) throw new UserError("target_not_empty", `the target store ${to.location} holds imports that are not this migration's: migrate into a freshly initialised store`);
  return k;
}

function contractKey(c: Omit<Contract, "id">): string {
  const { id: _id, ...rest } = c as Contract;
  return JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * Copies every import, platform reach row, FX rate, contract and tracked event of `from` into the
 * empty store `to`, carries the event logs' loaded offsets across (so a tracking server pointed at
 * `to` does not load its log twice), and verifies the totals. Throws when `to` holds other data.
 * A migration that failed part-way (a server down, a shard killed) is resumed by running it again:
 * every step is idempotent or skipped when done (imports one commit each, events by log offsets,
 * contracts compared, FX rates upserted), and the error says so.
 * @example await migrateStore(duckdbStore, clickhouseStore)
 */
export async function migrateStore(from: Store, to: Store, onProgress?: MigrateProgress): Promise<MigrateOutcome> {
  const mark = await migrationMark(to);
  if (mark?.state === "done" || (mark === null && !isEmpty(await storeTotals(to)))) {
    throw new UserError("target_not_empty", `the target store ${to.location} already holds data${mark ? ` (a finished migration from ${mark.from})` : ""}: migrate into a freshly initialised store`);
  }
  if (mark && mark.from !== from.location) {
    throw new UserError("target_not_empty", `the target store ${to.location} holds part of a migration from ${mark.from}, not ${from.location}: finish that one, or migrate into a freshly initialised store`);
  }
  await to.setSetting("migration", JSON.stringify({ from: from.location, state: "copying" } satisfies MigrationMark));
  const ordered = await sourceImports(from);
  let done = 0;
  try {
    done = await importsDone(to, ordered);
    const outcome = await copyAll(from, to, ordered, done, onProgress);
    const [a, b] = [await storeTotals(from), await storeTotals(to)];
    const show = (t: MigrateTotals) => JSON.stringify(t, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    if (show(a) !== show(b)) {
      throw new UserError(
        "migrate_totals_differ",
        `migration totals differ:\n  source ${show(a)}\n  target ${show(b)}\nthe target ${to.location} is left as copied, for inspection (running the migration again checks the same totals): drop its database and migrate again`,
      );
    }
    await to.setSetting("migration", JSON.stringify({ from: from.location, state: "done" } satisfies MigrationMark));
    return { ...outcome, totals: b };
  } catch (e) {
    if (!isUserError(e) || e.code === "migrate_totals_differ" || e.code === "target_not_empty") throw e;
    const copied = await to
      .query("SELECT COUNT(*) AS n FROM imports")
      .then((r) => String(r[0]?.n ?? done))
      .catch(() => (done > 0 ? `at least ${done}` : "some"));
    throw new UserError(e.code, `${e.message}; cpi migrate stopped with ${copied} of ${ordered.length} imports copied; the target is resumable: run the same 'cpi migrate' again to finish it`);
  }
}

async function copyAll(
  from: Store,
  to: Store,
  ordered: Awaited<ReturnType<typeof sourceImports>>,
  done: number,
  onProgress?: MigrateProgress,
): Promise<Omit<MigrateOutcome, "totals">> {
  const d = from.dialect;
  for (const [i, f] of ordered.entries()) {
    if (i < done) continue;
    const dates = `${d.dateToText("date_start")} AS ds, ${d.dateToText("date_end")} AS de`;
    const rows = (await from.query(`SELECT ${dates}, ${SPEND_FIELDS} FROM spend WHERE import_id = ${f.id}`)).map(spendRow);
    const reach = (await from.query(`SELECT ${dates}, source, account_id, level, campaign, ad_group, ad, reach, impressions, frequency FROM platform_reach WHERE import_id = ${f.id}`)).map(reachRow);
    await to.importSpend([{ file: f.file, contentHash: f.contentHash, format: f.format, rows, reach }]);
    onProgress?.("imports", i + 1, ordered.length);
  }
  await to.upsertFxRates(await from.fxRates());
  const present = new Set((await to.contracts()).map(contractKey));
  for (const c of await from.contracts()) {
    const { id: _id, ...rest } = c;
    if (!present.has(contractKey(rest))) await to.addContract(rest);
  }
  await to.recordCampaignStatuses(await from.campaignStatuses());
  await copyEvents(from, to, `migrated:${from.location}`, onProgress);
  // The source's event logs were loaded up to these offsets: the target must not load them again.
  const eventLogs: { logId: string; offset: number }[] = [];
  for (const r of await from.query("SELECT log_id, log_offset FROM event_log_offsets ORDER BY log_id")) {
    const logId = String(r.log_id);
    const offset = Number(r.log_offset);
    if ((await to.eventLogOffset(logId)) !== offset) await to.appendTrackedEvents({ logId, from: offset, to: offset, events: [] });
    eventLogs.push({ logId, offset });
  }
  return { imports: ordered.length, eventLogs };
}

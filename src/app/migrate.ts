// Copies one store into another (DuckDB → ClickHouse) through the Store interface, then checks that
// both hold the same totals. Spend is replayed import by import, oldest first, so the replacement
// windows of DESIGN rule 5 leave exactly the rows the source store shows.
import { UserError } from "../domain/errors.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import { type EventType, type InvalidReason, measurementField, type TrackedEvent } from "../domain/tracking/event.js";
import type { ResultRow, Store } from "../store/store.js";

export interface MigrateTotals {
  /** Per currency: rows, Σcost micros, Σimpressions, Σclicks, Σrevenue micros. */
  spend: { currency: string; rows: number; cost: bigint; impressions: number; clicks: number; revenue: bigint }[];
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

const SPEND_FIELDS = "source, account_id, account_name, account_timezone, currency, campaign_id, campaign, ad_group_id, ad_group, ad_id, ad, placement, country, device, age, gender, cost_micros, impressions, clicks, conversions, conversion_value_micros, viewable_impressions, measurable_impressions";

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
    conversions: Number(r.conversions),
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
    `SELECT currency, COUNT(*) AS n, ${d.sumMoney("cost_micros")} AS cost, SUM(impressions) AS imp, SUM(clicks) AS clk, ${d.sumMoney("conversion_value_micros")} AS rev FROM spend GROUP BY currency ORDER BY currency`,
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

/**
 * Copies every import, platform reach row, FX rate, contract and tracked event of `from` into the
 * empty store `to`, carries the event logs' loaded offsets across (so a tracking server pointed at
 * `to` does not load its log twice), and verifies the totals. Throws when `to` is not empty.
 * @example await migrateStore(duckdbStore, clickhouseStore)
 */
export async function migrateStore(from: Store, to: Store, onProgress?: MigrateProgress): Promise<MigrateOutcome> {
  if (!isEmpty(await storeTotals(to))) {
    throw new UserError("target_not_empty", `the target store ${to.location} already holds data: migrate into a freshly initialised store`);
  }
  const d = from.dialect;
  const ids = new Set<number>();
  for (const t of ["spend", "platform_reach"]) for (const r of await from.query(`SELECT import_id FROM ${t} GROUP BY import_id`)) ids.add(Number(r.import_id));
  const files = new Map<number, ResultRow>();
  for (const r of await from.query("SELECT id, file, content_hash, format FROM imports")) files.set(Number(r.id), r);
  const ordered = [...ids].sort((a, b) => a - b);
  for (const [i, id] of ordered.entries()) {
    const dates = `${d.dateToText("date_start")} AS ds, ${d.dateToText("date_end")} AS de`;
    const rows = (await from.query(`SELECT ${dates}, ${SPEND_FIELDS} FROM spend WHERE import_id = ${id}`)).map(spendRow);
    const reach = (await from.query(`SELECT ${dates}, source, account_id, level, campaign, ad_group, ad, reach, impressions, frequency FROM platform_reach WHERE import_id = ${id}`)).map(reachRow);
    const f = files.get(id);
    await to.importSpend([{ file: String(f?.file ?? `import-${id}`), contentHash: String(f?.content_hash ?? ""), format: String(f?.format ?? "migrated"), rows, reach }]);
    onProgress?.("imports", i + 1, ordered.length);
  }
  await to.upsertFxRates(await from.fxRates());
  for (const c of await from.contracts()) {
    const { id: _id, ...rest } = c;
    await to.addContract(rest);
  }
  await to.recordCampaignStatuses(await from.campaignStatuses());
  await copyEvents(from, to, `migrated:${from.location}`, onProgress);
  // The source's event logs were loaded up to these offsets: the target must not load them again.
  const eventLogs: { logId: string; offset: number }[] = [];
  for (const r of await from.query("SELECT log_id, log_offset FROM event_log_offsets ORDER BY log_id")) {
    const logId = String(r.log_id);
    const offset = Number(r.log_offset);
    await to.appendTrackedEvents({ logId, from: offset, to: offset, events: [] });
    eventLogs.push({ logId, offset });
  }
  const [a, b] = [await storeTotals(from), await storeTotals(to)];
  const show = (t: MigrateTotals) => JSON.stringify(t, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  if (show(a) !== show(b)) throw new Error(`migration totals differ:\n  source ${show(a)}\n  target ${show(b)}`);
  return { imports: ordered.length, eventLogs, totals: b };
}

// The store process: replays the log on start, loads what becomes durable, runs Store calls for the
// HTTP process (RemoteStore, bigint micros intact) and CLI commands, and drains on request.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runReport } from "../../src/app/report.js";
import { addContract } from "../../src/app/track/contracts.js";
import { remoteStore } from "../../src/cli/compose.js";
import { StoreWorkerHost } from "../../src/cli/serve/worker-host.js";
import { encodeEventLine } from "../../src/domain/tracking/event.js";
import { GroupCommitLog } from "../../src/store/event-log/group-commit-log.js";
import { tempDir } from "../helpers.js";

test("RemoteStore: reports, contracts and errors through the store process", async () => {
  const dir = tempDir();
  const db = join(dir, "cpi.duckdb");
  const log = GroupCommitLog.open(`${db}.events.log`);
  const line = (i: number) => encodeEventLine({ ts: Date.UTC(2026, 9, 5, 12), type: "impression", impression_id: `r${i}`, campaign: "Launch Q4", creative: "A", placement: "news", visitor: i.toString(16).padStart(16, "0"), country: "", device: "desktop", measurable: false, reason: "" });
  await new Promise<void>((resolve, reject) => log.append(Array.from({ length: 300 }, (_, i) => line(i)).join(""), (e) => (e ? reject(e) : resolve())));
  const fatal: string[] = [];
  const { host } = await StoreWorkerHost.start({ dbPath: db, logPath: log.path, active: { id: log.id, seq: 0, upTo: log.committedOffset }, sealed: [] }, (m) => fatal.push(m));
  // Ready once the store is open; the log is replayed behind that.
  const replayed = await new Promise<number>((resolve) => {
    host.onReplayed = (events) => resolve(events);
  });
  assert.equal(replayed, 300);
  const store = remoteStore((m, a) => host.call(m, a), host.dialect, host.location);
  await addContract(store, { campaign: "Launch Q4", placement: "news", flat: "5000.000001", from: "2026-10-01", to: "2026-10-31" });
  await assert.rejects(addContract(store, { campaign: "Launch Q4", cpm: "1", from: "2026-10-02", to: "2026-10-03" }), /already prices/);
  await assert.rejects(store.query("SELECT nope FROM nowhere"), /nowhere/);
  // More events become durable; a CLI command sees them (read-your-writes).
  await new Promise<void>((resolve, reject) => log.append(line(300), (e) => (e ? reject(e) : resolve())));
  const out = await host.cli(["report", "--where", "source=tracked", "--metrics", "impressions", "--format", "json", "--db", db], dir, {}, [{ id: log.id, offset: log.committedOffset }]);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout), [{ impressions: 301 }]);
  const r = await runReport(store, { metrics: ["cost", "impressions", "reach"], dimensions: ["campaign"], filters: [{ dimension: "source", op: "eq", values: ["tracked"] }] });
  assert.equal(r.rows[0]?.totals.cost, 5_000_000_001n);
  assert.equal(r.rows[0]?.values.reach, 301);
  assert.deepEqual(await host.drain([{ id: log.id, offset: log.committedOffset }]), { backlog: 0, answered: true }, "nothing left to load");
  await log.close();
  assert.deepEqual(fatal, []);
});

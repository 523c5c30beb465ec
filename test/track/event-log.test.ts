// The group-committed event log: durable offsets, preallocated zeros, torn tails, and loading it into
// the store exactly once.
import assert from "node:assert/strict";
import { closeSync, openSync, readFileSync, renameSync, statSync, write, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadEventLog } from "../../src/app/track/load-events.js";
import { encodeEventLine, type TrackedEvent } from "../../src/domain/tracking/event.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { GroupCommitLog, type WriteAt } from "../../src/store/event-log/group-commit-log.js";
import { openLogSource, openSegmentSource } from "../../src/store/event-log/log-reader.js";
import { listSealedSegments, SegmentedEventLog } from "../../src/store/event-log/segmented-log.js";
import { tempDir } from "../helpers.js";

function ev(i: number): TrackedEvent {
  return { ts: Date.UTC(2026, 9, 1) + i, type: "impression", impression_id: `id${i}`, campaign: "C", creative: "", placement: "p", visitor: "00000000000000ff", country: "", device: "desktop", measurable: false, reason: "" };
}

function append(log: GroupCommitLog, lines: string): Promise<void> {
  return new Promise((resolve, reject) => log.append(lines, (err) => (err ? reject(err) : resolve())));
}

test("lines of concurrent appends are committed in groups; a torn last line is dropped on reopen", async () => {
  const path = join(tempDir(), "t.events.log");
  const committed: number[] = [];
  const log = GroupCommitLog.open(path, (o) => committed.push(o));
  await Promise.all(Array.from({ length: 500 }, (_, i) => append(log, encodeEventLine(ev(i)))));
  assert.ok(log.batches < 500, `500 appends in ${log.batches} writes`);
  const end = log.committedOffset;
  assert.equal(committed.at(-1), end);
  await log.close();
  assert.ok(statSync(path).size > end, "space is preallocated ahead of the data");
  // A crash in the middle of a write leaves part of a line.
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.from('[1790000000000,"i","torn'), 0, 24, end);
  closeSync(fd);
  const again = GroupCommitLog.open(path);
  assert.equal(again.committedOffset, end);
  assert.equal(again.id, log.id);
  await append(again, encodeEventLine(ev(500)));
  await again.close();
  const text = readFileSync(path, "utf8").replace(/\0+$/, "");
  assert.equal(text.split("\n").filter(Boolean).length, 502, "header + 501 events");
  assert.equal(text.includes("torn"), false);
});

test("the log is loaded exactly once, in batches, whatever is replayed", async () => {
  const path = join(tempDir(), "t.events.log");
  const log = GroupCommitLog.open(path);
  await Promise.all(Array.from({ length: 3000 }, (_, i) => append(log, encodeEventLine(i % 10 === 9 ? { ...ev(i), reason: "bot_user_agent" } : ev(i)))));
  const end = log.committedOffset;
  const source = openLogSource(path);
  const store = await DuckDbStore.open(":memory:");
  const half = await loadEventLog(store, source, Math.floor((source.dataStart + end) / 2), { batchBytes: 4096 });
  assert.ok(half.batches > 1);
  const rest = await loadEventLog(store, source, end, { batchBytes: 4096 });
  assert.equal(rest.offset, end);
  assert.equal(half.events + rest.events, 2700);
  assert.equal(half.invalid + rest.invalid, 300);
  // A replay of ranges already loaded changes nothing.
  assert.equal((await loadEventLog(store, source, end)).events, 0);
  assert.deepEqual(await store.appendTrackedEvents({ logId: log.id, from: source.dataStart, to: end, events: [ev(1)] }), { applied: false, events: 0, invalid: 0 });
  await assert.rejects(store.appendTrackedEvents({ logId: log.id, from: end + 10, to: end + 20, events: [] }), /batch starts at/);
  const rows = await store.query("SELECT COUNT(*) AS n, COUNT(DISTINCT impression_id) AS ids FROM events");
  assert.equal(Number(rows[0]?.n), 2700);
  assert.equal(Number(rows[0]?.ids), 2700);
  const invalid = await store.query("SELECT SUM(n) AS n FROM invalid_counts WHERE reason = 'bot_user_agent'");
  assert.equal(Number(invalid[0]?.n), 300);
  await store.close();
  await log.close();
  source.close();
});

test("segments: a full segment is sealed under a new name and a new one starts; sealed ones are found again", async () => {
  const dir = tempDir();
  const path = join(dir, "cpi.duckdb.events.log");
  const calls: string[] = [];
  const ends = new Map<string, number>();
  const log = SegmentedEventLog.open(path, 8192, {
    committed: (id, offset) => ends.set(id, offset),
    began: (id, seq) => calls.push(`began ${id} ${seq}`),
    sealed: (id, seq, p, end) => calls.push(`sealed ${id} ${seq} ${end === ends.get(id)} ${p.includes(id)}`),
  });
  const firstId = log.id;
  for (let round = 0; round < 6; round++) {
    await Promise.all(Array.from({ length: 40 }, (_, i) => new Promise<void>((resolve, reject) => log.append(encodeEventLine(ev(round * 40 + i)), (e) => (e ? reject(e) : resolve())))));
  }
  await log.close();
  assert.ok(calls.filter((c) => c.startsWith("began")).length >= 2, calls.join("\n"));
  assert.ok(calls.filter((c) => c.startsWith("sealed")).every((c) => c.endsWith("true true")), calls.join("\n"));
  // Each segment is named by its id and numbered in order: began n, then sealed n-1.
  const began = calls.filter((c) => c.startsWith("began")).map((c) => Number(c.split(" ")[2]));
  assert.deepEqual(began, began.map((_, i) => i + 1));
  assert.equal(calls.filter((c) => c.startsWith("sealed"))[0], `sealed ${firstId} 0 true true`);
  const sealed = listSealedSegments(path);
  assert.equal(sealed.length, calls.filter((c) => c.startsWith("sealed")).length);
  assert.ok(sealed[0]?.path.includes(firstId), "oldest first");
  assert.equal(sealed[0]?.id, firstId);
  assert.deepEqual(sealed.map((x) => x.id), calls.filter((c) => c.startsWith("sealed")).map((c) => c.split(" ")[1]));
  // Every event is in exactly one segment, in order.
  const store = await DuckDbStore.open(":memory:");
  let events = 0;
  for (const s of [...sealed, { path, upTo: log.committedOffset }]) {
    const source = openLogSource(s.path);
    events += (await loadEventLog(store, source, s.upTo)).events;
    source.close();
  }
  assert.equal(events, 240);
  const ids = await store.query("SELECT COUNT(DISTINCT impression_id) AS n FROM events");
  assert.equal(Number(ids[0]?.n), 240);
  await store.close();
});

test("a line appended while a new log is still being zero-filled is durable after the first chunk, not after the whole preallocation", async () => {
  // A new segment preallocates 64 MiB of zeros in 4 MiB writes. Appends that arrive before the first
  // chunk is down used to wait for all of it: on a busy disk a freshly started server answered none
  // of its first requests for seconds (issue 24's "answered nothing after starting").
  const path = join(tempDir(), "t.events.log");
  const log = GroupCommitLog.open(path);
  const sizeWhenDurable = await new Promise<number>((resolve, reject) => log.append(encodeEventLine(ev(1)), (err) => (err ? reject(err) : resolve(statSync(path).size))));
  await log.drain();
  const full = statSync(path).size;
  await log.close(true);
  assert.ok(full >= 64 * 1024 * 1024, `preallocated ${full} bytes`);
  assert.ok(sizeWhenDurable < full, `the line was durable only once all ${full} bytes were zero-filled`);
  assert.equal(readFileSync(path, "utf8").split("\n").filter(Boolean).length, 2, "header and the line");
});

test("the loader opening a segment while the server rotates it (another process) waits for the next round instead of failing", async () => {
  const dir = tempDir();
  const path = join(dir, "t.events.log");
  const sealed = join(dir, "t.1-sealed.log");
  const first = GroupCommitLog.open(path, () => {}, { preallocateBytes: 65_536 });
  await append(first, encodeEventLine(ev(1)));
  await first.close();
  const id = first.id;
  // The lookup finds the segment at the active path; before the open, the writer renames it …
  const renamedAway = (p: string) => {
    renameSync(p, sealed);
    return p;
  };
  assert.equal(openSegmentSource(path, id, null, renamedAway), null, "no file at the active path yet: not an error");
  // … or has already created the next segment, its header not written yet.
  renameSync(sealed, path);
  const nextCreated = (p: string) => {
    renameSync(p, sealed);
    writeFileSync(p, "");
    return p;
  };
  assert.equal(openSegmentSource(path, id, null, nextCreated), null, "an empty new segment: not an error");
  // The next round finds it under its sealed name, and reads it.
  const source = openSegmentSource(path, id, null, () => sealed);
  assert.equal(source?.id, id);
  assert.match(source?.read(source.dataStart, 1 << 20, 1 << 20).text ?? "", /"id1"/);
  source?.close();
  // A sealed segment the server named is there: its absence is a real error.
  assert.throws(() => openSegmentSource(path, id, join(dir, "gone.log")), /ENOENT/);
});

/** A log whose first data write is held until released (the others go to the file at once). */
function heldLog(path: string, stallMs: number) {
  const held: (() => void)[] = [];
  const started: number[] = [];
  let written!: () => void;
  const otherWritten = new Promise<void>((resolve) => {
    written = resolve;
  });
  const writeAt: WriteAt = (fd, buf, offset, length, position, cb) => {
    started.push(position);
    if (started.length === 1) held.push(() => write(fd, buf, offset, length, position, cb));
    else
      write(fd, buf, offset, length, position, (err, n) => {
        cb(err, n);
        written();
      });
  };
  const committed: number[] = [];
  const durable: number[] = [];
  const log = GroupCommitLog.open(path, (o) => committed.push(o), { writeAt, stallMs, onDurable: (ms) => durable.push(ms) });
  const order: string[] = [];
  const add = (i: number) => new Promise<void>((resolve, reject) => log.append(encodeEventLine(ev(i)), (err) => (err ? reject(err) : resolve(void order.push(`id${i}`)))));
  const turns = async (until: () => boolean) => {
    for (let turn = 0; turn < 100 && !until(); turn++) await new Promise((r) => setTimeout(r, 1));
  };
  return { log, held, started, otherWritten, committed, durable, order, add, turns };
}

test("a batch goes out beside a write that stalls, and is acknowledged only after it", async () => {
  // A write the disk holds for a while (a busy disk stalled one sync for 20–50 ms) used to hold every
  // request that arrived meanwhile behind it, plus a whole write of its own. (A stall of 0 ms here: the
  // held write counts as stalled at once.)
  const path = join(tempDir(), "t.events.log");
  const { log, held, started, otherWritten, committed, durable, order, add, turns } = heldLog(path, 0);
  await log.drain(); // the new file's zero-filling is done: writes wait for nothing else
  const start = log.committedOffset;
  const first = add(1);
  await turns(() => held.length > 0);
  const second = add(2);
  await turns(() => started.length >= 2);
  assert.equal(started.length, 2, "the second batch waited for the first write");
  const firstLength = encodeEventLine(ev(1)).length;
  assert.equal(started[1], start + firstLength, "the second batch is written after the first one's bytes while the first is under way");
  // The second write is done, but the first is not: nothing is acknowledged yet.
  await otherWritten;
  assert.deepEqual(order, []);
  assert.equal(log.committedOffset, start);
  assert.deepEqual(committed, []);
  (held[0] as () => void)();
  await Promise.all([first, second]);
  assert.deepEqual(order, ["id1", "id2"]);
  assert.equal(log.committedOffset, start + firstLength + encodeEventLine(ev(2)).length);
  assert.deepEqual(committed, [log.committedOffset], "the durable end moves once, over both batches");
  assert.equal(durable.length, 2, "each batch's time to durable is told");
  assert.ok((durable[0] as number) >= (durable[1] as number), "the first batch waited longer than the one written beside it");
  await log.close(true);
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  assert.deepEqual(lines.slice(1), [encodeEventLine(ev(1)).trim(), encodeEventLine(ev(2)).trim()]);
});

test("while writes are quick, one batch is written at a time", async () => {
  const path = join(tempDir(), "t.events.log");
  const { log, held, started, order, add, turns } = heldLog(path, 60_000);
  await log.drain();
  const first = add(1);
  await turns(() => held.length > 0);
  const second = add(2);
  const third = add(3);
  await turns(() => started.length >= 2);
  assert.equal(started.length, 1, "a second write started beside one that was not stalled");
  (held[0] as () => void)();
  await Promise.all([first, second, third]);
  assert.equal(started.length, 2, "the lines that waited went out in one write");
  assert.deepEqual(order, ["id1", "id2", "id3"]);
  await log.close(true);
});

test("after a crash with a later batch on disk and an earlier one not, the acknowledged lines load and the gap is skipped", async () => {
  // Neither batch was acknowledged (the earlier one never finished); the later one's lines are whole.
  const path = join(tempDir(), "t.events.log");
  const log = GroupCommitLog.open(path);
  await append(log, encodeEventLine(ev(1)));
  const acknowledged = log.committedOffset;
  await log.close();
  const gap = encodeEventLine(ev(2)).length;
  const later = Buffer.from(encodeEventLine(ev(3)));
  const fd = openSync(path, "r+");
  writeSync(fd, later, 0, later.length, acknowledged + gap);
  closeSync(fd);
  const again = GroupCommitLog.open(path);
  assert.ok(again.committedOffset >= acknowledged);
  await append(again, encodeEventLine(ev(4)));
  const end = again.committedOffset;
  await again.close();
  const source = openLogSource(path);
  const store = await DuckDbStore.open(":memory:");
  const loaded = await loadEventLog(store, source, end);
  source.close();
  const ids = (await store.query("SELECT impression_id FROM events ORDER BY ts")).map((r) => String(r.impression_id));
  await store.close();
  assert.ok(ids.includes("id1") && ids.includes("id4"), ids.join(","));
  assert.equal(ids.includes("id2"), false);
  assert.equal(loaded.events, ids.length);
});

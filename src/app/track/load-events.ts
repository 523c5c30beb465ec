import { decodeEventLine, type TrackedEvent } from "../../domain/tracking/event.js";
import type { Store } from "../../store/store.js";

/** A run of whole log lines spanning byte offsets [from, end). */
export interface LogChunk {
  text: string;
  from: number;
  end: number;
}

/** What the loader reads: the tracking server's event log (store/event-log implements it). */
export interface EventLogSource {
  readonly id: string;
  readonly dataStart: number;
  read(from: number, upTo: number, maxBytes: number): LogChunk;
}

export interface LoadOutcome {
  offset: number;
  events: number;
  invalid: number;
  batches: number;
  /** Lines that could not be decoded (skipped; should never happen with a log cpi wrote). */
  badLines: number;
}

/** The events of a chunk of log lines. @example decodeChunk('[…]\n[…]\n').events.length // 2 */
export function decodeChunk(text: string): { events: TrackedEvent[]; badLines: number } {
  const events: TrackedEvent[] = [];
  let badLines = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) break;
    if (nl > start) {
      const e = decodeEventLine(text.slice(start, nl));
      if (e) events.push(e);
      else badLines++;
    }
    start = nl + 1;
  }
  return { events, badLines };
}

export interface LoadOptions {
  /** Bytes of the log per batch (one transaction each; default 8 MiB). */
  batchBytes?: number;
  /** Asked before each batch: true stops the load there (what is loaded stays loaded). */
  stop?: () => boolean;
}

/**
 * Loads the log into the store from where the store stands up to `upTo`, in batches of about
 * `batchBytes`; each batch and its end offset are committed together (exactly once, also after a
 * crash). Returns where the store stands afterwards.
 * @example await loadEventLog(store, source, source.dataStart + 4096, { batchBytes: 1 << 20 })
 */
export async function loadEventLog(store: Store, source: EventLogSource, upTo: number, opts: LoadOptions = {}): Promise<LoadOutcome> {
  const batchBytes = opts.batchBytes ?? 8 * 1024 * 1024;
  let offset = (await store.eventLogOffset(source.id)) ?? source.dataStart;
  const out: LoadOutcome = { offset, events: 0, invalid: 0, batches: 0, badLines: 0 };
  while (offset < upTo && !opts.stop?.()) {
    const chunk = source.read(offset, upTo, batchBytes);
    if (chunk.end <= offset) break;
    const { events, badLines } = decodeChunk(chunk.text);
    const r = await store.appendTrackedEvents({ logId: source.id, from: offset, to: chunk.end, events });
    out.events += r.events;
    out.invalid += r.invalid;
    out.badLines += badLines;
    out.batches++;
    offset = chunk.end;
  }
  out.offset = offset;
  return out;
}

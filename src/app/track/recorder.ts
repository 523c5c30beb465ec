import { isbot } from "isbot";
import { UserError } from "../../domain/errors.js";
import { encodeEventLine, type HitFields, type InvalidReason, type TrackedEvent } from "../../domain/tracking/event.js";
import { deviceClass, invalidReason, type RequestSignals } from "../../domain/tracking/invalid-traffic.js";
import { RateLimiter } from "./rate-limit.js";
import { SeenIds } from "./seen-ids.js";
import { DailyVisitorKeys } from "./visitor-key.js";

/** Where recorded events go: a durable, group-committed log (done is called once the line is on disk). */
export interface EventSink {
  append(lines: string, done: (err: Error | null) => void): void;
}

/** What a request tells about its sender (read by the HTTP layer, never stored as such). */
export interface HitContext extends RequestSignals {
  ip: string;
  /** Two-letter country from a trusted proxy header, or "". */
  country: string;
  now: number;
}

export interface RecorderOptions {
  /** Events per second per client address (0 = unlimited). */
  ipPerSecond?: number;
  /** Events per second per visitor key (0 = unlimited). */
  visitorPerSecond?: number;
  /** Impression ids remembered for duplicate detection (per generation). */
  seenIdCapacity?: number;
  visitorKeys?: DailyVisitorKeys;
}

const botCache = new Map<string, boolean>();

/** isbot with a small cache: most traffic repeats a few hundred user agents. */
function isBotUserAgent(ua: string): boolean {
  let b = botCache.get(ua);
  if (b === undefined) {
    b = isbot(ua);
    if (botCache.size > 10_000) botCache.clear();
    botCache.set(ua, b);
  }
  return b;
}

/**
 * Turns validated hits into log lines: adds time, the visitor key and the device class, classifies
 * invalid traffic (bots, headless browsers, prefetches, an impression id seen twice), applies the
 * rate limits, and hands the lines to the sink. Invalid hits are logged too, with their reason, so
 * they are counted per reason and never as impressions.
 * @example recorder.record([hit], ctx, (err) => res.end(GIF))
 */
export class TrackingRecorder {
  private readonly perIp: RateLimiter;
  private readonly perVisitor: RateLimiter;
  private readonly seen: SeenIds;
  private readonly keys: DailyVisitorKeys;
  /** Events acknowledged (durable) and rejected by the rate limits, for /health. */
  stats = { recorded: 0, invalid: 0, rateLimited: 0 };

  constructor(
    private readonly sink: EventSink,
    opts: RecorderOptions = {},
  ) {
    this.perIp = new RateLimiter(opts.ipPerSecond ?? 100);
    this.perVisitor = new RateLimiter(opts.visitorPerSecond ?? 20);
    this.seen = new SeenIds(opts.seenIdCapacity);
    this.keys = opts.visitorKeys ?? new DailyVisitorKeys();
  }

  /** Remembers impression ids stored before (e.g. before a restart), oldest first or in any order. */
  rememberIds(pairs: readonly (readonly [string, string])[]): void {
    for (const [type, id] of pairs) this.seen.checkAndAdd(type, id);
  }

  /**
   * Records hits (all or nothing): throws a UserError "rate_limited" when a limit would be passed;
   * otherwise `done` is called once every line is durable, with the events as logged.
   */
  record(hits: readonly HitFields[], ctx: HitContext, done: (err: Error | null, events: TrackedEvent[]) => void): void {
    const n = hits.length;
    const visitor = this.keys.key(ctx.ip, ctx.userAgent, ctx.now);
    if (!this.perIp.take(ctx.ip, n, ctx.now)) {
      this.stats.rateLimited += n;
      throw new UserError("rate_limited", "too many events from this address; slow down");
    }
    if (!this.perVisitor.take(visitor, n, ctx.now)) {
      this.perIp.giveBack(ctx.ip, n);
      this.stats.rateLimited += n;
      throw new UserError("rate_limited", "too many events from this visitor; slow down");
    }
    const requestReason = invalidReason(ctx, isBotUserAgent);
    const device = deviceClass(ctx.userAgent);
    const events: TrackedEvent[] = new Array(n);
    let lines = "";
    for (let i = 0; i < n; i++) {
      const h = hits[i] as HitFields;
      let reason: InvalidReason | "" = requestReason ?? (h.webdriver ? "automation" : "");
      if (reason === "" && h.impression_id !== "" && this.seen.checkAndAdd(h.type, h.impression_id)) reason = "duplicate_id";
      const e: TrackedEvent = {
        ts: ctx.now,
        type: h.type,
        impression_id: h.impression_id,
        campaign: h.campaign,
        creative: h.creative,
        placement: h.placement,
        visitor,
        country: ctx.country,
        device,
        measurable: h.measurable,
        ...(h.measurement ? { measurement: h.measurement } : {}),
        reason,
      };
      events[i] = e;
      lines += encodeEventLine(e);
    }
    this.sink.append(lines, (err) => {
      if (err) {
        // Not stored: the same impression id may come again and be counted then.
        for (const e of events) if (e.reason === "" && e.impression_id !== "") this.seen.forget(e.type, e.impression_id);
        return done(err, events);
      }
      for (const e of events) {
        if (e.reason === "") this.stats.recorded++;
        else this.stats.invalid++;
      }
      done(null, events);
    });
  }
}

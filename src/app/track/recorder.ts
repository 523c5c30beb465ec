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
  /** Events per second per client address past which they are counted invalid (`rate`); 0 = no limit. */
  ipPerSecond?: number;
  /** Events per second per visitor key past which they are counted invalid (`rate`); 0 = no limit. */
  visitorPerSecond?: number;
  /** Beacon (POST /e) events per second per address past which a batch is refused whole (429): flood protection; 0 = off. */
  floodPerSecond?: number;
  /** Impression ids remembered for duplicate detection (per generation). */
  seenIdCapacity?: number;
  visitorKeys?: DailyVisitorKeys;
}

/** What a user agent alone says of a request: its invalid-traffic reason (when no other signal is set) and device class. */
interface AgentFacts {
  reason: InvalidReason | null;
  device: string;
}

const agentCache = new Map<string, AgentFacts>();
const NO_SIGNALS = { purpose: "", clientHints: "", webdriver: false } as const;

/**
 * A user agent's facts, cached: most traffic repeats a few hundred user agents, and the bot list and
 * the headless and device patterns cost more than one lookup (about 1.5 µs an event).
 */
function agentFacts(ua: string): AgentFacts {
  let f = agentCache.get(ua);
  if (f === undefined) {
    f = { reason: invalidReason({ ...NO_SIGNALS, userAgent: ua }, isbot), device: deviceClass(ua) };
    if (agentCache.size >= 10_000) agentCache.clear();
    agentCache.set(ua, f);
  }
  return f;
}

/** The request's invalid-traffic reason: from the user agent's cached facts when no other signal is set. */
function requestReason(ctx: HitContext, facts: AgentFacts): InvalidReason | null {
  if (ctx.purpose === "" && ctx.clientHints === "" && !ctx.webdriver) return facts.reason;
  // Reached only for a user agent without headless markers: its cached reason is the bot list's verdict.
  return invalidReason(ctx, (ua) => agentFacts(ua).reason === "bot_user_agent");
}

/** What the tracking routes record through: the recorder itself, or (in an HTTP worker) its stand-in that forwards to it. */
export interface HitRecorder {
  record(hits: readonly HitFields[], ctx: HitContext, done: (err: Error | null) => void, opts?: { beacon?: boolean }): void;
  readonly stats: { recorded: number; invalid: number; rateLimited: number };
}

/** The defaults, safe behind a carrier-grade NAT or an office proxy (many people, one address). */
export const RATE_DEFAULTS = { ipPerSecond: 1000, visitorPerSecond: 50, floodPerSecond: 5000 } as const;

/**
 * Turns validated hits into log lines: adds time, the visitor key and the device class, classifies
 * invalid traffic (bots, headless browsers, prefetches, an impression id seen twice, more events than
 * the rate limits admit), and hands the lines to the sink. Invalid hits are logged too, with their
 * reason, so they are counted per reason and never as impressions: nothing a client sent vanishes.
 * @example recorder.record([hit], ctx, (err) => res.end(GIF))
 */
export class TrackingRecorder implements HitRecorder {
  private readonly perIp: RateLimiter;
  private readonly perVisitor: RateLimiter;
  private readonly flood: RateLimiter;
  private readonly seen: SeenIds;
  private readonly keys: DailyVisitorKeys;
  /** Events acknowledged (durable: valid, invalid) and over the rate limits (counted invalid, or refused as a flood), for /health. */
  stats = { recorded: 0, invalid: 0, rateLimited: 0 };

  constructor(
    private readonly sink: EventSink,
    opts: RecorderOptions = {},
  ) {
    this.perIp = new RateLimiter(opts.ipPerSecond ?? RATE_DEFAULTS.ipPerSecond);
    this.perVisitor = new RateLimiter(opts.visitorPerSecond ?? RATE_DEFAULTS.visitorPerSecond);
    this.flood = new RateLimiter(opts.floodPerSecond ?? RATE_DEFAULTS.floodPerSecond);
    this.seen = new SeenIds(opts.seenIdCapacity);
    this.keys = opts.visitorKeys ?? new DailyVisitorKeys();
  }

  /** Remembers impression ids stored before (e.g. before a restart), oldest first or in any order. */
  rememberIds(pairs: readonly (readonly [string, string])[]): void {
    for (const [type, id] of pairs) this.seen.checkAndAdd(type, id);
  }

  /**
   * Records hits; `done` is called once every line is durable, with the events as logged. Events past
   * the address's or the visitor's rate are recorded as invalid (`rate`). A `beacon` batch (POST /e)
   * from an address past the flood limit is refused whole: a UserError "rate_limited" (429).
   */
  record(hits: readonly HitFields[], ctx: HitContext, done: (err: Error | null, events: TrackedEvent[]) => void, opts: { beacon?: boolean } = {}): void {
    const n = hits.length;
    if (opts.beacon && this.flood.admit(ctx.ip, n, ctx.now) < n) {
      this.stats.rateLimited += n;
      throw new UserError("rate_limited", "too many events from this address: this batch was not stored; slow down");
    }
    const visitor = this.keys.key(ctx.ip, ctx.userAgent, ctx.now);
    // A visitor over its own limit does not use up its address's: the address counts what the visitor limit let through.
    const withinVisitor = this.perVisitor.admit(visitor, n, ctx.now);
    const within = this.perIp.admit(ctx.ip, withinVisitor, ctx.now);
    this.stats.rateLimited += n - within;
    const facts = agentFacts(ctx.userAgent);
    const byRequest = requestReason(ctx, facts);
    const device = facts.device;
    const events: TrackedEvent[] = new Array(n);
    let lines = "";
    for (let i = 0; i < n; i++) {
      const h = hits[i] as HitFields;
      let reason: InvalidReason | "" = byRequest ?? (h.webdriver ? "automation" : i >= within ? "rate" : "");
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

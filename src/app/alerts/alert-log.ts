import type { AlertKind } from "../../domain/anomaly/index.js";

/** A fired alert as recorded: once per alert key and checked day. */
export interface AlertRecord {
  type: "alert";
  /** rule / scope / first day of the episode / state: the identity that is sent at most once. */
  key: string;
  rule: string;
  kind: AlertKind;
  metric: string | null;
  /** The dimension values of the scope ({} for a rule's whole filtered scope). */
  scope: Record<string, string>;
  /** "campaign=Launch Q4" or the rule's filters. */
  scope_label: string;
  /** The day evaluated. */
  day: string;
  /** The first day of this episode (the same condition on consecutive days is one alert). */
  since: string;
  value: number | null;
  baseline: number | null;
  spread: number | null;
  score: number | null;
  threshold: number | null;
  direction: "up" | "down" | null;
  message: string;
  /** Discrepancy alerts: the day's impressions reported by the platforms or publishers… */
  reported?: number;
  /** … the ones tracked first-party … */
  tracked?: number;
  /** … and the relative gap (tracked − reported) ÷ reported (the same as `value`). */
  gap?: number;
  /** True for the record that opened the episode. */
  first: boolean;
  at: string;
}

/** An alert whose condition ended: its scope was judged normal on a later day. */
export interface ResolvedRecord {
  type: "resolved";
  /** The alert's key. */
  key: string;
  rule: string;
  scope: Record<string, string>;
  scope_label: string;
  /** The day judged normal again. */
  day: string;
  since: string;
  /** The last day the alert fired. */
  last_day: string;
  message: string;
  at: string;
}

/** What a send carries: the alert, or the news that it is back to normal. */
export type Notice = "alert" | "resolved";

/** One delivery attempt to a destination. */
export interface SendRecord {
  type: "send";
  key: string;
  notice: Notice;
  webhook: string;
  attempt: number;
  ok: boolean;
  /** HTTP status, when one came back. */
  status: number | null;
  /** Why it failed: "no answer within 10000 ms", "HTTP 503", "ECONNREFUSED"… */
  error: string | null;
  ms: number;
  at: string;
}

/** A notice due to a destination but not tried in its check (the destination had failed already): owed to it from then on. */
export interface QueuedRecord {
  type: "queued";
  key: string;
  notice: Notice;
  webhook: string;
  at: string;
}

/** A notice given up: not delivered within `delivery.expire_after` of its alert's last day firing. */
export interface ExpiredRecord {
  type: "expired";
  key: string;
  notice: Notice;
  webhook: string;
  at: string;
}

/** An alert not sent because a snooze or mute covered it when it was due. */
export interface SuppressedRecord {
  type: "suppressed";
  key: string;
  silence: string;
  at: string;
}

/** A completed check. */
export interface CheckRecord {
  type: "check";
  day: string;
  rules: number;
  scopes: number;
  fired: number;
  new: number;
  resolved: number;
  errors: number;
  at: string;
}

export type LogRecord = AlertRecord | ResolvedRecord | SendRecord | QueuedRecord | ExpiredRecord | SuppressedRecord | CheckRecord;

/** The log read back, indexed for the questions a check asks. */
export interface AlertHistory {
  records: LogRecord[];
  /** alert key → its first record. */
  firstByKey: Map<string, AlertRecord>;
  /** alert key → its latest record. */
  lastByKey: Map<string, AlertRecord>;
  /** alert key → its resolution. */
  resolved: Map<string, ResolvedRecord>;
  /** "key\u0000day" of every recorded alert. */
  recordedDays: Set<string>;
  /** "notice\u0000key\u0000webhook" of every successful send. */
  delivered: Set<string>;
  /** "notice\u0000key\u0000webhook" of every notice tried or queued: owed to that destination until delivered or expired. */
  owed: Set<string>;
  /** "notice\u0000key\u0000webhook" of every notice given up. */
  expired: Set<string>;
  /** alert key → the silence that held it back (the latest). */
  suppressed: Map<string, string>;
  /** Lines that were not JSON records (a torn last line after a crash): skipped. */
  skippedLines: number;
}

/** The index of a notice to a destination. @example noticeId("alert", key, "ops") */
export function noticeId(notice: Notice, key: string, webhook: string): string {
  return `${notice}\u0000${key}\u0000${webhook}`;
}

/** Logs written before snake_case named two fields otherwise, and had only alert sends. */
function upgraded(r: Record<string, unknown>): LogRecord {
  if ((r.type === "alert" || r.type === "resolved") && r.scope_label === undefined && typeof r.scopeLabel === "string") {
    const { scopeLabel, ...rest } = r;
    return { ...rest, scope_label: scopeLabel } as unknown as LogRecord;
  }
  if (r.type === "send" && r.notice === undefined) return { ...r, notice: "alert" } as unknown as LogRecord;
  if (r.type === "check" && r.resolved === undefined) return { ...r, resolved: 0 } as unknown as LogRecord;
  return r as unknown as LogRecord;
}

/**
 * Reads the JSON-lines log; lines that do not parse (a write cut short by a crash) are skipped and counted.
 * @example readAlertHistory('{"type":"check","day":"2026-10-14",…}\n').records.length // 1
 */
export function readAlertHistory(text: string): AlertHistory {
  const h: AlertHistory = {
    records: [],
    firstByKey: new Map(),
    lastByKey: new Map(),
    resolved: new Map(),
    recordedDays: new Set(),
    delivered: new Set(),
    owed: new Set(),
    expired: new Set(),
    suppressed: new Map(),
    skippedLines: 0,
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      h.skippedLines++;
      continue;
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as { type?: unknown }).type !== "string") {
      h.skippedLines++;
      continue;
    }
    const r = upgraded(parsed as Record<string, unknown>);
    h.records.push(r);
    if (r.type === "alert") {
      if (!h.firstByKey.has(r.key)) h.firstByKey.set(r.key, r);
      const last = h.lastByKey.get(r.key);
      if (!last || r.day >= last.day) h.lastByKey.set(r.key, r);
      h.recordedDays.add(`${r.key}\u0000${r.day}`);
    } else if (r.type === "resolved") h.resolved.set(r.key, r);
    else if (r.type === "send" || r.type === "queued") {
      h.owed.add(noticeId(r.notice, r.key, r.webhook));
      if (r.type === "send" && r.ok) h.delivered.add(noticeId(r.notice, r.key, r.webhook));
    }
    else if (r.type === "expired") h.expired.add(noticeId(r.notice, r.key, r.webhook));
    else if (r.type === "suppressed") h.suppressed.set(r.key, r.silence);
  }
  return h;
}

/** A record as one log line. @example logLine({ type: "check", … }) // '{"type":"check",…}' */
export function logLine(r: LogRecord): string {
  return JSON.stringify(r);
}

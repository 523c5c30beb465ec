import type { AlertKind } from "../../domain/anomaly/index.js";

/** A fired alert as recorded: once per alert key and checked day. */
export interface AlertRecord {
  type: "alert";
  /** rule | scope | first day of the episode | direction: the identity that is sent at most once. */
  key: string;
  rule: string;
  kind: AlertKind;
  metric: string | null;
  /** The dimension values of the scope ({} for a rule's whole filtered scope). */
  scope: Record<string, string>;
  /** "campaign=Launch Q4" or the rule's filters. */
  scopeLabel: string;
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

/** One webhook send attempt. */
export interface SendRecord {
  type: "send";
  key: string;
  webhook: string;
  attempt: number;
  ok: boolean;
  /** HTTP status, when one came back. */
  status: number | null;
  /** Why it failed: "timeout after 10000 ms", "HTTP 503", "connection refused"… */
  error: string | null;
  ms: number;
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
  errors: number;
  at: string;
}

export type LogRecord = AlertRecord | SendRecord | CheckRecord;

/** The log read back, indexed for the questions a check asks. */
export interface AlertHistory {
  records: LogRecord[];
  /** alert key → its first record. */
  firstByKey: Map<string, AlertRecord>;
  /** "key\u0000day" of every recorded alert. */
  recordedDays: Set<string>;
  /** "key\u0000webhook" of every successful send. */
  delivered: Set<string>;
  /** Lines that were not JSON records (a torn last line after a crash): skipped. */
  skippedLines: number;
}

/**
 * Reads the JSON-lines log; lines that do not parse (a write cut short by a crash) are skipped and counted.
 * @example readAlertHistory('{"type":"check","day":"2026-10-14",…}\n').records.length // 1
 */
export function readAlertHistory(text: string): AlertHistory {
  const h: AlertHistory = { records: [], firstByKey: new Map(), recordedDays: new Set(), delivered: new Set(), skippedLines: 0 };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let r: LogRecord;
    try {
      r = JSON.parse(line) as LogRecord;
    } catch {
      h.skippedLines++;
      continue;
    }
    if (typeof r !== "object" || r === null || typeof (r as { type?: unknown }).type !== "string") {
      h.skippedLines++;
      continue;
    }
    h.records.push(r);
    if (r.type === "alert") {
      if (!h.firstByKey.has(r.key)) h.firstByKey.set(r.key, r);
      h.recordedDays.add(`${r.key}\u0000${r.day}`);
    } else if (r.type === "send" && r.ok) h.delivered.add(`${r.key}\u0000${r.webhook}`);
  }
  return h;
}

/** A record as one log line. @example logLine({ type: "check", … }) // '{"type":"check",…}' */
export function logLine(r: LogRecord): string {
  return JSON.stringify(r);
}

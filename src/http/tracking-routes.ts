// The tracking endpoints: GET /i.gif, GET /v.gif, POST /e, GET /c, GET /health.
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkClickTarget } from "../app/track/click-target.js";
import type { HitContext, HitRecorder } from "../app/track/recorder.js";
import { isUserError, UserError } from "../domain/errors.js";
import { type EventType, type HitFields, MAX_BATCH_EVENTS } from "../domain/tracking/event.js";
import { eventBatch, hitFields } from "../domain/tracking/hit-fields.js";
import { parseJsonBody, parseQuery, readBody } from "./request-input.js";
import { jsonError, type RequestUrl, type Route, safeLog, sendJson, sendThrown } from "./server.js";

/** The 43-byte transparent 1×1 GIF every pixel request answers. */
export const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");

const GIF_HEADERS = {
  "content-type": "image/gif",
  "content-length": String(PIXEL_GIF.length),
  "cache-control": "no-cache, no-store, must-revalidate, private, max-age=0",
  pragma: "no-cache",
  expires: "0",
};
const CORS = { "access-control-allow-origin": "*", "access-control-allow-methods": "POST, OPTIONS", "access-control-allow-headers": "content-type", "access-control-max-age": "86400" };

export interface TrackingOptions {
  recorder: HitRecorder;
  /** Secret for click-target signatures. */
  secret: Buffer;
  /** Hosts clicks may redirect to without a signature. */
  allowHosts: readonly string[];
  /** Take the client address from X-Forwarded-For / X-Real-IP (behind a reverse proxy you run). */
  trustProxy: boolean;
  /** Largest POST /e body in bytes. */
  maxBodyBytes: number;
  /** Extra facts for /health (log and loader offsets; in an HTTP worker, the primary's counters too). */
  health: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  log?: (msg: string) => void;
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : "";
}

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = header(req, "x-forwarded-for");
    if (xff) return (xff.split(",")[0] ?? "").trim();
    const real = header(req, "x-real-ip");
    if (real) return real.trim();
  }
  return req.socket.remoteAddress ?? "";
}

function contextOf(req: IncomingMessage, trustProxy: boolean): HitContext {
  const h = req.headers;
  const purpose = h.purpose ?? h["sec-purpose"] ?? h["x-purpose"] ?? h["x-moz"];
  const country = trustProxy ? header(req, "cf-ipcountry") || header(req, "x-country-code") : "";
  return {
    ip: clientIp(req, trustProxy),
    userAgent: typeof h["user-agent"] === "string" ? h["user-agent"].slice(0, 1024) : "",
    purpose: typeof purpose === "string" ? purpose.toLowerCase() : "",
    clientHints: typeof h["sec-ch-ua"] === "string" ? h["sec-ch-ua"] : "",
    webdriver: false,
    country: country !== "" && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : "",
    now: Date.now(),
  };
}

function unavailable(res: ServerResponse, err: Error, log?: (m: string) => void): void {
  log?.(`event log write failed: ${err.message}`);
  jsonError(res, 503, "unavailable", "the event could not be stored; try again");
}

/** The tracking routes, to add to the server's route table. */
export function trackingRoutes(options: TrackingOptions): Route[] {
  const o = { ...options, log: safeLog(options.log) };
  /**
   * The answer to send once the request's events are durable. It runs inside the log's commit
   * callback: whatever it throws becomes this request's error answer and never reaches the log.
   */
  const afterCommit = (res: ServerResponse, answer: () => void) => (err: Error | null) => {
    try {
      if (err && isUserError(err)) sendThrown(res, err, o.log); // refused by the primary of an HTTP worker (a flood: 429)
      else if (err) unavailable(res, err, o.log);
      else answer();
    } catch (e) {
      sendThrown(res, e, o.log);
    }
  };
  const pixel = (type: EventType) => (req: IncomingMessage, res: ServerResponse, url: RequestUrl) => {
    const params = parseQuery(url.query);
    const hit = hitFields((n) => params.get(n), type);
    o.recorder.record(
      [hit],
      contextOf(req, o.trustProxy),
      afterCommit(res, () => {
        res.writeHead(200, GIF_HEADERS);
        res.end(req.method === "HEAD" ? undefined : PIXEL_GIF);
      }),
    );
  };
  const batch = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req, o.maxBodyBytes);
    const hits: HitFields[] = eventBatch(parseJsonBody(body), MAX_BATCH_EVENTS);
    o.recorder.record(
      hits,
      contextOf(req, o.trustProxy),
      afterCommit(res, () => {
        res.writeHead(204, CORS);
        res.end();
      }),
      { beacon: true },
    );
  };
  const click = (req: IncomingMessage, res: ServerResponse, url: RequestUrl) => {
    const params = parseQuery(url.query);
    const target = checkClickTarget(params.get("to"), params.get("sig"), o.secret, o.allowHosts);
    const hit = hitFields((n) => params.get(n), "click");
    o.recorder.record(
      [hit],
      contextOf(req, o.trustProxy),
      afterCommit(res, () => {
        res.writeHead(302, { location: target, "cache-control": "no-cache, no-store, private", "content-length": "0" });
        res.end();
      }),
    );
  };
  const wrap =
    (fn: (req: IncomingMessage, res: ServerResponse, url: RequestUrl) => void | Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse, url: RequestUrl) => {
      try {
        const r = fn(req, res, url);
        if (r) r.catch((e: unknown) => sendThrown(res, e, o.log));
      } catch (e) {
        if (e instanceof UserError) jsonError(res, e.code === "rate_limited" ? 429 : 400, e.code, e.message);
        else sendThrown(res, e, o.log);
      }
    };
  return [
    { method: ["GET", "HEAD"], path: "/i.gif", handler: wrap(pixel("impression")) },
    { method: ["GET", "HEAD"], path: "/v.gif", handler: wrap(pixel("viewable")) },
    { method: "POST", path: "/e", handler: wrap(batch) },
    {
      method: "OPTIONS",
      path: "/e",
      handler: (_req, res) => {
        res.writeHead(204, CORS);
        res.end();
      },
    },
    { method: "GET", path: "/c", handler: wrap(click) },
    { method: ["GET", "HEAD"], path: "/health", handler: async (_req, res) => sendJson(res, 200, { status: "ok", ...o.recorder.stats, ...(await o.health()) }) },
  ];
}

// The common part of the fake ad-platform APIs (tests and benchmarks, not part of the build): an HTTP
// server on a free loopback port that records every request, lets a platform module answer it, and
// plays faults on demand: hang (never answer), malformed body, scripted errors. A platform module
// validates each request against the documented shape and answers anything else with the
// platform's own error; `violations` lists what a connector sent that the documentation does not allow.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The request target as sent (path and query, undecoded): Rest.li 2.0 queries are checked on it. */
  url: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

/** An answer: status, JSON (or raw text, or bytes) body, headers. */
export interface Answer {
  status: number;
  json?: unknown;
  text?: string;
  /** A binary body (a ZIP download), sent as application/octet-stream unless headers say otherwise. */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
}

/** Faults the fake plays on the next matching requests (per account, or for every request with "*"). */
export type FaultKind = "hang" | "malformed" | "server_error" | "rate_limit" | "rate_limit_retry_after" | "expire_token" | "permission" | "throttle_headers" | "echo_secret" | "too_much_data";

export interface Fault {
  kind: FaultKind;
  /** How many matching requests it applies to (Infinity: all). */
  times: number;
  /** Only requests of this account ("*": any). */
  account: string;
  /** Only requests whose path contains this (a report endpoint rather than the account lookup). */
  pathIncludes?: string;
  /** Matching requests let through before the fault starts (a later page fails, not the first). */
  after?: number;
}

export interface FakeApi {
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests that broke the documented protocol, in words (a connector test expects none). */
  violations: string[];
  /** Plays a fault on the next matching requests. */
  fault(f: Fault): void;
  /** Forgets the faults still scheduled. */
  clearFaults(): void;
  close(): Promise<void>;
}

export type Handler = (req: RecordedRequest, play: (account: string) => Fault | null) => Answer | Promise<Answer>;

/**
 * Starts a fake API on 127.0.0.1 (a free port). `handle` answers each request; `play(account)`
 * takes the next fault scheduled for that account, if any ("hang" and "malformed" are played here).
 * @example const api = await startFakeServer((req) => ({ status: 200, json: {} }))
 */
export async function startFakeServer(handle: Handler, violations: string[] = [], o: { memo?: (req: RecordedRequest) => boolean } = {}): Promise<FakeApi> {
  // Benchmarks: a successful answer to the same request (method, path, query, body) is served again
  // as it was serialized, so the fake's own JSON work is not what they measure.
  const memo = new Map<string, { status: number; headers: Record<string, string>; body: string | Uint8Array }>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const play = (path: string) => (account: string) => {
    const i = faults.findIndex((f) => f.times > 0 && (f.account === "*" || f.account === account) && (!f.pathIncludes || path.includes(f.pathIncludes)));
    if (i < 0) return null;
    const f = faults[i] as Fault;
    if ((f.after ?? 0) > 0) {
      f.after = (f.after as number) - 1;
      return null;
    }
    f.times--;
    return f;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const rec: RecordedRequest = { method: req.method ?? "", path: url.pathname, url: req.url ?? "/", query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(rec);
      const key = `${rec.method} ${req.url} ${rec.body}`;
      const memoize = o.memo?.(rec) ?? false;
      const saved = memoize ? memo.get(key) : undefined;
      if (saved) {
        res.writeHead(saved.status, saved.headers);
        res.end(saved.body);
        return;
      }
      let hung = false;
      let garbled = false;
      const playing = (account: string) => {
        const f = play(rec.path)(account);
        if (f?.kind === "hang") hung = true;
        else if (f?.kind === "malformed") garbled = true;
        else return f;
        return null;
      };
      Promise.resolve(handle(rec, playing)).then(
        (a) => {
          if (hung) {
            hanging.add(res); // never answered; destroyed at close
            return;
          }
          const body = garbled ? '{"results": [{"campaign": {"id": "1"' : a.bytes !== undefined ? a.bytes : a.text !== undefined ? a.text : JSON.stringify(a.json);
          const type = garbled ? "application/json; charset=UTF-8" : a.bytes !== undefined ? "application/octet-stream" : a.text !== undefined ? "text/html; charset=UTF-8" : "application/json; charset=UTF-8";
          const headers = { "content-type": type, ...a.headers };
          if (memoize && a.status === 200 && !garbled) memo.set(key, { status: a.status, headers, body });
          res.writeHead(a.status, headers);
          res.end(body);
        },
        (e: unknown) => {
          violations.push(`the fake failed on ${rec.method} ${rec.path}: ${(e as Error).stack ?? e}`);
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("fake server error");
        },
      );
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    fault: (f) => faults.push({ ...f }),
    clearFaults: () => {
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Form fields of a request body (application/x-www-form-urlencoded). */
export function formOf(req: RecordedRequest): URLSearchParams {
  return new URLSearchParams(req.body);
}

// Local webhook receivers for alert tests, on 127.0.0.1 and a port the system picks.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Receiver {
  url: string;
  /** Bodies received, parsed as JSON. */
  bodies: unknown[];
  /** The raw bodies and the headers of each request. */
  raw: { body: Buffer; headers: IncomingHttpHeaders }[];
  /** Requests seen (answered or not). */
  requests: number;
  close(): Promise<void>;
}

/**
 * A receiver answering each request with the next status of `statuses` (the last one repeats);
 * `null` means never answer (the connection stays open until the client gives up). A `judge` decides
 * the status from the raw body and headers instead (a receiver that verifies signatures).
 */
export async function startReceiver(statuses: readonly (number | null)[], judge?: (body: Buffer, headers: IncomingHttpHeaders) => number): Promise<Receiver> {
  const r: Receiver = { url: "", bodies: [], raw: [], requests: 0, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const listed = statuses[Math.min(r.requests, statuses.length - 1)] ?? null;
    r.requests++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      r.raw.push({ body, headers: req.headers });
      try {
        r.bodies.push(JSON.parse(body.toString("utf8")));
      } catch {
        r.bodies.push(body.toString("utf8"));
      }
      const status = judge ? judge(body, req.headers) : listed;
      if (status === null) return; // never answers
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 300 ? "ok" : "receiver says no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  r.url = `http://127.0.0.1:${port}/hook`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

/** A URL on which nothing listens (connection refused). */
export async function deadUrl(): Promise<string> {
  const r = await startReceiver([200]);
  await r.close();
  return r.url;
}

// Local webhook receivers for alert tests, on 127.0.0.1 and a port the system picks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Receiver {
  url: string;
  /** Bodies received, parsed as JSON. */
  bodies: unknown[];
  /** Requests seen (answered or not). */
  requests: number;
  close(): Promise<void>;
}

/**
 * A receiver answering each request with the next status of `statuses` (the last one repeats);
 * `null` means never answer (the connection stays open until the client gives up).
 */
export async function startReceiver(statuses: readonly (number | null)[]): Promise<Receiver> {
  const r: Receiver = { url: "", bodies: [], requests: 0, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const status = statuses[Math.min(r.requests, statuses.length - 1)] ?? null;
    r.requests++;
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      try {
        r.bodies.push(JSON.parse(body));
      } catch {
        r.bodies.push(body);
      }
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

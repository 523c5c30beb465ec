// Connection limits for `cpi serve`: file descriptors are finite, and 20,000 idle sockets from one
// address once took the pixel and /health down for everyone. Connections are capped in total and per
// peer address. A connection is *busy* from its request's headers to the end of its answer and *idle*
// otherwise (a keep-alive socket between requests, or one that has not sent its headers yet): when a
// cap is reached, the oldest idle connection (of that address, or of anyone for the total) is closed
// to make room, and only when none is idle is the new one refused with a 503. Behind a NAT, many
// browsers' idle keep-alive sockets give way to new ones; a flood of busy ones from one address
// cannot take the others' room. Slow or silent headers are cut by `headersTimeout` (see server.ts).
import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimits {
  /** Open connections at most (0 = no cap). */
  total: number;
  /** Open connections per peer address at most (0 = no cap: behind a proxy, the proxy is every peer). */
  perAddress: number;
}

/** Sockets kept in the order they became idle (oldest first). */
interface Peer {
  open: Set<Socket>;
  idle: Set<Socket>;
}

const REFUSED = "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: 29\r\nretry-after: 1\r\n\r\ntoo many connections, retry\r\n";

/**
 * The soft limit on open files of this process (Linux: /proc/self/limits), or null when unknown.
 * Node raises the soft limit to the hard one when it starts.
 * @example openFileLimit() // 1048576
 */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (!m) return null;
    return m[1] === "unlimited" ? null : Number(m[1]);
  } catch {
    return null;
  }
}

/**
 * The default total cap: room for everything but the log's files and a margin (90 % of the open-file
 * limit, at most that limit less 256), or 10,000 when the limit is unknown.
 * @example defaultMaxConnections(20_000) // 17_744
 */
export function defaultMaxConnections(limit = openFileLimit()): number {
  if (limit === null) return 10_000;
  return Math.max(64, Math.min(limit - 256, Math.floor(limit * 0.9)));
}

/** The default per-address cap (none behind a trusted proxy, whose address every request has). */
export const DEFAULT_PER_ADDRESS = 512;

/**
 * Applies the limits to a server; returns counters (open, refused, evicted) for logs and tests, and
 * `busy`, which the server's request handler calls first for each request (the connection is busy
 * until its answer ends).
 * @example const guard = guardConnections(server, { total: 10_000, perAddress: 512 })
 */
export function guardConnections(server: Server, limits: ConnectionLimits, log?: (msg: string) => void) {
  const peers = new Map<string, Peer>();
  /** Each socket's peer address as it connected (a destroyed socket may no longer say). */
  const addresses = new WeakMap<Socket, string>();
  const idle = new Set<Socket>();
  const counts = { open: 0, refused: 0, evicted: 0 };
  let lastWarning = 0;
  const warn = (why: string) => {
    const now = Date.now();
    if (now - lastWarning < 10_000) return;
    lastWarning = now;
    log?.(`connections: ${why} (${counts.open} open, ${counts.refused} refused and ${counts.evicted} idle ones closed so far; see docs/serving.md)`);
  };
  const addressOf = (s: Socket) => addresses.get(s) ?? "";
  const evictFrom = (set: Set<Socket>): boolean => {
    for (const s of set) {
      counts.evicted++;
      s.destroy(); // its "close" forgets it
      forget(s);
      return true;
    }
    return false;
  };
  const forget = (s: Socket) => {
    const peer = peers.get(addressOf(s));
    if (!peer?.open.delete(s)) return;
    peer.idle.delete(s);
    idle.delete(s);
    counts.open--;
    if (peer.open.size === 0) peers.delete(addressOf(s));
  };
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    addresses.set(socket, address);
    const peer = peers.get(address);
    if (limits.perAddress > 0 && peer && peer.open.size >= limits.perAddress && !evictFrom(peer.idle)) {
      counts.refused++;
      warn(`one address has ${peer.open.size} busy connections (--max-connections-per-address)`);
      socket.end(REFUSED);
      return;
    }
    if (limits.total > 0 && counts.open >= limits.total && !evictFrom(idle)) {
      counts.refused++;
      warn(`${counts.open} connections are busy (--max-connections)`);
      socket.end(REFUSED);
      return;
    }
    const mine = peers.get(address) ?? { open: new Set<Socket>(), idle: new Set<Socket>() };
    peers.set(address, mine);
    mine.open.add(socket);
    mine.idle.add(socket);
    idle.add(socket);
    counts.open++;
    socket.once("close", () => forget(socket));
  });
  /** A response ended: its socket is idle again, at the end of the idle order (one shared listener, no closure per request). */
  function idleAgain(this: ServerResponse): void {
    const s = this.req.socket;
    const peer = peers.get(addressOf(s));
    if (s.destroyed || !peer?.open.has(s)) return;
    peer.idle.add(s);
    idle.add(s);
  }
  /** Called by the server's request handler first (not a second "request" listener: each emit then copied the listener list). */
  const busy = (req: IncomingMessage, res: ServerResponse): void => {
    const s = req.socket;
    const peer = peers.get(addressOf(s));
    if (!peer?.open.has(s)) return;
    peer.idle.delete(s);
    idle.delete(s);
    res.on("close", idleAgain);
  };
  return { counts, busy };
}

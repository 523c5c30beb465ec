// Test harness: starts ClickHouse server processes on free ports with temporary data folders and a
// generated config naming a cluster of all of them (one shard each), and stops them by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

/** The cluster name every generated config declares. */
export const CLUSTER = "cpi_test";
/** A user with a password, to exercise credentials in store URLs. */
export const USER = "cpi";
export const PASSWORD = "cpi-test-secret";

export interface TestServer {
  pid: number;
  httpPort: number;
  tcpPort: number;
  dir: string;
  /** A store URL for `database` on this server. */
  url(database: string): string;
  /** Stops this server (SIGTERM, then waits for its exit). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data folder (after stop()). */
  restart(): Promise<void>;
}

export interface TestCluster {
  servers: TestServer[];
  cluster: string;
  stop(): Promise<void>;
}

/** The clickhouse-server binary, or null when it is not installed (tests then skip). */
export function clickhouseServerBinary(): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  for (const d of dirs) {
    const p = join(d, "clickhouse-server");
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

/** Why ClickHouse tests skip on this machine, or null when they can run. */
export function skipReason(): string | null {
  return clickhouseServerBinary() ? null : "clickhouse-server is not installed (scripts/install-system-deps.sh installs it)";
}

async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const a = srv.address();
        const p = typeof a === "object" && a ? a.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

function configXml(dir: string, http: number, tcp: number, interserver: number, shards: number[]): string {
  const remote = shards.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port><user>${USER}</user><password>${PASSWORD}</password></replica></shard>`).join("");
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <interserver_http_port>${interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <!-- Not UTC on purpose: cpi must not depend on the server's zone (columns are DateTime('UTC')). -->
  <timezone>Asia/Kolkata</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  <remote_servers><${CLUSTER}>${remote}</${CLUSTER}></remote_servers>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <${USER}><password>${PASSWORD}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></${USER}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function ping(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/ping`);
    return r.ok && (await r.text()).startsWith("Ok");
  } catch {
    return false;
  }
}

/** Polls until the server answers /ping, or fails when its process has exited. */
async function waitReady(child: ChildProcess, port: number, dir: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      let log = "";
      try {
        log = readFileSync(join(dir, "server.err.log"), "utf8");
      } catch {}
      if (/Address already in use/.test(log)) throw new PortTaken(`a port was taken before clickhouse-server bound it`);
      throw new Error(`clickhouse-server exited while starting: ${log.split("\n").find((l) => /Error|Exception/.test(l)) ?? "(no log)"}`);
    }
    if (await ping(port)) return;
    await sleep(50);
  }
}

/** Starts a server killed with SIGKILL again: its ports may take a moment to be free. */
export async function restartKilled(server: TestServer): Promise<void> {
  for (;;) {
    try {
      await server.restart();
      return;
    } catch {
      await sleep(200);
    }
  }
}

/**
 * Starts `n` servers (default 2) whose configs all declare the cluster `cpi_test` of n shards.
 * A free port can be taken by another process before the server binds it: then every server is
 * stopped and the cluster started again on new ports (a few attempts).
 * @example const c = await startClickHouse(2); try { … } finally { await c.stop(); }
 */
export async function startClickHouse(n = 2): Promise<TestCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(n);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof PortTaken)) throw e;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(n: number): Promise<TestCluster> {
  const bin = clickhouseServerBinary();
  if (!bin) throw new Error("clickhouse-server is not installed");
  const taken = new Set<number>();
  const ports: { http: number; tcp: number; inter: number }[] = [];
  for (let i = 0; i < n; i++) ports.push({ http: await freePort(taken), tcp: await freePort(taken), inter: await freePort(taken) });
  const servers: TestServer[] = [];
  try {
    for (const p of ports) {
      const dir = mkdtempSync(join(tmpdir(), "cpi-clickhouse-"));
      for (const sub of ["data", "tmp", "user_files", "format_schemas"]) mkdirSync(join(dir, sub));
      writeFileSync(join(dir, "config.xml"), configXml(dir, p.http, p.tcp, p.inter, ports.map((q) => q.tcp)));
      writeFileSync(join(dir, "users.xml"), USERS_XML);
      let child: ChildProcess;
      const launch = async () => {
        child = spawn(bin, [`--config-file=${join(dir, "config.xml")}`], { cwd: dir, stdio: "ignore" });
        await waitReady(child, p.http, dir);
      };
      try {
        await launch();
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
      const server: TestServer = {
        get pid() {
          return child.pid ?? 0;
        },
        httpPort: p.http,
        tcpPort: p.tcp,
        dir,
        url: (db) => `clickhouse://${USER}:${PASSWORD}@127.0.0.1:${p.http}/${db}`,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once("exit", resolve));
          process.kill(child.pid as number, "SIGTERM");
          await exited;
        },
        restart: launch,
      };
      servers.push(server);
    }
  } catch (e) {
    for (const s of servers) {
      await s.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
    throw e;
  }
  return {
    servers,
    cluster: CLUSTER,
    async stop() {
      for (const s of servers) {
        await s.stop();
        rmSync(s.dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * For a test file: `n` servers started before its tests and stopped after them, unless ClickHouse is
 * skipped on this machine (`skip` then says why). `cluster()` is the running cluster, for tests run
 * with `{ skip }`.
 * @example const { skip, cluster } = clusterForFile(2); test("…", { skip }, async () => { cluster().servers … });
 */
export function clusterForFile(n = 2): { skip: string | false; cluster: () => TestCluster } {
  const skip = skipReason() ?? false;
  let c: TestCluster | null = null;
  before(async () => {
    if (!skip) c = await startClickHouse(n);
  });
  after(async () => {
    await c?.stop();
  });
  return {
    skip,
    cluster: () => {
      if (!c) throw new Error("the ClickHouse test cluster is not running (is the test run with { skip }?)");
      return c;
    },
  };
}

// Environment errors (issue 19): what is wrong with the machine, not with cpi, exits 2 with one line
// naming the path or port and what to do, no stack trace, no process left running, no file created.
// In-process where only the message matters (main() maps errors the same way), real processes where the
// process itself is the point (serve must exit; a file size limit is set on a process).
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { cpi, cpiProcess, ROOT, tempDir, write } from "../helpers.js";

const CSV = "date,source,account,campaign,currency,cost,impressions,clicks\n2026-10-01,direct,a,Seed,USD,5000,500000,10\n";

/** Exit 2, one line on stderr that says `what`, no stack trace. */
function environmentError(r: { code: number; stderr: string }, what: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  // (cpi demo says what it builds before it starts)
  const lines = r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("building the demo store"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, /^error: /);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at |Error: IO Error/);
  assert.match(r.stderr, what);
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

test("--db naming a file that is not a store: every kind of command exits 2 and leaves the file as it was", async () => {
  const dir = tempDir();
  write(dir, "a.csv", CSV);
  write(dir, "notes.txt", "my notes, not a store\n".repeat(100));
  const before = sha(join(dir, "notes.txt"));
  for (const argv of [["report"], ["import", "a.csv"], ["fx", "list"], ["token", "create", "ci"], ["import", "a.csv", "--dry-run"]]) {
    environmentError(await cpi(dir, ...argv, "--db", "notes.txt"), /notes\.txt is not a cpi store \(not a DuckDB database file\): point --db or CPI_DB at your store/);
  }
  assert.equal(sha(join(dir, "notes.txt")), before);
  assert.deepEqual(readdirSync(dir).sort(), ["a.csv", "notes.txt"]);
});

test("--db naming a folder, a path in a missing folder, or under a file exits 2 and creates nothing", async () => {
  const dir = tempDir();
  write(dir, "a.csv", CSV);
  mkdirSync(join(dir, "stores"));
  for (const argv of [["import", "a.csv"], ["report"], ["demo", "--force"], ["contract", "list"]]) {
    environmentError(await cpi(dir, ...argv, "--db", "stores"), /the store path \S+stores is a folder, not a store file: name a file, e.g. --db \S+stores\/cpi\.duckdb/);
  }
  environmentError(await cpi(dir, "import", "a.csv", "--db", "missing/cpi.duckdb"), /cannot create the store \S+missing\/cpi\.duckdb: the folder \S+missing does not exist; create it \(mkdir -p/);
  environmentError(await cpi(dir, "import", "a.csv", "--db", "a.csv/cpi.duckdb"), /cannot create the store \S+a\.csv\/cpi\.duckdb: \S+a\.csv is a file, not a folder/);
  assert.deepEqual(readdirSync(dir).sort(), ["a.csv", "stores"]);
  assert.deepEqual(readdirSync(join(dir, "stores")), []);
});

test("a path cpi may not write exits 2 naming it (root included: /sys refuses new files)", async () => {
  const dir = tempDir();
  write(dir, "a.csv", CSV);
  if (existsSync("/sys/kernel")) {
    environmentError(await cpi(dir, "import", "a.csv", "--db", "/sys/cpi.duckdb"), /cannot write the store \/sys\/cpi\.duckdb: permission denied/);
  }
  if (process.getuid?.() !== 0) {
    // Permissions bind everyone but root.
    mkdirSync(join(dir, "locked"));
    chmodSync(join(dir, "locked"), 0o500);
    environmentError(await cpi(dir, "import", "a.csv", "--db", "locked/cpi.duckdb"), /cannot create the store \S+locked\/cpi\.duckdb in \S+locked: permission denied/);
    chmodSync(join(dir, "locked"), 0o700);
  }
  environmentError(await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "cpi", "--by", "campaign", "--config", "/sys/cpi.alerts.json"), /cannot write \/sys\/\S+: permission denied/);
});

test("a failed import and a dry run create no store file", async () => {
  const dir = tempDir();
  write(dir, "bad.csv", "garbage\n");
  write(dir, "a.csv", CSV);
  write(dir, "nocur.csv", "date,campaign,cost,impressions\n2026-10-01,Seed,5000,500000\n");
  const failed = await cpi(dir, "import", "bad.csv");
  assert.equal(failed.code, 2, failed.stderr);
  const noCurrency = await cpi(dir, "import", "nocur.csv");
  assert.equal(noCurrency.code, 2, noCurrency.stderr);
  const dry = await cpi(dir, "import", "a.csv", "--dry-run");
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /checked 1 rows from 1 file \(dry run: nothing written\)/);
  assert.deepEqual(readdirSync(dir).sort(), ["a.csv", "bad.csv", "nocur.csv"]);
  // A dry run against an existing store still checks against it and leaves it unchanged.
  assert.equal((await cpi(dir, "import", "a.csv")).code, 0);
  const before = sha(join(dir, "cpi.duckdb"));
  assert.equal((await cpi(dir, "import", "a.csv", "--dry-run")).code, 0);
  assert.equal(sha(join(dir, "cpi.duckdb")), before);
});

/**
 * A process that holds the DuckDB store at `path` open (as another cpi would), until killed. The
 * instance and connection stay referenced: unreferenced, a garbage collection closed them and
 * released the lock, and the command under test then opened the store (seen once under load).
 */
async function holdStore(path: string): Promise<ChildProcess> {
  const script = `import("@duckdb/node-api").then(async (m) => { const i = await m.DuckDBInstance.create(${JSON.stringify(path)}); globalThis.held = [i, await i.connect()]; process.stdout.write("held\\n"); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ["-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return child;
}

test("a store another process holds open exits 2: in use, by which pid, what to do", async () => {
  const dir = tempDir();
  write(dir, "a.csv", CSV);
  assert.equal((await cpi(dir, "import", "a.csv")).code, 0);
  const holder = await holdStore(join(dir, "cpi.duckdb"));
  try {
    for (const argv of [["report"], ["import", "a.csv"]]) {
      environmentError(await cpi(dir, ...argv), new RegExp(`the store \\S+cpi\\.duckdb is in use by another process \\(pid ${holder.pid}\\): wait for it to finish or stop it`));
    }
  } finally {
    holder.kill("SIGKILL");
  }
});

test("a store written by a newer cpi exits 2, asks for an upgrade, and is not changed", async () => {
  const dir = tempDir();
  write(dir, "a.csv", CSV);
  assert.equal((await cpi(dir, "import", "a.csv")).code, 0);
  const bump = spawnSync(process.execPath, ["-e", `import("@duckdb/node-api").then(async (m) => { const c = await (await m.DuckDBInstance.create(${JSON.stringify(join(dir, "cpi.duckdb"))})).connect(); await c.run("UPDATE cpi_meta SET value = '99' WHERE key = 'schema_version'"); await c.run("CHECKPOINT"); c.closeSync(); })`], { cwd: ROOT, encoding: "utf8" });
  assert.equal(bump.status, 0, bump.stderr);
  const before = sha(join(dir, "cpi.duckdb"));
  for (const argv of [["report"], ["import", "a.csv"], ["token", "list"]]) {
    environmentError(await cpi(dir, ...argv), /the store \S+cpi\.duckdb was written by a newer cpi \(store schema 99, this cpi knows up to \d+\): upgrade cpi \(npm install -g cpi-engine@latest\)/);
  }
  assert.equal(sha(join(dir, "cpi.duckdb")), before);
});

test("a full disk mid-import exits 2 and leaves no half-made store (file size limit standing in for the disk)", () => {
  const dir = tempDir();
  const rows = Array.from({ length: 20_000 }, (_, i) => `2026-01-${String((i % 28) + 1).padStart(2, "0")},direct,a,Campaign ${i % 5000},USD,${(i % 997) + 0.5},${(i * 7919) % 99_999}`);
  write(dir, "big.csv", `date,source,account,campaign,currency,cost,impressions\n${rows.join("\n")}\n`);
  // RLIMIT_FSIZE with SIGXFSZ ignored: writes past 64 KiB fail with EFBIG, as they would with ENOSPC.
  const limited = (...argv: string[]) => {
    const r = spawnSync("sh", ["-c", `trap '' XFSZ; ulimit -f 64; exec "$0" "$@"`, process.execPath, join(ROOT, "bin/cpi.js"), ...argv], { cwd: dir, encoding: "utf8", env: { ...process.env, CPI_DB: "" } });
    return { code: r.status ?? -1, stderr: r.stderr };
  };
  environmentError(limited("import", "big.csv"), /cannot write \S+cpi\.duckdb: the disk is full \(or the file size limit is reached\); free some space/);
  environmentError(limited("demo"), /cannot write \S+cpi-demo\.duckdb: the disk is full/);
  assert.deepEqual(readdirSync(dir), ["big.csv"]);
});

test("cpi serve on a port in use exits 2 at once, starts no store process and creates no file", async () => {
  const dir = tempDir();
  write(dir, "a.csv", CSV);
  assert.equal(cpiProcess(dir, "import", "a.csv").code, 0);
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    const before = [...readdirSync(dir), "notes.txt"].sort();
    // spawnSync returns only once the process has exited: it does not keep running.
    environmentError(cpiProcess(dir, "serve", "--port", String(port)), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is in use by another program; stop it or pick another --port`));
    write(dir, "notes.txt", "not a store");
    environmentError(cpiProcess(dir, "serve", "--port", "0", "--db", "notes.txt"), /notes\.txt is not a cpi store/);
    environmentError(cpiProcess(dir, "serve", "--port", "8080", "--host", "192.0.2.1"), /cannot listen on 192\.0\.2\.1:8080: 192\.0\.2\.1 is not an address of this machine/);
    assert.deepEqual(readdirSync(dir).sort(), before);
  } finally {
    busy.close();
  }
});

test("output to a full disk exits 2 with one line", { skip: !existsSync("/dev/full") && "no /dev/full here" }, () => {
  const dir = tempDir();
  const r = spawnSync("sh", ["-c", `exec "$0" "$@" > /dev/full`, process.execPath, join(ROOT, "bin/cpi.js"), "calc", "--cost", "5000", "--impressions", "500000"], { cwd: dir, encoding: "utf8", env: { ...process.env, CPI_DB: "" } });
  environmentError({ code: r.status ?? -1, stderr: r.stderr }, /cannot write the output: the disk is full \(ENOSPC\)/);
});

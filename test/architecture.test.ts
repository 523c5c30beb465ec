// Enforces the layer table of ARCHITECTURE.md: which folder of src/ may import which.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const SRC = resolve(import.meta.dirname, "../src");

type Rule = { layers: string[]; packages: RegExp; builtins: RegExp; files?: string[] };
const NONE = /^$/;
/** Layer → what it may import: other layers, npm packages, node built-ins. */
export const RULES: Record<string, Rule> = {
  domain: { layers: ["domain"], packages: NONE, builtins: NONE },
  ingest: { layers: ["domain", "ingest"], packages: /^(udsv|iconv-lite|xlsx|exceljs|fflate|read-excel-file|@e965\/xlsx|jschardet|chardet)(\/|$)/, builtins: NONE },
  query: { layers: ["domain", "query"], packages: NONE, builtins: NONE },
  store: { layers: ["domain", "query", "store"], packages: /^(@duckdb\/node-api|@duckdb\/node-bindings|@clickhouse\/client)(\/|$)/, builtins: /^node:/ },
  // The only door to ad-platform APIs: Node's fetch (a global, not an import), timers for backoff,
  // crypto for request signatures (Meta's appsecret_proof); a platform's parser may be reused.
  connect: { layers: ["domain", "ingest", "connect"], packages: NONE, builtins: /^node:(crypto|timers\/promises)$/ },
  app: { layers: ["domain", "ingest", "query", "connect", "app"], files: ["store/store.ts"], packages: /^(isbot)(\/|$)/, builtins: /^node:(crypto|events|timers\/promises|worker_threads)$/ },
  // The only IO to notification channels that are not plain HTTP: SMTP (email alerts).
  notify: { layers: ["notify"], packages: /^(nodemailer)(\/|$)/, builtins: /^node:/ },
  cli: { layers: ["app", "domain", "cli", "config", "http", "notify"], files: ["store/store.ts"], packages: /^(commander)(\/|$)/, builtins: /^node:/ },
  http: { layers: ["app", "domain", "http", "config", "notify"], files: ["store/store.ts"], packages: /./, builtins: /^node:/ },
  // The dashboard runs in the browser: its own modules, the pure domain (no node, no packages) and the
  // charting library, nothing of node.
  web: { layers: ["web", "domain"], packages: /^@observablehq\/plot$/, builtins: NONE },
};
/** The composition roots: the only files outside store/ that may open a concrete store. */
const COMPOSITION_ROOTS = new Set(["cli/compose.ts", "http/compose.ts"]);

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** Every violation of the layer rules by one file's import specifiers. */
export function violations(fileRel: string, specifiers: string[]): string[] {
  const layer = fileRel.split("/")[0] as string;
  const rule = RULES[layer];
  if (!rule) return [];
  const out: string[] = [];
  for (const spec of specifiers) {
    if (spec.startsWith(".")) {
      const target = relative(SRC, resolve(SRC, dirname(fileRel), spec)).replace(/\.js$/, ".ts");
      const targetLayer = target.split("/")[0] as string;
      if (rule.layers.includes(targetLayer) || rule.files?.includes(target)) continue;
      if (COMPOSITION_ROOTS.has(fileRel) && targetLayer === "store") continue;
      out.push(`${fileRel} imports ${target} (layer ${targetLayer})`);
    } else if (spec.startsWith("node:")) {
      if (!rule.builtins.test(spec)) out.push(`${fileRel} imports built-in ${spec}`);
    } else if (!rule.packages.test(spec)) out.push(`${fileRel} imports package ${spec}`);
  }
  return out;
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;()]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3]) as string);
  return specs;
}

test("no file of src/ imports across the layers of ARCHITECTURE.md", () => {
  const found: string[] = [];
  for (const file of tsFiles(SRC)) {
    const rel = relative(SRC, file);
    found.push(...violations(rel, importsOf(readFileSync(file, "utf8"))));
  }
  assert.deepEqual(found, []);
});

test("the layer check catches a crossing", () => {
  assert.deepEqual(violations("domain/money.ts", ["node:fs"]), ["domain/money.ts imports built-in node:fs"]);
  assert.equal(violations("domain/x.ts", ["../store/store.js"]).length, 1);
  assert.equal(violations("app/report.ts", ["../store/duckdb/duckdb-store.js"]).length, 1);
  assert.equal(violations("app/report.ts", ["../store/store.js"]).length, 0);
  assert.equal(violations("cli/commands/report.ts", ["../../store/duckdb/duckdb-store.js"]).length, 1);
  assert.equal(violations("cli/compose.ts", ["../store/duckdb/duckdb-store.js"]).length, 0);
  assert.equal(violations("query/spend-sql.ts", ["@duckdb/node-api"]).length, 1);
  assert.equal(violations("web/main.ts", ["../app/report.js"]).length, 1);
  assert.equal(violations("web/main.ts", ["node:fs"]).length, 1);
  assert.equal(violations("connect/meta/connector.ts", ["../../store/store.js"]).length, 1);
  assert.equal(violations("connect/http-client.ts", ["node:fs"]).length, 1);
  assert.equal(violations("connect/google-ads/connector.ts", ["../../ingest/time-zone.js"]).length, 0);
  assert.equal(violations("cli/commands/sync.ts", ["../../connect/registry.js"]).length, 1);
  assert.equal(violations("app/sync/sync.ts", ["../../connect/problem.js"]).length, 0);
});

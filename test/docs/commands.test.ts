// Every command README.md and docs/*.md show runs as printed (issue 19): the `sh`/`console` blocks of
// each page, in order, in a fresh folder holding the demo store (as ./cpi.duckdb and ./cpi-demo.duckdb)
// and the files the page names. Each cpi command must exit 0; one the demo's mix of currencies refuses
// is run again with `--currency USD` and must then exit 0. Other shell lines run in bash with this cpi on
// PATH. `cpi demo` runs once, before the pages. What cannot run in a test is listed below, each with its
// reason, and must still be a command cpi knows (its --help exits 0).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { AMAZON_NAMES } from "../../src/ingest/platforms/names/amazon-names.js";
import { MICROSOFT_NAMES } from "../../src/ingest/platforms/names/microsoft-names.js";
import { cpi, ROOT, tempDir } from "../helpers.js";
import { shellWords } from "../shell-words.js";
import { uiName } from "../ui-name.js";

/** Pages whose commands another test runs in the setting they need. */
const OWN_TESTS: Record<string, string> = {
  "docs/sync.md": "test/connect/docs-sync.test.ts runs them against fake Google Ads and Meta APIs",
  "docs/alerts.md": "test/alerts/docs-commands.test.ts runs them in order",
};

/** Commands that cannot run in a test, and why. */
const CANNOT_RUN: { match: RegExp; reason: string }[] = [
  { match: /^cpi serve\b/, reason: "runs until stopped: test/track/serve-e2e.test.ts and test/api/serve-api.test.ts start it" },
  { match: /^cpi .*clickhouse:\/\/|^cpi .*\$CPI_STORE/, reason: "needs a ClickHouse server: the slow suite's test/clickhouse/ runs these" },
  { match: /^curl /, reason: "asks a running cpi serve: test/api/ makes these requests" },
  { match: /^cpi alerts check$/, reason: "would post to the example Slack webhook: docs/alerts.md's test runs it with --dry-run" },
  { match: /^npm (install|ci|link)\b/, reason: "installs from the registry: test/cli/package-install.test.ts (slow suite) installs the packed tarball" },
  { match: /^npm (test|run)\b/, reason: "the test suites and benchmarks themselves" },
  { match: /^git clone\b|^cd /, reason: "fetches or enters the repository this test runs in" },
];

/** The files the pages name, made from the demo data and the test fixtures. */
function addFiles(dir: string): void {
  const demo = join(ROOT, "demo-data");
  for (const [name, from] of Object.entries({
    "spend.csv": "direct-banners.csv",
    "spend-october.csv": "direct-banners.csv",
    "meta-export.csv": "meta.csv",
    "google-ads-export.csv": "google-ads.csv",
    "rates.csv": "fx-rates.csv",
  })) {
    copyFileSync(join(demo, from), join(dir, name));
  }
  mkdirSync(join(dir, "exports"));
  for (const f of ["direct-banners.csv", "google-ads.csv"]) copyFileSync(join(demo, f), join(dir, "exports", f)); // in USD, as `--currency USD` says
  writeFileSync(join(dir, "eurofxref-hist.csv"), "Date,USD,GBP,JPY,\n2026-10-02,1.0900,0.8700,N/A,\n2026-10-01,1.0850,0.8690,162.1,\n");
  // docs/import-formats.md: an Amazon Ads report in French and a Microsoft Advertising grid in German,
  // their headers taken from cpi's own name tables.
  const amazon = (["date", "campaign", "currency", "impressions", "clicks", "cost"] as const).map((r) => uiName(AMAZON_NAMES, r, "fr"));
  writeFileSync(join(dir, "rapport-fr.csv"), `${amazon.join(";")}\n02.03.2026;Printemps;EUR;12.345;678;1.234,56\n`);
  const microsoft = (["campaign", "impressions", "clicks", "cost"] as const).map((r) => uiName(MICROSOFT_NAMES, r, "de"));
  writeFileSync(join(dir, "kampagnen.csv"), `${microsoft.join(";")}\nFrühling;12.345;678;1.234,56\n`);
  writeFileSync(join(dir, "pager.secret"), "whsec_docs_test_secret_0123456789\n");
  symlinkSync(join(ROOT, "test"), join(dir, "test"));
}

/** The command lines of a page's shell blocks: `sh`/`bash` lines, `console` lines after `$ `; continuations joined. */
function commandLines(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/^( *)```(sh|bash|shell|console)\n([\s\S]*?)^\1```/gm)) {
    const indent = (m[1] as string).length;
    const text = (m[3] as string)
      .split("\n")
      .map((l) => l.slice(indent))
      .join("\n")
      .replace(/\\\n\s*/g, "");
    for (const raw of text.split("\n")) {
      const line = m[2] === "console" ? (raw.startsWith("$ ") ? raw.slice(2) : null) : raw;
      if (line === null || line.trim() === "" || line.trimStart().startsWith("#")) continue;
      out.push(...splitAnd(withoutComment(line)).map((c) => c.trim()));
    }
  }
  return out;
}

/** The line up to an unquoted ` #` (a shell comment). */
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i).trimEnd();
  }
  return line;
}

function splitAnd(line: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "&" && line[i + 1] === "&") {
      parts.push(line.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(line.slice(start));
  return parts;
}

const MIXED = /would add up amounts in|pass --currency/;

let demoStore = "";
before(async () => {
  const dir = tempDir("cpi-docs-demo-");
  const r = await cpi(dir, "demo");
  assert.equal(r.code, 0, r.stderr);
  demoStore = join(dir, "cpi-demo.duckdb");
});

const pages = ["README.md", ...readdirSync(join(ROOT, "docs"))
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((f) => `docs/${f}`)];

for (const page of pages) {
  test(`every command ${page} shows runs as printed`, async (t) => {
    if (OWN_TESTS[page]) {
      t.diagnostic(`${page}: ${OWN_TESTS[page]}`);
      return;
    }
    const dir = tempDir("cpi-docs-");
    copyFileSync(demoStore, join(dir, "cpi.duckdb"));
    copyFileSync(demoStore, join(dir, "cpi-demo.duckdb"));
    addFiles(dir);
    const shim = join(dir, ".bin");
    mkdirSync(shim);
    writeFileSync(join(shim, "cpi"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, "bin/cpi.js"))} "$@"\n`, { mode: 0o755 });
    const shell = (command: string) => spawnSync("bash", ["-o", "pipefail", "-c", command], { cwd: dir, encoding: "utf8", env: { ...process.env, ...env, PATH: `${shim}:${process.env.PATH ?? ""}`, CPI_DB: env.CPI_DB ?? "" } });
    const env: Record<string, string> = {};
    for (const line of commandLines(readFileSync(join(ROOT, page), "utf8"))) {
      const assign = /^(?:export )?([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(line);
      if (assign) {
        env[assign[1] as string] = shellWords(assign[2] as string, env).join(" ");
        continue;
      }
      const captured = /^([A-Z_][A-Z0-9_]*)=\$\((.*)\)$/.exec(line);
      if (captured) {
        const r = shell(captured[2] as string);
        assert.ok(r.status === 0 && r.stdout.trim() !== "", `${page}: ${line}\n${r.stderr}`);
        env[captured[1] as string] = r.stdout.trim();
        continue;
      }
      const argv = shellWords(line, env);
      if (argv[0] === "npx" && argv[1] === "cpi") argv.shift();
      if (line === "cpi demo" || line === "npx cpi demo") continue; // run once for every page, before them (its store is ./cpi-demo.duckdb here)
      const bare = line.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, "").replace(/^npx cpi/, "cpi");
      const skip = CANNOT_RUN.find((s) => s.match.test(bare)) ?? (argv[0] === "cpi" && env.CPI_STORE ? CANNOT_RUN[1] : undefined);
      if (skip) {
        if (argv[0] === "cpi") {
          const sub = argv.slice(1).filter((w) => /^[a-z][a-z-]*$/.test(w)).slice(0, 2);
          const help = await cpi(dir, ...sub.slice(0, 1), "--help");
          assert.equal(help.code, 0, `${page}: '${line}' names a command cpi does not know`);
        }
        continue;
      }
      if (argv[0] !== "cpi") {
        // Other shell lines (ulimit …, TOKEN=$(cpi … | jq …)) run in a shell, with this cpi on its PATH.
        const r = shell(line);
        assert.equal(r.status, 0, `${page}: ${line}\n${r.stderr}`);
        continue;
      }
      let target: string | null = null;
      const redirect = argv.indexOf(">");
      if (redirect > 0) {
        target = argv[redirect + 1] ?? null;
        argv.splice(redirect);
      }
      const run = async (args: string[]) => {
        const io = memoryIo({ ...env }, dir);
        const code = await main(args, io);
        return { code, stdout: io.stdout, stderr: io.stderr };
      };
      const t0 = Date.now();
      let r = await run(argv.slice(1));
      if (r.code === 2 && MIXED.test(r.stderr) && !argv.includes("--currency")) r = await run([...argv.slice(1), "--currency", "USD"]);
      assert.equal(r.code, 0, `${page}: ${line}\n${r.stderr}`);
      if (target) writeFileSync(join(dir, target), r.stdout);
      if (process.env.CPI_DOCS_TIMES) t.diagnostic(`${Date.now() - t0} ms ${line}`);
    }
  });
}

test("the pages' command lines are read as a shell would", () => {
  const md = "```sh\ncpi report --by campaign   # a comment\ncpi a \\\n  --b \"x # y\" && cpi c\n```\n```console\n$ cpi d\noutput\n```\n";
  assert.deepEqual(commandLines(md), ["cpi report --by campaign", 'cpi a --b "x # y"', "cpi c", "cpi d"]);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, as a page writes it
  assert.deepEqual(shellWords("cpi x \"$A b\" '$A' ${A}c", { A: "1" }), ["cpi", "x", "1 b", "$A", "1c"]);
});

/** Pages other branches add (linked before they land here). */
const ADDED_ELSEWHERE = new Set(["docs/clickhouse.md", "docs/dashboard.md"]);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

test("every link between README.md and docs/ points at a page and a heading that exist", () => {
  for (const page of pages) {
    const text = readFileSync(join(ROOT, page), "utf8");
    const base = page.includes("/") ? page.slice(0, page.lastIndexOf("/") + 1) : "";
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1] as string;
      if (/^[a-z]+:/.test(href)) continue;
      const [file, anchor] = href.split("#") as [string, string | undefined];
      const target = file === "" ? page : join(base, file).replace(/\\/g, "/");
      if (!existsSync(join(ROOT, target))) {
        assert.ok(ADDED_ELSEWHERE.has(target), `${page}: link to ${href}: no ${target}`);
        continue;
      }
      if (anchor && target.endsWith(".md")) {
        const headings = [...readFileSync(join(ROOT, target), "utf8").replace(/```[\s\S]*?```/g, "").matchAll(/^#+ (.*)$/gm)].map((h) => slug(h[1] as string));
        assert.ok(headings.includes(anchor), `${page}: link to ${href}: no heading '${anchor}' in ${target}`);
      }
    }
  }
});

#!/usr/bin/env node
// Bundles the dashboard (src/web/) with esbuild into dist/web/: index.html and, under assets/, the
// script and the stylesheet named by a hash of their content (app-3FJ2K7QX.js, app-9c1d2e4f.css), so
// `cpi serve` can let browsers keep them for a year: a new build has new names, and index.html
// (never cached) names them. Everything the page needs (Observable Plot included) is in the bundle:
// it makes no request elsewhere.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/web");
rmSync(join(out, "assets"), { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });
const result = await build({
  entryPoints: [join(root, "src/web/main.ts")],
  outdir: join(out, "assets"),
  entryNames: "app-[hash]",
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
});
const script = Object.keys(result.metafile.outputs)
  .map((p) => p.split("/").pop())
  .find((name) => /^app-\w+\.js$/.test(name));
if (!script) throw new Error("esbuild wrote no app-*.js");

const css = readFileSync(join(root, "src/web/styles.css"));
const style = `app-${createHash("sha256").update(css).digest("hex").slice(0, 8)}.css`;
writeFileSync(join(out, "assets", style), css);

const html = readFileSync(join(root, "src/web/index.html"), "utf8");
const named = html.replace('href="/assets/app.css"', `href="/assets/${style}"`).replace('src="/assets/app.js"', `src="/assets/${script}"`);
if (!named.includes(style) || !named.includes(script)) throw new Error("src/web/index.html no longer names /assets/app.css and /assets/app.js");
writeFileSync(join(out, "index.html"), named);

#!/usr/bin/env node
// Bundles the dashboard (src/web/) with esbuild into dist/web/: index.html, assets/app.js, assets/app.css.
// Everything it needs (Observable Plot included) is in the bundle: the page makes no request elsewhere.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/web");
mkdirSync(join(out, "assets"), { recursive: true });
await build({
  entryPoints: [join(root, "src/web/main.ts")],
  outfile: join(out, "assets/app.js"),
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
copyFileSync(join(root, "src/web/index.html"), join(out, "index.html"));
copyFileSync(join(root, "src/web/styles.css"), join(out, "assets/app.css"));

import type { Command } from "commander";
import { parseClickTarget, signClickTarget } from "../../app/track/click-target.js";
import { UserError } from "../../domain/errors.js";
import { externalSnippetTag, imgTag, type SnippetConfig, snippetScript, snippetTag, tagCsp, tagId } from "../../http/snippet/snippet-source.js";
import { storePath } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { loadOrCreateSecret } from "../serve/secret.js";

/** Where the page will load the tag's script from: a path on the page's own site, or an http(s) URL. */
function scriptSrc(text: string): string {
  if (/^\/(?!\/)/.test(text)) return text;
  return httpUrl(text, "--script-src");
}

function httpUrl(text: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UserError("bad_flag", `${flag} must be an absolute http(s) URL, got '${text}'`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new UserError("bad_flag", `${flag} must be an http or https URL`);
  return text;
}

/** `cpi snippet`: the tag to paste next to a banner (script + <img> fallback) and signed click URLs. */
export function registerSnippet(program: Command, io: CliIo): void {
  program
    .command("snippet")
    .description("print the tracking tag for a banner: a < 3 KB script (impression + MRC viewability) and an <img> fallback")
    .requiredOption("--endpoint <url>", "the tracking server's public base URL (where 'cpi serve' is reachable)")
    .requiredOption("--campaign <name>", "campaign name (as contracts and reports name it)")
    .option("--creative <name>", "creative (the ad), reported as 'ad'", "")
    .option("--placement <name>", "placement (site or slot)", "")
    .option("--video", "a video ad: viewable after 2 continuous seconds of play (display: 1 s in view)")
    .option("--script-src <url>", "print the tag that loads the script from this URL (a path like /js/cpi-ad.js, or http(s)), for pages whose CSP allows no inline script; save the script there with --format js")
    .option("--click-url <url>", "also print a click URL redirecting to this landing page, signed by this store's secret")
    .option("--format <format>", "html, json, or js (the script alone, to serve as the file --script-src names)", "html")
    .option("--db <path>", "the store whose secret signs click URLs (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Paste the tag right after the ad element (the script tracks its previous sibling). A page that sends
a Content-Security-Policy must allow what the printed CSP line names. Pages that allow no script can
use the <img> pixel alone: it counts impressions, but they are not measurable for viewability.
What is counted, and the limits: docs/tracking.md.

Examples:
  $ cpi snippet --endpoint https://t.example.com --campaign "Launch Q4" --creative "Visual A" --placement news-site
  $ cpi snippet --endpoint https://t.example.com --campaign "Launch Q4" --video --format json
  $ cpi snippet --endpoint https://t.example.com --campaign "Launch Q4" --click-url https://shop.example/q4
  $ cpi snippet --endpoint https://t.example.com --campaign "Launch Q4" --format js > cpi-launch-q4.js
  $ cpi snippet --endpoint https://t.example.com --campaign "Launch Q4" --script-src /js/cpi-launch-q4.js`,
    )
    .action((o) => {
      const js = o.format === "js";
      const format = js ? "js" : outputFormat(o.format === "html" ? "table" : o.format, ["table", "json"]);
      const config: SnippetConfig = {
        endpoint: httpUrl(String(o.endpoint), "--endpoint").replace(/\/+$/, ""),
        campaign: String(o.campaign),
        creative: String(o.creative ?? ""),
        placement: String(o.placement ?? ""),
        video: Boolean(o.video),
      };
      let click: string | null = null;
      if (o.clickUrl) {
        // The normalised URL is what the server redirects to, so it is what gets signed and sent.
        const to = parseClickTarget(String(o.clickUrl), "--click-url").href;
        const q = new URLSearchParams({ c: config.campaign, ...(config.creative ? { cr: config.creative } : {}), ...(config.placement ? { p: config.placement } : {}), to });
        q.set("sig", signClickTarget(to, loadOrCreateSecret(storePath(o, io))));
        click = `${config.endpoint}/c?${q.toString()}`;
      }
      const script = snippetScript(config);
      if (format === "js") {
        io.out(`${script}\n`);
        return;
      }
      const src = o.scriptSrc === undefined ? undefined : scriptSrc(String(o.scriptSrc));
      const tag = src === undefined ? snippetTag(config) : externalSnippetTag(config, src);
      const csp = tagCsp(config, src);
      if (format === "json") {
        const out = { tag, script, img: imgTag(config), script_bytes: Buffer.byteLength(script), tag_id: tagId(config), csp, ...(click ? { click_url: click } : {}) };
        io.out(toJson(out));
        return;
      }
      const where = src === undefined ? "" : `; serve the script (cpi snippet … --format js) at ${src.replace(/>/g, "%3E")}`;
      io.out(`<!-- cpi tracking tag: paste right after the ad element${where} -->\n${tag}\n`);
      io.out(`<!-- a page that sends a Content-Security-Policy must allow: ${csp} -->\n`);
      io.out(`<!-- without script (impressions only, not measurable): -->\n${imgTag(config)}\n`);
      if (click) io.out(`<!-- click URL for the ad's link (signed; redirects to ${click.includes("-->") ? "the landing page" : o.clickUrl}) -->\n${click}\n`);
      io.err(`script: ${Buffer.byteLength(script).toLocaleString("en-US")} bytes\n`);
    });
}

// Layout checks a reviewer would make by eye, measured in the page: nothing wider than the screen,
// no chart text drawn over other chart text (tick labels, axis titles), an element fully on screen.
import type { BrowserContext, Page } from "playwright-core";

/** How many pixels the page is wider than its viewport (0 when it fits). */
export function overflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/** Waits two animation frames: charts are drawn on the frame after the view renders. */
export function frames(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/**
 * Pairs of chart texts (axis ticks, axis titles, legends) whose boxes overlap, as "chart: a / b".
 * Texts of one tick label split over lines (a date's month under its day) count as one.
 */
export function overlappingChartText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const chart of document.querySelectorAll<HTMLElement>("[data-chart]")) {
      const texts = [...chart.querySelectorAll<SVGTextElement>('svg g[aria-label$="tick label"] text, svg g[aria-label$="axis label"] text')]
        .map((t) => ({ t: t.textContent ?? "", r: t.getBoundingClientRect() }))
        .filter((x) => x.r.width > 0 && x.t.trim() !== "");
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i] as { t: string; r: DOMRect };
          const b = texts[j] as { t: string; r: DOMRect };
          const ox = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const oy = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (ox > 1 && oy > 1) out.push(`${chart.dataset.chart}: '${a.t}' / '${b.t}'`);
        }
      }
    }
    return out;
  });
}

/** Whether the element's box lies inside the viewport's width. */
export function withinWidth(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.left >= -0.5 && r.right <= window.innerWidth + 0.5;
  });
}

/** The two screens every control is tried on: a desktop and a phone. */
export const WIDTHS = [
  { name: "1440", width: 1440, height: 900 },
  { name: "390", width: 390, height: 844 },
] as const;

/** A tab per width of WIDTHS (by its name), each page error noted in `errors` with the width. */
export async function pagesAtWidths(browser: BrowserContext, errors: string[]): Promise<Map<string, Page>> {
  const pages = new Map<string, Page>();
  for (const w of WIDTHS) {
    const page = await browser.newPage();
    await page.setViewportSize({ width: w.width, height: w.height });
    page.on("pageerror", (e) => errors.push(`${w.name}: ${e.message}`));
    pages.set(w.name, page);
  }
  return pages;
}

/** A JSON answer of the API (a GET, or a POST of `body`), failing the test on an error status. */
// biome-ignore lint/suspicious/noExplicitAny: test convenience
export async function apiJson<T = any>(url: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${url}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text}`);
  return JSON.parse(text) as T;
}

// Charts: Observable Plot (SVG, bundled) for the big ones, a hand-drawn SVG polyline for sparklines.
// Plot renders text with textContent, so labels from imported data stay text.
import * as Plot from "@observablehq/plot";
import { compact } from "./format.js";

const INK = "#1f2937";
const ACCENT = "#2563eb";
const MUTED = "#9ca3af";

function widthOf(container: HTMLElement, fallback = 640): number {
  return Math.max(280, Math.floor(container.clientWidth || fallback));
}

export interface SeriesPoint {
  date: Date;
  value: number;
  series?: string;
}

/** A line chart over days, one line per series. */
export function lineChart(container: HTMLElement, data: readonly SeriesPoint[], o: { label: string; format: (v: number) => string; height?: number }): Element {
  const multi = data.some((d) => d.series !== undefined);
  return Plot.plot({
    width: widthOf(container),
    height: o.height ?? 220,
    marginLeft: 72,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: { type: "utc", label: null },
    y: { label: o.label, grid: true, tickFormat: o.format, nice: true, zero: false },
    color: multi ? { legend: true } : { range: [ACCENT] },
    marks: [
      Plot.lineY(data, { x: "date", y: "value", ...(multi ? { stroke: "series" } : { stroke: ACCENT }), strokeWidth: 2 }),
      Plot.tip(data, Plot.pointerX({ x: "date", y: "value", title: (d: SeriesPoint) => `${d.series ? `${d.series}\n` : ""}${d.date.toISOString().slice(0, 10)}: ${o.format(d.value)}` })),
    ],
  });
}

/** The mix/rate decomposition: per segment, its mix and rate parts stacked (they add up to its share of the change). */
export function decompositionChart(container: HTMLElement, segments: readonly { segment: string; mix: number; rate: number }[], format: (v: number) => string): Element {
  const rows = segments.flatMap((s) => [
    { segment: s.segment || "(none)", part: "mix", value: s.mix },
    { segment: s.segment || "(none)", part: "rate", value: s.rate },
  ]);
  return Plot.plot({
    width: widthOf(container),
    height: Math.max(110, segments.length * 34 + 70),
    marginLeft: 160,
    marginRight: 48,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: { label: "change in CPI", grid: true, tickFormat: format, ticks: 6 },
    y: { label: null, domain: segments.map((s) => s.segment || "(none)") },
    color: { domain: ["mix", "rate"], range: ["#f59e0b", ACCENT], legend: true },
    marks: [
      Plot.barX(rows, { x: "value", y: "segment", fill: "part", title: (d: { segment: string; part: string; value: number }) => `${d.segment} ${d.part}: ${format(d.value)}` }),
      Plot.ruleX([0], { stroke: INK }),
    ],
  });
}

/** Lift of each arm against its baseline with its interval. */
export function liftChart(container: HTMLElement, rows: readonly { arm: string; lift: number; low: number; high: number }[]): Element {
  return Plot.plot({
    width: widthOf(container),
    height: Math.max(110, rows.length * 40 + 60),
    marginLeft: 150,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: { label: "lift vs baseline", grid: true, tickFormat: (v: number) => `${(v * 100).toFixed(0)}%` },
    y: { label: null },
    marks: [
      Plot.ruleX([0], { stroke: MUTED }),
      Plot.ruleY(rows, { y: "arm", x1: "low", x2: "high", stroke: ACCENT, strokeWidth: 3 }),
      Plot.dot(rows, { y: "arm", x: "lift", fill: INK, r: 5 }),
    ],
  });
}

/** Bars of a category → value, optionally two series side by side. */
export function barChart(container: HTMLElement, data: readonly { key: string; value: number; series?: string }[], o: { label: string; format?: (v: number) => string; height?: number }): Element {
  const multi = data.some((d) => d.series !== undefined);
  return Plot.plot({
    width: widthOf(container),
    height: o.height ?? 240,
    marginLeft: 56,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: multi ? { label: null, axis: null, domain: [...new Set(data.map((d) => d.series as string))] } : { label: null, domain: [...new Set(data.map((d) => d.key))] },
    ...(multi ? { fx: { label: null, domain: [...new Set(data.map((d) => d.key))] } } : {}),
    y: { label: o.label, grid: true, tickFormat: o.format ?? compact },
    color: multi ? { legend: true, domain: [...new Set(data.map((d) => d.series))], range: [MUTED, ACCENT] } : { range: [ACCENT] },
    marks: [Plot.barY(data, multi ? { x: "series", fx: "key", y: "value", fill: "series", title: (d: { key: string; series?: string; value: number }) => `${d.key} ${d.series}: ${(o.format ?? compact)(d.value)}` } : { x: "key", y: "value", fill: ACCENT }), Plot.ruleY([0])],
  });
}

/** A response curve: observed days, the fitted curve with its band, today's spend marked. */
export function curveChart(
  container: HTMLElement,
  c: { observed: { spend: number; impressions: number }[]; curve: { spend: number; impressions: number; low: number; high: number }[]; today_spend: number },
  money: (v: number) => string,
): Element {
  return Plot.plot({
    width: widthOf(container, 400),
    height: 220,
    marginLeft: 52,
    style: { fontSize: "11px", color: INK, background: "transparent" },
    x: { label: "daily spend", tickFormat: money, grid: true },
    y: { label: "impressions / day", tickFormat: compact, grid: true },
    marks: [
      Plot.areaY(c.curve, { x: "spend", y1: "low", y2: "high", fill: ACCENT, fillOpacity: 0.12 }),
      Plot.dot(c.observed, { x: "spend", y: "impressions", r: 2, fill: MUTED }),
      Plot.line(c.curve, { x: "spend", y: "impressions", stroke: ACCENT, strokeWidth: 2 }),
      Plot.ruleX([c.today_spend], { stroke: "#dc2626", strokeDasharray: "4,3" }),
      Plot.text([c.today_spend], { x: (d: number) => d, frameAnchor: "top", dy: 4, dx: 4, textAnchor: "start", text: () => "today", fill: "#dc2626" }),
    ],
  });
}

const SVG = "http://www.w3.org/2000/svg";

/** A tiny trend line (no axes) of values in order. */
export function sparkline(values: readonly (number | null)[], title: string): SVGSVGElement {
  const w = 90;
  const hgt = 22;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(hgt));
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  const t = document.createElementNS(SVG, "title");
  t.textContent = title;
  svg.appendChild(t);
  const pts = values.map((v, i) => [i, v] as const).filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  if (pts.length < 2) return svg;
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const n = Math.max(values.length - 1, 1);
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", ACCENT);
  line.setAttribute("stroke-width", "1.5");
  line.setAttribute("points", pts.map(([i, v]) => `${((i / n) * (w - 2) + 1).toFixed(1)},${(hi === lo ? hgt / 2 : hgt - 2 - ((v - lo) / (hi - lo)) * (hgt - 4)).toFixed(1)}`).join(" "));
  svg.appendChild(line);
  return svg;
}

// Charts: Observable Plot (SVG, bundled) for the big ones, a hand-drawn SVG polyline for sparklines.
// Plot renders text with textContent, so labels from imported data stay text.
import * as Plot from "@observablehq/plot";
import { compact } from "./format.js";

const INK = "#1f2937";
const ACCENT = "#2563eb";
const MUTED = "#9ca3af";

/** The width a chart gets: the container's content box (its padding left out, so the SVG is not scaled down). */
function widthOf(container: HTMLElement, fallback = 640): number {
  const cs = getComputedStyle(container);
  const inner = container.clientWidth - (Number.parseFloat(cs.paddingLeft) || 0) - (Number.parseFloat(cs.paddingRight) || 0);
  return Math.max(260, Math.floor(inner > 0 ? inner : fallback));
}

/** How many ticks fit along `length` pixels when a tick label is about `labelWidth` wide. */
function ticksFor(length: number, labelWidth: number): number {
  return Math.max(2, Math.floor(length / (labelWidth + 24)));
}

const locale = (typeof navigator !== "undefined" && navigator.language) || "en-US";
const dayFormat = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

/** A day on an axis, with its year (charts span year ends; a bare "Nov 1" is ambiguous). */
export function dayLabel(d: Date): string {
  return dayFormat.format(d);
}

/** Up to `n` days spread evenly over the data's days, first and last included (room for "Nov 22, 2026" each). */
function dayTicks(data: readonly { date: Date }[], n: number): Date[] {
  const times = data.map((d) => d.date.getTime());
  if (times.length === 0) return [];
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const days = Math.round((hi - lo) / 86_400_000);
  const k = Math.max(1, Math.min(n - 1, days));
  return [...new Set(Array.from({ length: k + 1 }, (_, i) => lo + Math.round((days * i) / k) * 86_400_000))].map((t) => new Date(t));
}

/** Room for axis titles: above the top tick (y) and below the tick labels (x), so neither covers a tick. */
const AXIS_ROOM = { marginTop: 30, marginBottom: 44 };

export interface SeriesPoint {
  date: Date;
  value: number;
  series?: string;
  /** The day the value belongs to when it is drawn at another's place (the previous period under the current one). */
  actual?: Date;
}

/** A line chart over days, one line per series; a series named `dashed` is drawn dashed and grey. */
export function lineChart(container: HTMLElement, data: readonly SeriesPoint[], o: { label: string; format: (v: number) => string; height?: number; dashed?: string }): Element {
  const multi = data.some((d) => d.series !== undefined);
  const width = widthOf(container);
  const series = [...new Set(data.map((d) => d.series ?? ""))];
  const solid = data.filter((d) => o.dashed === undefined || d.series !== o.dashed);
  const dashed = data.filter((d) => o.dashed !== undefined && d.series === o.dashed);
  return Plot.plot({
    width,
    height: o.height ?? 230,
    marginLeft: 72,
    marginRight: 44,
    ...AXIS_ROOM,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: { type: "utc", label: null, tickFormat: dayLabel, ticks: dayTicks(data, ticksFor(width - 96, 84)) },
    y: { label: o.label, grid: true, tickFormat: o.format, nice: true, zero: false },
    color: multi ? { legend: true, domain: series, range: series.map((x) => (x === o.dashed ? MUTED : ACCENT)) } : { range: [ACCENT] },
    marks: [
      dashed.length ? Plot.lineY(dashed, { x: "date", y: "value", stroke: "series", strokeWidth: 1.5, strokeDasharray: "5,4" }) : null,
      Plot.lineY(solid, { x: "date", y: "value", ...(multi ? { stroke: "series" } : { stroke: ACCENT }), strokeWidth: 2 }),
      Plot.tip(data, Plot.pointerX({ x: "date", y: "value", title: (d: SeriesPoint) => `${d.series ? `${d.series}\n` : ""}${(d.actual ?? d.date).toISOString().slice(0, 10)}: ${o.format(d.value)}` })),
    ],
  });
}

/** The mix/rate decomposition: per segment, its mix and rate parts stacked (they add up to its share of the change). */
export function decompositionChart(container: HTMLElement, segments: readonly { segment: string; mix: number; rate: number }[], format: (v: number) => string): Element {
  const rows = segments.flatMap((s) => [
    { segment: s.segment || "(none)", part: "mix", value: s.mix },
    { segment: s.segment || "(none)", part: "rate", value: s.rate },
  ]);
  const width = widthOf(container);
  const marginLeft = Math.min(160, Math.round(width * 0.28));
  const labelWidth = Math.max(...[...rows.map((r) => r.value), 0].map((v) => format(v).length)) * 7;
  return Plot.plot({
    width,
    height: Math.max(130, segments.length * 34 + 90),
    marginLeft,
    marginRight: 36,
    ...AXIS_ROOM,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: { label: "change in CPI (negative: cheaper)", grid: true, tickFormat: format, ticks: ticksFor(width - marginLeft - 36, labelWidth) },
    y: { label: null, domain: segments.map((s) => s.segment || "(none)"), tickFormat: (v: string) => (v.length * 7 > marginLeft - 12 ? `${v.slice(0, Math.max(4, Math.floor((marginLeft - 12) / 7) - 1))}…` : v) },
    color: { domain: ["mix", "rate"], range: ["#f59e0b", ACCENT], legend: true },
    marks: [
      Plot.barX(rows, { x: "value", y: "segment", fill: "part", title: (d: { segment: string; part: string; value: number }) => `${d.segment} ${d.part}: ${format(d.value)}` }),
      Plot.ruleX([0], { stroke: INK }),
    ],
  });
}

/**
 * Lift of each arm against its baseline with its interval. `lowerWins` (CPI, CPM, CPC, CPA): a
 * negative lift is the win, and the axis says so.
 */
export function liftChart(container: HTMLElement, rows: readonly { arm: string; lift: number; low: number; high: number }[], o: { metric: string; lowerWins: boolean }): Element {
  const width = widthOf(container);
  const marginLeft = Math.min(150, Math.round(width * 0.28));
  const label = o.lowerWins ? `← better: lower ${o.metric}   ·   lift vs baseline   ·   higher ${o.metric}: worse →` : `← worse   ·   lift in ${o.metric} vs baseline   ·   better →`;
  return Plot.plot({
    width,
    height: Math.max(130, rows.length * 40 + 90),
    marginLeft,
    marginRight: 24,
    ...AXIS_ROOM,
    style: { fontSize: "12px", color: INK, background: "transparent" },
    x: { label: width < 560 ? (o.lowerWins ? `lift (lower ${o.metric} wins ←)` : "lift (higher wins →)") : label, labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: (v: number) => `${(v * 100).toFixed(0)}%`, ticks: ticksFor(width - marginLeft - 24, 36) },
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
    height: o.height ?? 250,
    marginLeft: 64,
    ...AXIS_ROOM,
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
    height: 240,
    marginLeft: 52,
    ...AXIS_ROOM,
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

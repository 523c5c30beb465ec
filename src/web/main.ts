// The dashboard: loads what the store holds, then renders the view named in the URL's hash.
import { ApiError, get } from "./api.js";
import { renderControls } from "./controls.js";
import { errorBox, h, loading, replace } from "./dom.js";
import { type AppState, hashOf, hashWith, parseHash, periodAfter, periodProblem, presets, type Route } from "./state.js";
import type { Catalogue, Extent, Session } from "./types.js";
import { abtestView } from "./views/abtest.js";
import { alertsView } from "./views/alerts.js";
import { allocateView } from "./views/allocate.js";
import { compareView } from "./views/compare.js";
import { curvesView } from "./views/curves.js";
import { discrepanciesView } from "./views/discrepancies.js";
import { drillView } from "./views/drill.js";
import { exploreView } from "./views/explore.js";
import { importView, tokenForm } from "./views/import.js";
import { overviewView } from "./views/overview.js";
import { pacingView } from "./views/pacing.js";
import { reachView } from "./views/reach.js";
import { syncView } from "./views/sync.js";

type View = (root: HTMLElement, s: AppState, r: Route) => Promise<void>;
const VIEWS: [string, string, View][] = [
  ["overview", "Overview", overviewView],
  ["explore", "Explore", exploreView],
  ["drill", "Drill-down", drillView],
  ["compare", "Compare", compareView],
  ["import", "Import", importView],
  ["abtest", "A/B tests", abtestView],
  ["reach", "Reach", reachView],
  ["curves", "Curves", curvesView],
  ["allocate", "Allocator", allocateView],
  ["pacing", "Pacing", pacingView],
  ["discrepancies", "Discrepancies", discrepanciesView],
  ["alerts", "Alerts", alertsView],
  ["sync", "Sync", syncView],
];

const nav = document.getElementById("nav") as HTMLElement;
const navMore = document.getElementById("nav-more") as HTMLButtonElement;
const controls = document.getElementById("controls") as HTMLElement;
const view = document.getElementById("view") as HTMLElement;
let state: AppState | null = null;
let rendering = 0;

function defaults(extent: Extent): { from: string; to: string; currency: string } {
  const last = extent.last_day ?? new Date().toISOString().slice(0, 10);
  const p = presets(last, extent.first_day ?? last).find((x) => x.id === "30d");
  return { from: p?.from ?? last, to: last, currency: extent.default_currency ?? "" };
}

async function boot(): Promise<AppState> {
  const session = await get<Session>("/api/session");
  if (session.token_rejected) throw new ApiError(401, "bad_token", "The saved token is not valid (revoked, mistyped, or from another store): paste a current one below.");
  if (!session.can_read) throw new ApiError(401, "unauthorized", "This server needs a token to read: paste one below.");
  const [extent, catalogue] = await Promise.all([get<Extent>("/api/extent"), get<Catalogue>("/api/metrics")]);
  return { ...defaults(extent), extent, catalogue, session };
}

/** The tabs (links carry the period) and the period and currency controls. */
function drawHeader(name: string, s: AppState): void {
  replace(nav, VIEWS.map(([v, label]) => h("a", { attrs: { href: hashOf(v, s), "aria-current": v === name ? "page" : undefined }, class: v === name ? "active" : "" }, label)));
  showNavHint();
  drawControls(s);
}

/** The period and currency controls; a change keeps the view's own parameters as they are now. */
function drawControls(s: AppState): void {
  renderControls(controls, s, (x) => {
    location.hash = hashWith(location.hash, { ...s, ...x });
  });
}

const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("cpi");

/**
 * The store changed (an import here or in another tab, a sync, a return to this tab): read what it
 * holds again and show the current view with it, moving or resetting a period that no longer fits.
 * The Import view is not redrawn (its outcome stays on screen); only its controls are.
 */
async function refreshData(): Promise<void> {
  const s = state;
  if (!s) return;
  const extent = await get<Extent>("/api/extent").catch(() => null);
  if (!extent || JSON.stringify(extent) === JSON.stringify(s.extent)) return;
  const moved = periodAfter(s.extent, extent, s.from, s.to);
  s.extent = extent;
  if (moved) Object.assign(s, moved);
  if (!s.currency || !extent.currencies.includes(s.currency)) s.currency = extent.default_currency ?? s.currency;
  history.replaceState(null, "", hashWith(location.hash, s));
  if (parseHash(location.hash).view === "import") {
    drawHeader("import", s);
    document.body.dataset.rendered = location.hash;
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? 0) + 1);
  } else await render();
}

async function render(): Promise<void> {
  const id = ++rendering;
  const hash = location.hash;
  const route = parseHash(hash);
  const s = state as AppState;
  const p = route.params;
  const problem = periodProblem(p.get("from"), p.get("to"));
  if (!problem) {
    s.from = p.get("from") ?? s.from;
    s.to = p.get("to") ?? s.to;
  }
  s.currency = p.get("currency") ?? s.currency;
  const entry = VIEWS.find(([v]) => v === route.view) ?? VIEWS[0];
  const [name, , fn] = entry as [string, string, View];
  drawHeader(name, s);
  document.body.dataset.view = name;
  delete document.body.dataset.ready;
  const root = h("div", { class: `view view-${name}` });
  replace(view, root);
  replace(root, loading());
  try {
    if (problem) {
      const fix = defaults(s.extent);
      replace(root, h("h1", null, "This address's period is not usable"), errorBox(new Error(problem)), h("p", null, h("a", { attrs: { href: hashOf(name, { ...s, ...fix, currency: s.currency }) }, data: { testid: "reset-period" } }, `Show ${fix.from} – ${fix.to} instead`)));
    } else if (s.extent.first_day === null && name !== "import" && name !== "sync") {
      replace(root, h("h1", null, "No data yet"), h("p", null, "Import ad-platform reports to begin: drop them on the Import page, or run 'cpi import FILE' or 'cpi demo'."), h("a", { attrs: { href: hashOf("import", s) } }, "Import reports"));
    } else await fn(root, s, route);
  } catch (e) {
    if (id === rendering) replace(root, errorBox(e));
  }
  if (id === rendering) {
    // Which address this render answered: a test (or a user script) that changed the hash waits
    // for this to match, not for a "ready" left over from the page before.
    document.body.dataset.rendered = hash;
    document.body.dataset.ready = name;
  }
}

/**
 * On a narrow screen the tabs scroll sideways: the active one is scrolled into view, and while more
 * tabs lie beyond the right edge a "›" button says so (and scrolls to them).
 */
function showNavHint(): void {
  const active = nav.querySelector<HTMLElement>("a.active");
  if (active && (active.offsetLeft < nav.scrollLeft || active.offsetLeft + active.offsetWidth > nav.scrollLeft + nav.clientWidth)) nav.scrollLeft = active.offsetLeft - 8;
  const more = nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2;
  navMore.hidden = !more;
  nav.classList.toggle("scrolls", more);
}

async function start(): Promise<void> {
  nav.addEventListener("scroll", showNavHint, { passive: true });
  window.addEventListener("resize", showNavHint);
  navMore.addEventListener("click", () => nav.scrollBy({ left: nav.clientWidth * 0.7, behavior: "smooth" }));
  replace(view, loading());
  try {
    state = await boot();
  } catch (e) {
    replace(view, errorBox(e), e instanceof ApiError && e.status === 401 ? tokenForm(() => location.reload()) : null);
    document.body.dataset.rendered = location.hash;
    document.body.dataset.ready = "error";
    return;
  }
  window.addEventListener("hashchange", () => void render());
  window.addEventListener("cpi:data-changed", () => {
    channel?.postMessage("data-changed");
    void refreshData();
  });
  channel?.addEventListener("message", () => void refreshData());
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && void refreshData());
  await render();
}

void start();

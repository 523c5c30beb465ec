// The commands of `cpi`, in the order `cpi --help` lists them: each one's help line, and how to load
// it. A command's module (and what it imports: the stores, DuckDB, zod, the parsers) is loaded only
// when that command runs, so `cpi --version`, `cpi --help` and `cpi calc` start in a fraction of the
// time. test/cli/startup.test.ts checks these lines against the commands' own definitions.
import type { Command } from "commander";
import type { CliIo } from "./io.js";

export interface CommandEntry {
  name: string;
  /** The command's usage as `cpi --help` lists it ("import [options] <paths...>"). */
  term: string;
  description: string;
  /** Loads the command's module and returns its register function. */
  load(): Promise<(program: Command, io: CliIo) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "calc",
    term: "calc [options]",
    description: "compute CPI, CPM (and CPC, CTR, CPA, CVR, ROAS) from totals, optionally against a baseline CPI",
    load: async () => (await import("./commands/calc.js")).registerCalc,
  },
  {
    name: "init",
    term: "init [options]",
    description: "create an empty store: a DuckDB file, or the cpi schema on a ClickHouse server or cluster",
    load: async () => (await import("./commands/init.js")).registerInit,
  },
  {
    name: "migrate",
    term: "migrate [options]",
    description: "copy a store into ClickHouse (spend, platform reach, FX rates, contracts, events), verifying totals",
    load: async () => (await import("./commands/migrate.js")).registerMigrate,
  },
  {
    name: "import",
    term: "import [options] <paths...>",
    description: "import spend reports (generic CSV or ad-platform exports) into the store; files or folders",
    load: async () => (await import("./commands/import.js")).registerImport,
  },
  {
    name: "connect",
    term: "connect",
    description: "connections to ad-platform APIs (Google Ads, Meta, …) that 'cpi sync' pulls spend from",
    load: async () => (await import("./commands/connect.js")).registerConnect,
  },
  {
    name: "sync",
    term: "sync [options] [names...]",
    description: "pull daily ad-level spend from the connected ad platforms ('cpi connect add') into the store",
    load: async () => (await import("./commands/sync.js")).registerSync,
  },
  {
    name: "report",
    term: "report [options]",
    description: "report CPI, CPM, CTR … from the store, grouped by dimensions and time",
    load: async () => (await import("./commands/report.js")).registerReport,
  },
  {
    name: "compare",
    term: "compare [options]",
    description: "compare two campaigns or two periods on CPI, with a mix/rate decomposition of the change",
    load: async () => (await import("./commands/compare.js")).registerCompare,
  },
  {
    name: "abtest",
    term: "abtest [options]",
    description: "compare the arms of a test (creatives, ad groups, placements, sources) on CPI, CTR, CPA … with confidence intervals",
    load: async () => (await import("./commands/abtest.js")).registerAbtest,
  },
  {
    name: "reach",
    term: "reach [options]",
    description: "unique reach, frequency distribution, k+ reach and cost per thousand reached; platform reach; deduplicated reach across channels",
    load: async () => (await import("./commands/reach.js")).registerReach,
  },
  {
    name: "curves",
    term: "curves [options]",
    description: "fit how impressions (and reach) respond to daily spend per channel, with diminishing returns",
    load: async () => (await import("./commands/curves.js")).registerCurves,
  },
  {
    name: "forecast",
    term: "forecast [options]",
    description: "predict impressions, reach and CPI for a budget, with an interval, from the selection's daily history",
    load: async () => (await import("./commands/forecast.js")).registerForecast,
  },
  {
    name: "allocate",
    term: "allocate [options]",
    description: "split a budget across channels to maximise reach, impressions, clicks or conversions on their fitted response curves",
    load: async () => (await import("./commands/allocate.js")).registerAllocate,
  },
  {
    name: "pacing",
    term: "pacing [options]",
    description: "spend to date against the flight's elapsed time, the projected end spend, and the daily spend that lands on budget",
    load: async () => (await import("./commands/pacing.js")).registerPacing,
  },
  {
    name: "fx",
    term: "fx",
    description: "exchange rates used by --currency",
    load: async () => (await import("./commands/fx.js")).registerFx,
  },
  {
    name: "demo",
    term: "demo [options]",
    description: "build a demo store from bundled data (several sources, currencies, months) and print a guided report",
    load: async () => (await import("./commands/demo.js")).registerDemo,
  },
  {
    name: "serve",
    term: "serve [options]",
    description: "run the tracking server: GET /i.gif, /v.gif, POST /e, GET /c, /health; records events into the store",
    load: async () => (await import("./commands/serve.js")).registerServe,
  },
  {
    name: "contract",
    term: "contract",
    description: "what direct buys cost (flat fee, CPM or CPC over a flight), pricing tracked impressions",
    load: async () => (await import("./commands/contract.js")).registerContract,
  },
  {
    name: "snippet",
    term: "snippet [options]",
    description: "print the tracking tag for a banner: a < 3 KB script (impression + MRC viewability) and an <img> fallback",
    load: async () => (await import("./commands/snippet.js")).registerSnippet,
  },
  {
    name: "discrepancy",
    term: "discrepancy [options]",
    description: "set reported impressions against first-party counts per campaign × placement × day and flag gaps beyond a tolerance",
    load: async () => (await import("./commands/discrepancy.js")).registerDiscrepancy,
  },
  {
    name: "token",
    term: "token",
    description: "API tokens: 'cpi serve' needs one for imports, contracts and any access beyond this machine",
    load: async () => (await import("./commands/token.js")).registerToken,
  },
  {
    name: "store",
    term: "store",
    description: "the store itself: free a ClickHouse store's import lock left by a process that is gone",
    load: async () => (await import("./commands/store.js")).registerStore,
  },
  {
    name: "alerts",
    term: "alerts",
    description: "alert rules: CPI spikes, delivery stops, thresholds and budget pacing, checked on the store, backtested, sent to Slack, Teams, Discord, email or signed JSON",
    load: async () => (await import("./commands/alerts.js")).registerAlerts,
  },
];

// npm run bench: every benchmark prints its figure beside a baseline measured in the same run, as a
// ratio, from the median of BENCH_RUNS runs (default 5). Select some with: npm run bench -- import
const all: Record<string, () => Promise<void>> = {
  import: async () => (await import("./import-generic.js")).benchImportGeneric(),
  "import-platforms": async () => (await import("./import-platforms.js")).benchImportPlatforms(),
  "import-large": async () => (await import("./import-large.js")).benchImportLarge(),
  "import-linkedin": async () => (await import("./import-platforms.js")).benchImportLinkedin(),
  report: async () => (await import("./report-10m.js")).benchReport10m(),
  tracked: async () => (await import("./tracked.js")).benchTracked(),
  "tracked-clickhouse": async () => (await import("./tracked-clickhouse.js")).benchTrackedClickHouse(),
  allocate: async () => (await import("./allocate-1000.js")).benchAllocate(),
  clickhouse: async () => (await import("./clickhouse-report.js")).benchClickHouse(),
  "clickhouse-layout": async () => (await import("./clickhouse-layout.js")).benchClickHouseLayout(),
  "clickhouse-capacity": async () => (await import("./clickhouse-capacity.js")).benchClickHouseCapacity(),
  track: async () => (await import("./track-serve.js")).benchTrackServe(),
  sync: async () => (await import("./sync.js")).benchSync(),
};
const pick = process.argv.slice(2);
console.log(`cpi benchmarks — medians of ${process.env.BENCH_RUNS ?? 5} runs on ${process.version}`);
for (const [name, fn] of Object.entries(all)) {
  // An exact name picks that bench only ("import" is not also "import-platforms"); other words match by part.
  if (pick.length && !pick.some((p) => name === p || (!(p in all) && name.includes(p)))) continue;
  await fn();
}

// The hand-written baseline of `cpi report --by campaign,day` (cost, impressions, clicks, CPI, CPM,
// CTR): the SQL such a report stands for, run by a plain Node process on the same store, its rows
// written to stdout as CSV. Run by bench/report-10m.ts beside cpi in the same run.
//   node bench/report-baseline.mjs duckdb FILE
//   node bench/report-baseline.mjs clickhouse http://user:password@host:port/database
const [engine, target] = process.argv.slice(2);

function csvRow(campaign, day, costMicros, impressions, clicks) {
  const cost = Number(costMicros) / 1e6;
  const imp = Number(impressions);
  const clk = Number(clicks);
  const name = /[",\n]/.test(campaign) ? `"${campaign.replace(/"/g, '""')}"` : campaign;
  return `${name},${day},${cost},${imp},${clk},${imp ? cost / imp : ""},${imp ? (1000 * cost) / imp : ""},${imp ? clk / imp : ""}\n`;
}

let out = "campaign,day,cost,impressions,clicks,cpi,cpm,ctr\n";
if (engine === "duckdb") {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(target, { access_mode: "READ_ONLY" });
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(
    "SELECT campaign, date_start, SUM(cost_micros), SUM(impressions), SUM(clicks) FROM spend GROUP BY campaign, date_start ORDER BY campaign, date_start",
  );
  for (const [campaign, day, cost, impressions, clicks] of reader.getRows()) out += csvRow(campaign, String(day), cost, impressions, clicks);
  conn.closeSync();
  instance.closeSync();
} else {
  const { createClient } = await import("@clickhouse/client");
  const url = new URL(target);
  const client = createClient({
    url: `${url.protocol}//${url.host}`,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  });
  const rs = await client.query({
    query:
      "SELECT campaign, toString(date_start) AS day, toString(sum(toDecimal128(cost_micros, 0))) AS cost, sum(impressions) AS imp, sum(clicks) AS clk FROM spend GROUP BY campaign, date_start ORDER BY campaign, date_start",
    format: "JSONCompact",
  });
  for (const [campaign, day, cost, impressions, clicks] of (await rs.json()).data) out += csvRow(campaign, day, cost, impressions, clicks);
  await client.close();
}
process.stdout.write(out);

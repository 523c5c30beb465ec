// Campaign names come from files: nothing a command prints (tables, "why" lines, warnings) may carry
// their control characters to the terminal. Checked on the built CLI, as a user's shell receives it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cpiProcess, tempDir, write } from "../helpers.js";

test("an ESC/BEL sequence in a campaign name never reaches stdout or stderr (report, allocate)", () => {
  const dir = tempDir();
  const evil = "Evil\u001b[31mRED\u001b]0;pwned\u0007";
  const days = Array.from({ length: 20 }, (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`);
  const rows = days.flatMap((d, i) => [`${d},meta,"${evil}",USD,${100 + i * 7},${20000 + i * 900},${200 + i}`, `${d},meta,Calm,USD,${80 + i * 3},${15000 + i * 500},${150 + i}`]);
  write(dir, "evil.csv", ["date,source,campaign,currency,cost,impressions,clicks", ...rows].join("\n"));
  const imp = cpiProcess(dir, "import", "evil.csv", "--db", "t.duckdb");
  assert.equal(imp.code, 0, imp.stderr);
  for (const argv of [
    ["report", "--db", "t.duckdb", "--by", "campaign"],
    ["allocate", "--db", "t.duckdb", "--by", "campaign", "--budget", "6000", "--days", "30"],
  ]) {
    const r = cpiProcess(dir, ...argv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Evil\uFFFD\[31mRED/, `${argv[0]} shows the name, defused`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    assert.doesNotMatch(r.stdout, controls, `${argv[0]} stdout`);
    assert.doesNotMatch(r.stderr, controls, `${argv[0]} stderr`);
  }
});

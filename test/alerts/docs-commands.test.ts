// Every command docs/alerts.md shows runs as printed: its `sh` blocks, in order, in an empty folder
// (the first block builds the demo store and points CPI_DB at it).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { ROOT, tempDir } from "../helpers.js";
import { shellWords } from "../shell-words.js";

test("every command of docs/alerts.md runs as printed", async () => {
  const doc = readFileSync(join(ROOT, "docs/alerts.md"), "utf8");
  const lines = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? "").split("\n")).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  assert.ok(lines.length >= 15, `${lines.length} commands`);
  const dir = tempDir();
  const env: Record<string, string> = {};
  for (const line of lines) {
    const exported = /^export (\w+)=(.*)$/.exec(line);
    if (exported) {
      env[exported[1] as string] = exported[2] as string;
      continue;
    }
    const argv = shellWords(line);
    assert.equal(argv[0], "cpi", `a cpi command: ${line}`);
    const io = memoryIo({ ...env }, dir);
    const code = await main(argv.slice(1), io);
    assert.equal(code, 0, `${line}\n${io.stderr}`);
  }
});

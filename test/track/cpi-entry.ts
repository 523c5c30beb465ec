// Runs the cpi CLI from source as a real process (for tests and benchmarks that need `cpi serve` as
// its own process): node --import <tsx> test/track/cpi-entry.ts serve --port 0 …
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));

import assert from "node:assert/strict";
import { test } from "node:test";
import { campaignState } from "./campaign-status.js";

test("platform status words as campaign states; delivery problems are not an off switch", () => {
  for (const [cell, state] of [
    ["Enabled", "active"],
    ["ACTIVE", "active"],
    ["Paused", "paused"],
    ["inactive", "paused"],
    ["Removed", "ended"],
    ["Deleted", "ended"],
    ["recently_completed", "ended"],
    ["COMPLETED", "ended"],
    ["Archived", "ended"],
    ["Concluída", "ended"],
    ["not_delivering", null],
    ["Limited by budget", null],
    ["BudgetPaused", null],
    ["", null],
  ] as const) {
    assert.equal(campaignState(cell), state, cell);
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalAccountList, canonicalSourceList } from "./audit-lists.js";

test("an import's sources list: aliases become canonical ids, each once, others kept", () => {
  assert.equal(canonicalSourceList("google_ads"), "google-ads");
  assert.equal(canonicalSourceList("google_ads,bing,direct,google-ads"), "google-ads,microsoft-ads,direct");
  assert.equal(canonicalSourceList(""), "");
});

test("an import's accounts list: dashed Google Ads customer ids lose their dashes only in a Google Ads import", () => {
  assert.equal(canonicalAccountList("google-ads", "123-456-7890"), "1234567890");
  assert.equal(canonicalAccountList("google_ads,meta", "123-456-7890,987-654-3210,act_1"), "1234567890,9876543210,act_1");
  assert.equal(canonicalAccountList("meta", "123-456-7890"), "123-456-7890");
  assert.equal(canonicalAccountList("google-ads", "12-3456-7890"), "12-3456-7890");
});

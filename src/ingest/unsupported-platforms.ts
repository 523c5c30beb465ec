// Ad platforms whose exports cpi does not read yet, told by columns only they have, so a refusal
// names the platform instead of listing what each supported one lacked.
import { normaliseHeader } from "./header.js";

/** Each platform with the normalised headers of its exports that no supported platform writes. */
const UNSUPPORTED: readonly { label: string; columns: readonly string[] }[] = [
  {
    label: "Snapchat Ads",
    columns: ["ad squad name", "ad squad id", "swipe ups", "swipe up rate", "paid impressions", "ecpsu", "story opens", "ad squad", "swipes", "cost per swipe up"],
  },
  {
    label: "Pinterest Ads",
    columns: ["pin clicks", "pin promotion name", "pin promotion id", "spend in account currency", "earned impressions", "paid pin clicks", "outbound clicks (paid)", "saves (paid)"],
  },
  { label: "Apple Search Ads", columns: ["taps", "ttr", "avg cpt", "avg cpa", "new downloads", "redownloads", "installs (tap-through)"] },
  { label: "Quora Ads", columns: ["quora campaign", "quora ad", "conversion value (quora)"] },
  { label: "Taboola", columns: ["spent", "vctr", "vcpm", "cpa (clicks)", "content provider"] },
  { label: "Outbrain", columns: ["promoted link", "marketer", "outbrain"] },
  { label: "Yandex Direct", columns: ["показы", "клики", "расход", "расход (руб.)", "ctr (%)", "кампания"] },
  { label: "Criteo", columns: ["displays", "criteo", "sales (post-click)", "cos"] },
  { label: "Spotify Ad Studio", columns: ["ad set name (spotify)", "listeners", "completion rate", "starts", "streams"] },
];

/**
 * The label of the unsupported platform a header row belongs to (two of its columns, or one for
 * Snapchat's "ad squad" and "swipe up" names), or null.
 * @example unsupportedPlatform(["Campaign Name", "Ad Squad Name", "Paid Impressions", "Spend"]) // "Snapchat Ads"
 */
export function unsupportedPlatform(header: readonly string[]): string | null {
  const names = new Set(header.map(normaliseHeader));
  let best: { label: string; hits: number } | null = null;
  for (const p of UNSUPPORTED) {
    const hits = p.columns.filter((c) => names.has(c)).length;
    const distinctive = [...names].some((n) => /\bad squad\b|\bswipe ?ups?\b/.test(n));
    if ((hits >= 2 || (hits === 1 && p.label === "Snapchat Ads" && distinctive)) && (!best || hits > best.hits)) best = { label: p.label, hits };
  }
  return best?.label ?? null;
}

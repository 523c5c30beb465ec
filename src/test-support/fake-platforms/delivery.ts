// Seeded delivery for the fake ad-platform APIs and for the export files written from the same data
// (not part of the build): accounts → campaigns → ad groups → ads, one row per ad and day with
// plausible, exact figures. Names carry commas, quotes and non-ASCII letters on purpose.
import { addDays, type IsoDate } from "../../domain/dates.js";
import { mulberry32 } from "../random-spend.js";

export interface FakeAd {
  id: string;
  name: string;
}

export interface FakeAdGroup {
  id: string;
  name: string;
  ads: FakeAd[];
}

export interface FakeCampaign {
  id: string;
  name: string;
  /** Google: PERFORMANCE_MAX campaigns report no ad groups or ads, only campaign rows. */
  type: "SEARCH" | "PERFORMANCE_MAX";
  adGroups: FakeAdGroup[];
}

export interface FakeAccount {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  /** Google: the manager (MCC) through which the account is reached (login-customer-id), if any. */
  managerId?: string;
  campaigns: FakeCampaign[];
}

/** One ad's (or a campaign's, for Performance Max) delivery on one day. */
export interface FakeDay {
  date: IsoDate;
  campaignId: string;
  /** "" for campaign-level rows (Performance Max). */
  adGroupId: string;
  adId: string;
  costMicros: bigint;
  impressions: number;
  clicks: number;
  /** Google: fractional conversions (hundredths); Meta and Microsoft: whole. */
  conversions: number;
  valueMicros: bigint;
  /** Meta: the ad's reach that day. */
  reach: number;
}

export interface FakeDelivery {
  accounts: FakeAccount[];
  /** Rows by account id, by date then campaign, ad group, ad. */
  days: Map<string, FakeDay[]>;
}

export interface DeliveryOptions {
  seed: number;
  platform: "google-ads" | "meta" | "microsoft-ads" | "linkedin" | "tiktok";
  accounts: { id: string; name: string; currency: string; timezone: string; managerId?: string }[];
  campaigns: number;
  adGroups: number;
  ads: number;
  from: IsoDate;
  to: IsoDate;
  /** Google: how many of each account's campaigns are Performance Max (campaign rows only). */
  pmax?: number;
  /** Share of ad-days with no delivery at all (left out, as platforms leave them out). */
  idleShare?: number;
}

const QUIRKY = ["Brand, \"Core\"", "Rückkehr – Herbst", "Prospecting · EU", "Retargeting/30d", "Ünïcödé Ads", "Launch; Q4"];

/**
 * Delivery for fake APIs and export files alike: ids numeric like the platform's, money in cents
 * (Meta, Microsoft, LinkedIn, TikTok) or micros (Google), conversions in hundredths (Google) or whole (the others).
 * @example generateDelivery({ seed: 1, platform: "meta", accounts: [acct], campaigns: 2, adGroups: 2, ads: 2, from, to })
 */
export function generateDelivery(o: DeliveryOptions): FakeDelivery {
  const rnd = mulberry32(o.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  let next = o.platform === "meta" ? 120210000000000 : 17000000000;
  const id = () => String(next++ * 7 + int(0, 6));
  const accounts: FakeAccount[] = o.accounts.map((a) => ({
    ...a,
    campaigns: Array.from({ length: o.campaigns }, (_c, ci) => ({
      id: id(),
      name: `${QUIRKY[ci % QUIRKY.length]} ${a.id.slice(-3)}-${ci + 1}`,
      type: ci < (o.pmax ?? 0) ? ("PERFORMANCE_MAX" as const) : ("SEARCH" as const),
      adGroups:
        ci < (o.pmax ?? 0)
          ? []
          : Array.from({ length: o.adGroups }, (_g, gi) => ({
              id: id(),
              name: `Group ${gi + 1} (${QUIRKY[(ci + gi) % QUIRKY.length]})`,
              ads: Array.from({ length: o.ads }, (_x, xi) => ({ id: id(), name: `Ad ${ci + 1}.${gi + 1}.${xi + 1}` })),
            })),
    })),
  }));
  const days = new Map<string, FakeDay[]>();
  for (const a of accounts) {
    const list: FakeDay[] = [];
    for (let date = o.from; date <= o.to; date = addDays(date, 1)) {
      for (const c of a.campaigns) {
        const units = c.adGroups.length ? c.adGroups.flatMap((g) => g.ads.map((ad) => ({ g: g.id, ad: ad.id }))) : [{ g: "", ad: "" }];
        for (const u of units) {
          if (rnd() < (o.idleShare ?? 0.1)) continue;
          const impressions = int(50, 20_000);
          const clicks = int(0, Math.floor(impressions / 20));
          const cents = int(5, 40_000);
          const costMicros = o.platform !== "google-ads" ? BigInt(cents) * 10_000n : BigInt(cents) * 10_000n + BigInt(int(0, 9_999));
          const conversions = o.platform !== "google-ads" ? int(0, 5) : int(0, 500) / 100;
          const valueMicros = conversions > 0 ? BigInt(int(100, 90_000)) * 10_000n : 0n;
          list.push({ date, campaignId: c.id, adGroupId: u.g, adId: u.ad, costMicros, impressions, clicks, conversions, valueMicros, reach: Math.max(1, Math.floor(impressions / (1 + rnd()))) });
        }
      }
    }
    days.set(a.id, list);
  }
  return { accounts, days };
}

/** A micros amount as a plain decimal string with `decimals` places ("12.34"). */
export function microsText(m: bigint, decimals: number): string {
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, "0").slice(0, decimals);
  return `${neg ? "-" : ""}${whole}${decimals > 0 ? `.${frac}` : ""}`;
}

/** Lookups of names by id within one account. */
export function namesOf(a: FakeAccount): { campaign: Map<string, FakeCampaign>; adGroup: Map<string, FakeAdGroup>; ad: Map<string, FakeAd> } {
  const campaign = new Map<string, FakeCampaign>();
  const adGroup = new Map<string, FakeAdGroup>();
  const ad = new Map<string, FakeAd>();
  for (const c of a.campaigns) {
    campaign.set(c.id, c);
    for (const g of c.adGroups) {
      adGroup.set(g.id, g);
      for (const x of g.ads) ad.set(x.id, x);
    }
  }
  return { campaign, adGroup, ad };
}

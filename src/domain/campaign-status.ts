// What a platform export says a campaign's state is ("Campaign status": Enabled, Paused, Removed;
// "Delivery status": active, inactive, completed…), normalised, so that alerts do not report a
// paused or finished campaign as "stopped delivering".
import type { IsoDate } from "./dates.js";

/** A campaign's state as cpi reads it: running, switched off for now, or over. */
export type CampaignState = "active" | "paused" | "ended";

/** The latest status an export gave a campaign, and the last day that export covers. */
export interface CampaignStatus {
  source: string;
  account_id: string;
  campaign_id: string;
  campaign: string;
  state: CampaignState;
  /** The platform's own word for it ("Paused", "recently_completed"). */
  reported: string;
  /** The last day the export that said so covers: a newer export's status replaces it. */
  as_of: IsoDate;
}

const STATES: Record<string, CampaignState> = {
  // Google Ads, Microsoft Advertising, LinkedIn, Meta, TikTok, in their export words (lower case).
  enabled: "active",
  active: "active",
  eligible: "active",
  delivering: "active",
  ativa: "active",
  ativo: "active",
  paused: "paused",
  inactive: "paused",
  campaign_paused: "paused",
  adset_paused: "paused",
  "campaign paused": "paused",
  pausado: "paused",
  pausada: "paused",
  removed: "ended",
  deleted: "ended",
  completed: "ended",
  recently_completed: "ended",
  archived: "ended",
  canceled: "ended",
  cancelled: "ended",
  ended: "ended",
  concluída: "ended",
  concluido: "ended",
  arquivada: "ended",
  cancelada: "ended",
};

/**
 * A status cell as a campaign state, or null when it says nothing cpi can rely on ("not_delivering",
 * "learning", "budget paused" are delivery problems an alert should report, not an off switch).
 * @example campaignState("Paused") // "paused"; campaignState("Removed") // "ended"; campaignState("Limited by budget") // null
 */
export function campaignState(cell: string): CampaignState | null {
  const key = cell.trim().toLowerCase().replace(/\s+/g, " ");
  return STATES[key] ?? null;
}

/**
 * A stored status read back from a result row (either engine's columns of the same names).
 * @example campaignStatusOfRow({ source: "google-ads", account_id: "1", campaign_id: "9", campaign: "Brand", state: "paused", reported: "Paused", as_of: "2026-10-04" }).state // "paused"
 */
export function campaignStatusOfRow(r: Readonly<Record<string, unknown>>): CampaignStatus {
  return {
    source: String(r.source),
    account_id: String(r.account_id),
    campaign_id: String(r.campaign_id),
    campaign: String(r.campaign),
    state: String(r.state) as CampaignState,
    reported: String(r.reported),
    as_of: String(r.as_of),
  };
}

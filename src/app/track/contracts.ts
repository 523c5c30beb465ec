import { requireIsoDate } from "../../domain/dates.js";
import { UserError } from "../../domain/errors.js";
import { fitsStoredMicros, normaliseCurrency, parseMicros, tooLargeAmount } from "../../domain/money.js";
import { requireStorableText, requireTimeZone } from "../../domain/query.js";
import { type Contract, overlappingContract, type Pricing, validateContract } from "../../domain/tracking/contract.js";
import type { Store } from "../../store/store.js";

/** A contract as a user states it (CLI flags or API fields): exactly one of flat, cpm, cpc. */
export interface ContractInput {
  campaign: string;
  placement?: string;
  flat?: string;
  cpm?: string;
  cpc?: string;
  currency?: string;
  from: string;
  to: string;
  timezone?: string;
}

/**
 * Records what a direct buy costs, refusing a flight that overlaps another contract of the same
 * campaign and placement (an impression has one price).
 * @example await addContract(store, { campaign: "Launch Q4", placement: "news-site", flat: "5000", from: "2026-10-01", to: "2026-10-31" })
 */
export async function addContract(store: Store, input: ContractInput): Promise<Contract> {
  const prices = (["flat", "cpm", "cpc"] as const).filter((p) => input[p] !== undefined);
  if (prices.length !== 1) throw new UserError("bad_contract", "give exactly one price: --flat AMOUNT, --cpm AMOUNT or --cpc AMOUNT");
  const pricing = prices[0] as Pricing;
  const text = String(input[pricing]).trim();
  const amount = parseMicros(text);
  if (amount === null) throw new UserError("bad_amount", `--${pricing} must be an amount like 5000 or 12.50, got '${text}'`);
  if (!fitsStoredMicros(amount)) throw new UserError("bad_amount", `--${pricing} ${tooLargeAmount(text)}`);
  const c = validateContract({
    campaign: requireStorableText(input.campaign.trim(), "--campaign"),
    placement: requireStorableText((input.placement ?? "").trim(), "--placement"),
    pricing,
    amount,
    currency: normaliseCurrency(input.currency ?? "USD"),
    from: requireIsoDate(input.from, "--from"),
    to: requireIsoDate(input.to, "--to"),
    timezone: requireTimeZone(input.timezone ?? "UTC"),
  });
  const clash = overlappingContract(await store.contracts(), c);
  if (clash) {
    throw new UserError(
      "overlapping_contract",
      `contract ${clash.id} (${clash.campaign}${clash.placement ? ` on ${clash.placement}` : ", every placement"}, ${clash.from}..${clash.to}) already prices this flight; remove it first ('cpi contract remove ${clash.id}')`,
    );
  }
  return store.addContract(c);
}

/** Every contract. @example await listContracts(store) */
export function listContracts(store: Store): Promise<Contract[]> {
  return store.contracts();
}

/** Removes a contract by id, or fails naming it. @example await removeContract(store, 3) */
export async function removeContract(store: Store, id: number): Promise<void> {
  if (!Number.isInteger(id) || id <= 0) throw new UserError("bad_flag", `'${id}' is not a contract id`);
  if (!(await store.removeContract(id))) throw new UserError("no_such_contract", `there is no contract ${id} ('cpi contract list' shows them)`);
}

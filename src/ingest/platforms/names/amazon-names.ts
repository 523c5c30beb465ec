import type { UiNameTable } from "../../ui-names.js";
import { likelyNames } from "./likely-names.js";

/**
 * Amazon Ads console report columns by interface language (normalised; "?" marks a name not
 * confirmed). English names come from third-party importers of real downloads; the console's other
 * languages are its likely translations. Reports are recognised by English-only columns
 * ("7 Day Total Sales", "Advertised ASIN"…): a report in another language needs --source amazon-ads
 * only if it has none of them.
 */
export const AMAZON_NAMES: UiNameTable = {
  platform: "Amazon Ads",
  sources: {
    en: "3P importers' column dumps of real downloads (trailing spaces, ACOS/ACoS) and the Amazon Ads API v3 docs",
    pt: "console's pt-BR names; not seen in a download",
    es: "console's Spanish names; not seen in a download",
    fr: "console's French names; not seen in a download",
    de: "console's German names; not seen in a download",
    it: "console's Italian names; not seen in a download",
    nl: "console's Dutch names; not seen in a download",
    pl: "console's Polish names; not seen in a download",
    tr: "console's Turkish names; not seen in a download",
    id: "not covered: Amazon Ads offers no Indonesian console as far as known",
    ja: "console's Japanese names; not seen in a download",
  },
  roles: {
    date: { en: ["date"], pt: ["data?"], es: ["fecha?"], fr: ["date"], de: ["datum?"], it: ["data?"], nl: ["datum?"], pl: ["data?"], tr: ["tarih?"], ja: ["日付?"] },
    date_start: {
      en: ["start date"],
      pt: ["data de início?"],
      es: ["fecha de inicio?"],
      fr: ["date de début?"],
      de: ["startdatum?"],
      it: ["data di inizio?"],
      nl: ["begindatum?"],
      pl: ["data rozpoczęcia?"],
      tr: ["başlangıç tarihi?"],
      ja: ["開始日?"],
    },
    date_end: {
      en: ["end date"],
      pt: ["data de término?"],
      es: ["fecha de finalización?"],
      fr: ["date de fin?"],
      de: ["enddatum?"],
      it: ["data di fine?"],
      nl: ["einddatum?"],
      pl: ["data zakończenia?"],
      tr: ["bitiş tarihi?"],
      ja: ["終了日?"],
    },
    campaign: likelyNames("campaignName", {
      en: ["campaign name", "campaign"],
    }, ["id"]),
    campaign_id: { en: ["campaign id"] },
    ad_group: likelyNames("adGroupName", {
      en: ["ad group name", "ad group"],
    }, ["id"]),
    ad_group_id: { en: ["ad group id"] },
    ad: { en: ["advertised asin", "advertised sku", "ad name"] },
    country: { en: ["country"] },
    currency: likelyNames("currency", {
      en: ["currency"],
    }, ["id"]),
    cost: {
      en: ["spend", "total cost", "cost"],
      pt: ["gasto?", "gastos?"],
      es: ["gasto?"],
      fr: ["dépenses?"],
      de: ["ausgaben?"],
      it: ["spesa?"],
      nl: ["uitgaven?"],
      pl: ["wydatki?"],
      tr: ["harcama?"],
      ja: ["広告費?"],
    },
    impressions: likelyNames("impressions", {
      en: ["impressions"],
    }, ["id"]),
    clicks: likelyNames("clicks", {
      en: ["clicks"],
    }, ["id"]),
    conversions: { en: ["7 day total orders (#)", "14 day total orders (#)", "purchases", "orders"] },
    revenue: { en: ["7 day total sales", "14 day total sales", "sales", "total sales"] },
  },
};

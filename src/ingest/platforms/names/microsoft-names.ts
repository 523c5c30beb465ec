import type { UiNameTable } from "../../ui-names.js";
import { likelyNames } from "./likely-names.js";

/**
 * Microsoft Advertising columns by interface language (normalised; "?" marks a name not confirmed):
 * the UI grid's names, then the Reporting API's (the same in every language). Reports are
 * recognised by their API or grid columns (TimePeriod, Bid Strategy Type…) and preamble.
 */
export const MICROSOFT_NAMES: UiNameTable = {
  platform: "Microsoft Advertising",
  sources: {
    en: "a real UI grid download (../shared/fixtures/exports: jbt_campaigns_automation bing_08.csv) and the Reporting API's column enums (MicrosoftDocs/Advertising)",
    pt: "UI's pt-BR names; not seen in a download",
    es: "UI's Spanish names; not seen in a download",
    fr: "UI's French names; not seen in a download",
    de: "UI's German names; not seen in a download",
    it: "UI's Italian names; not seen in a download",
    nl: "UI's Dutch names; not seen in a download",
    pl: "not covered: the UI is not offered in Polish as far as known",
    tr: "not covered: the UI is not offered in Turkish as far as known",
    id: "not covered: the UI is not offered in Indonesian as far as known",
    ja: "UI's Japanese names; not seen in a download",
    api: "Reporting API column names (ReportColumn enums), the same in every language",
  },
  roles: {
    campaign_status: { en: ["campaign status"], api: ["campaignstatus"] },
    date: { en: ["date", "day"], api: ["timeperiod", "gregoriandate"] },
    account_name: { en: ["account name", "account"], api: ["accountname"] },
    account_id: { en: ["account id", "account number"], api: ["accountid", "accountnumber"] },
    campaign: {
      en: ["campaign name", "campaign"],
      pt: ["campanha?"],
      es: ["campaña?"],
      fr: ["campagne?"],
      de: ["kampagne?"],
      it: ["campagna?"],
      nl: ["campagne?"],
      ja: ["キャンペーン?"],
      api: ["campaignname"],
    },
    campaign_id: { en: ["campaign id"], api: ["campaignid"] },
    ad_group: { en: ["ad group name", "ad group"], api: ["adgroupname"] },
    ad_group_id: { en: ["ad group id"], api: ["adgroupid"] },
    ad: { en: ["ad title", "ad name"], api: ["adtitle"] },
    ad_id: { en: ["ad id"], api: ["adid"] },
    device: { en: ["device type"], api: ["devicetype"] },
    currency: { en: ["currency code", "currency"], api: ["currencycode"] },
    cost: {
      en: ["spend"],
      pt: ["gasto?"],
      es: ["gasto?"],
      fr: ["dépense?"],
      de: ["ausgaben?"],
      it: ["spesa?"],
      nl: ["uitgaven?"],
      ja: ["費用?"],
    },
    impressions: {
      en: ["impressions", "impr."],
      pt: ["impr.?", "impressões?"],
      es: ["impr.?", "impresiones?"],
      fr: ["impr.?", "impressions?"],
      de: ["impr.?", "impressionen?"],
      it: ["impr.?", "impressioni?"],
      nl: ["vert.?", "vertoningen?"],
      ja: ["インプレッション数?"],
    },
    clicks: likelyNames("clicks", {
      en: ["clicks"],
    }, ["pl", "tr", "id"]),
    conversions: { en: ["conversions", "conv."], pt: ["conv.?"], es: ["conv.?"], fr: ["conv.?"], de: ["conv.?"], it: ["conv.?"], nl: ["conv.?"] },
    revenue: { en: ["revenue"] },
  },
};

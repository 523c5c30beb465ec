import type { NamesByLanguage, UiLanguage } from "../../ui-names.js";

/**
 * The usual interface words for a few columns, in the UI languages, for platforms whose exports in
 * those languages were never seen (LinkedIn, TikTok, Amazon Ads, Microsoft Advertising): each is
 * marked unconfirmed ("?"). A platform whose translations are confirmed writes its own.
 */
const LIKELY = {
  campaignName: {
    pt: ["nome da campanha"],
    es: ["nombre de la campaña"],
    fr: ["nom de la campagne"],
    de: ["kampagnenname"],
    it: ["nome della campagna"],
    nl: ["campagnenaam"],
    pl: ["nazwa kampanii"],
    tr: ["kampanya adı"],
    id: ["nama kampanye"],
    ja: ["キャンペーン名"],
  },
  adGroupName: {
    pt: ["nome do grupo de anúncios"],
    es: ["nombre del grupo de anuncios"],
    fr: ["nom du groupe d'annonces"],
    de: ["name der anzeigengruppe"],
    it: ["nome del gruppo di annunci"],
    nl: ["naam advertentiegroep"],
    pl: ["nazwa grupy reklam"],
    tr: ["reklam grubu adı"],
    id: ["nama grup iklan"],
    ja: ["広告グループ名"],
  },
  currency: {
    pt: ["moeda"],
    es: ["moneda", "divisa"],
    fr: ["devise"],
    de: ["währung"],
    it: ["valuta"],
    nl: ["valuta"],
    pl: ["waluta"],
    tr: ["para birimi"],
    id: ["mata uang"],
    ja: ["通貨"],
  },
  impressions: {
    pt: ["impressões"],
    es: ["impresiones"],
    fr: ["impressions"],
    de: ["impressionen"],
    it: ["impressioni"],
    nl: ["vertoningen", "weergaven"],
    pl: ["wyświetlenia"],
    tr: ["gösterimler", "gösterim"],
    id: ["impresi", "tayangan"],
    ja: ["インプレッション", "インプレッション数"],
  },
  clicks: {
    pt: ["cliques"],
    es: ["clics"],
    fr: ["clics"],
    de: ["klicks"],
    it: ["clic"],
    nl: ["klikken"],
    pl: ["kliknięcia"],
    tr: ["tıklamalar"],
    id: ["klik"],
    ja: ["クリック数"],
  },
  reach: {
    pt: ["alcance"],
    es: ["alcance"],
    fr: ["couverture"],
    de: ["reichweite"],
    it: ["copertura"],
    nl: ["bereik"],
    pl: ["zasięg"],
    tr: ["erişim"],
    id: ["jangkauan"],
    ja: ["リーチ"],
  },
  conversions: {
    pt: ["conversões"],
    es: ["conversiones"],
    fr: ["conversions"],
    de: ["konversionen"],
    it: ["conversioni"],
    nl: ["conversies"],
    pl: ["konwersje"],
    tr: ["dönüşümler"],
    id: ["konversi"],
    ja: ["コンバージョン"],
  },
} satisfies Record<string, Partial<Record<UiLanguage, readonly string[]>>>;

/**
 * A role's names: the platform's own (`own`, confirmed or not), then the usual words of `kind`
 * marked unconfirmed for the languages `own` leaves out, except `without`.
 * @example likelyNames("clicks", { en: ["clicks"], pt: ["cliques"] }) // pt stays confirmed, es: ["clics?"], …
 */
export function likelyNames(kind: keyof typeof LIKELY, own: NamesByLanguage, without: readonly UiLanguage[] = []): NamesByLanguage {
  const out: NamesByLanguage = { ...own };
  for (const [lang, names] of Object.entries(LIKELY[kind]) as [UiLanguage, readonly string[]][]) {
    if (out[lang] || without.includes(lang)) continue;
    out[lang] = names.map((n) => `${n}?`);
  }
  return out;
}

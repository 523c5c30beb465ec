import type { AliasTable } from "../columns.js";

/**
 * Meta Ads Manager export headers, normalised (lower case), in the UI languages cpi knows. English
 * names are seen in real exports (current sentence case and the older Title Case, which
 * normalise alike). The fr, de, es, pt, it and id names follow Ads Manager's translations as
 * third-party importers list them; they are [UNVERIFIED] against real files, so each language also
 * has its own test fixture built from this table. Money headers carry the currency: "(GBP)".
 */
const money = (...names: string[]) => names.map((n) => new RegExp(`^${n}(?: \\((\\w{3})\\))+$|^${n}$`));

export const META_ALIASES: AliasTable = {
  delivery_status: ["delivery status", "statut de diffusion", "auslieferungsstatus", "estado de la entrega", "status de veiculação"],
  date: ["day", "jour", "tag", "día", "dia", "giorno", "hari"],
  date_start: [
    "reporting starts",
    "début des rapports",
    "berichtsbeginn",
    "inicio del informe",
    "início dos relatórios",
    "inizio report",
    "awal pelaporan",
    "date_start",
  ],
  date_end: ["reporting ends", "fin des rapports", "berichtsende", "fin del informe", "término dos relatórios", "fine report", "akhir pelaporan", "date_stop"],
  account_name: ["account name", "nom du compte", "kontoname", "nombre de la cuenta", "nome da conta", "nome dell'account", "nama akun"],
  account_id: ["account id", "identifiant du compte", "konto-id", "id de la cuenta", "id da conta", "id account", "id akun", "account_id"],
  campaign: [
    "campaign name",
    "nom de la campagne",
    "kampagnenname",
    "nombre de la campaña",
    "nome da campanha",
    "nome della campagna",
    "nama kampanye",
    "campaign_name",
  ],
  campaign_id: ["campaign id", "identifiant de la campagne", "kampagnen-id", "id de la campaña", "id da campanha", "id campagna", "id kampanye", "campaign_id"],
  ad_group: [
    "ad set name",
    "nom de l'ensemble de publicités",
    "name der anzeigengruppe",
    "nombre del conjunto de anuncios",
    "nome do conjunto de anúncios",
    "nome del gruppo di inserzioni",
    "nama set iklan",
    "adset_name",
  ],
  ad_group_id: [
    "ad set id",
    "identifiant de l'ensemble de publicités",
    "anzeigengruppen-id",
    "id del conjunto de anuncios",
    "id do conjunto de anúncios",
    "id gruppo di inserzioni",
    "id set iklan",
    "adset_id",
  ],
  ad: ["ad name", "nom de la publicité", "anzeigenname", "nombre del anuncio", "nome do anúncio", "nome dell'inserzione", "nama iklan", "ad_name"],
  ad_id: ["ad id", "identifiant de la publicité", "anzeigen-id", "id del anuncio", "id do anúncio", "id inserzione", "id iklan", "ad_id"],
  age: ["age", "âge", "alter", "edad", "idade", "età", "usia"],
  gender: ["gender", "sexe", "geschlecht", "sexo", "gênero", "genere", "jenis kelamin"],
  country: ["country", "pays", "land", "país", "paese", "negara"],
  placement: [
    "placement",
    "platform",
    "placement (publisher platform)",
    "emplacement",
    "platzierung",
    "ubicación",
    "posicionamento",
    "posizionamento",
    "penempatan",
    // A Platform column alone (breakdown by platform); beside a Placement column it names the
    // placement's platform (see meta.ts).
    "plateforme",
    "plattform",
    "plataforma",
    "piattaforma",
  ],
  device: ["impression device", "device platform", "appareil d'impression", "dispositivo de impresión"],
  currency: ["currency", "devise", "währung", "divisa", "moneda", "moeda", "valuta", "mata uang", "account_currency"],
  timezone: ["account timezone", "account time zone"],
  cost: money(
    "amount spent",
    "montant dépensé",
    "ausgegebener betrag",
    "importe gastado",
    "valor usado",
    "valor gasto",
    "importo speso",
    "jumlah yang dibelanjakan",
    "spend",
  ),
  impressions: ["impressions", "impressionen", "impresiones", "impressões", "impression", "impresi"],
  reach: ["reach", "couverture", "reichweite", "alcance", "copertura", "jangkauan"],
  frequency: ["frequency", "répétition", "frequenz", "frecuencia", "frequência", "frequenza", "frekuensi"],
  clicks: [
    "link clicks",
    "clics sur un lien",
    "link-klicks",
    "clics en el enlace",
    "cliques no link",
    "clic sul link",
    "klik tautan",
    "inline_link_clicks",
    "clicks (all)",
    "clics (tous)",
    "klicks (alle)",
    "clics (todos)",
    "cliques (todos)",
    "clic (tutti)",
    "klik (semua)",
    "clicks",
  ],
  conversions: ["purchases", "website purchases", "purchases with shared items", "achats", "käufe", "compras", "acquisti", "pembelian", "conversions"],
  revenue: money(
    "purchases conversion value",
    "website purchases conversion value",
    "purchases conversion value for shared items only",
    "valeur de conversion des achats",
    "conversion-wert für käufe",
    "valor de conversión de compras",
    "valor de conversão de compras",
    "valore di conversione degli acquisti",
    "nilai konversi pembelian",
  ),
};

/** Headers of cost in English, which tell the number format (decimal point) when the data does not. */
export const META_ENGLISH_COST = /^(amount spent|spend)\b/;

/** The Platform column of a placement breakdown (Facebook, Instagram…), in the UI languages read. */
export const META_PLATFORM_HEADERS = ["platform", "plateforme", "plattform", "plataforma", "piattaforma"];

/** Breakdown columns that exist only in exports split by them (their cells are empty on the summary row). */
export const META_EXTRA_DIMENSIONS = [
  "region",
  "dma region",
  ...META_PLATFORM_HEADERS,
  "device platform",
  "impression device",
  "région",
  "región",
  "região",
  "regione",
  "wilayah",
];

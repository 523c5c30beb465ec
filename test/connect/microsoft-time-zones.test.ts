// Every account time zone Microsoft Advertising documents (guides/time-zones.md, and the spellings
// of its Scripts mapping) is read as an IANA zone, the same one a report's "Time Zone:" line gives.
import assert from "node:assert/strict";
import { test } from "node:test";
import { microsoftTimeZone } from "../../src/connect/microsoft/time-zones.js";
import { isIanaTimeZone, timeZoneFromLabel } from "../../src/ingest/time-zone.js";

const DOCUMENTED = [
  "AbuDhabiMuscat", "Adelaide", "Alaska", "AlmatyNovosibirsk", "AmsterdamBerlinBernRomeStockholmVienna", "Arizona", "AstanaDhaka",
  "AthensBuckarestIstanbul", "AtlanticTimeCanada", "AucklandWellington", "Azores", "Baghdad", "BakuTbilisiYerevan", "BangkokHanoiJakarta",
  "BeijingChongqingHongKongUrumqi", "BelgradeBratislavaBudapestLjubljanaPrague", "BogotaLimaQuito", "Brasilia", "Brisbane",
  "BrusselsCopenhagenMadridParis", "Bucharest", "BuenosAiresGeorgetown", "Cairo", "CanberraMelbourneSydney", "CapeVerdeIsland", "CaracasLaPaz",
  "CasablancaMonrovia", "CentralAmerica", "CentralTimeUSCanada", "ChennaiKolkataMumbaiNewDelhi", "ChihuahuaLaPazMazatlan", "Darwin",
  "EasternTimeUSCanada", "Ekaterinburg", "FijiKamchatkaMarshallIsland", "Greenland", "GreenwichMeanTimeDublinEdinburghLisbonLondon",
  "GuadalajaraMexicoCityMonterrey", "GuamPortMoresby", "HararePretoria", "Hawaii", "HelsinkiKyivRigaSofiaTallinnVilnius", "Hobart", "IndianaEast",
  "InternationalDateLineWest", "IrkutskUlaanBataar", "IslandamabadKarachiTashkent", "Jerusalem", "Kabul", "Kathmandu", "Krasnoyarsk",
  "KualaLumpurSingapore", "KuwaitRiyadh", "MidAtlantic", "MidwayIslandAndSamoa", "MoscowStPetersburgVolgograd", "MountainTimeUSCanada", "Nairobi",
  "Newfoundland", "Nukualofa", "OsakaSapporoTokyo", "PacificTimeUSCanadaTijuana", "Perth", "Rangoon", "Santiago", "SarajevoSkopjeWarsawZagreb",
  "Saskatchewan", "Seoul", "SolomonIslandNewCaledonia", "SriJayawardenepura", "Taipei", "Tehran", "Vladivostok", "WestCentralAfrica", "Yakutsk",
  // Spellings of the Scripts mapping page.
  "Almaty_Novosibirsk", "MountainTime_US_Canada", "MidwayIslandand_Samoa", "AthensIslandanbulMinsk", "MagadanSolomonIslandNewCaledonia",
];

test("every documented Microsoft Advertising time zone is an IANA zone, as its report label would give", () => {
  for (const value of DOCUMENTED) {
    const zone = microsoftTimeZone(value);
    assert.ok(zone !== null && isIanaTimeZone(zone), `${value} → ${zone}`);
  }
  assert.equal(microsoftTimeZone("PacificTimeUSCanadaTijuana"), timeZoneFromLabel("(GMT-08:00) Pacific Time (US & Canada); Tijuana"));
  assert.equal(microsoftTimeZone("AmsterdamBerlinBernRomeStockholmVienna"), timeZoneFromLabel("(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"));
  assert.equal(microsoftTimeZone("EasternTimeUSCanada"), "America/New_York");
  assert.equal(microsoftTimeZone("IndianaEast"), "America/Indiana/Indianapolis");
  assert.equal(microsoftTimeZone("NoSuchZone"), null);
  assert.equal(microsoftTimeZone("Utc; DROP"), null);
});

// What a platform connector is. A connector knows one ad platform's API: the credentials it needs,
// how to read an account's currency and time zone, and how to pull daily ad-level delivery over a
// window into spend rows carrying the same source id and entity ids as that platform's export files.
// Everything else (which window, storing, state, retries, deadlines) is shared: app/sync and
// http-client.ts. To add a platform, see docs/sync.md, "Adding a platform".
import type { IsoDate } from "../domain/dates.js";
import type { PlatformReachRow, SpendRow } from "../domain/spend.js";
import type { ApiClient } from "./http-client.js";

/** The platforms `cpi connect add` knows, by the name it takes. */
export const PLATFORM_IDS = ["google-ads", "meta", "microsoft", "linkedin", "tiktok"] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

/**
 * One value a connection holds: a credential or a setting. Its key names it in the connections file
 * and, kebab-cased, as a flag of `cpi connect add` (`refresh_token` → `--refresh-token`, and for a
 * secret also `--refresh-token-env NAME`).
 */
export interface FieldSpec {
  key: string;
  /** What the value is, in the user's words ("OAuth client secret"). */
  label: string;
  /** A secret is never printed, logged or returned; it may live in an environment variable instead of the file. */
  secret: boolean;
  required: boolean;
  /** Used when the connection does not set the value (API base URL, version). */
  default?: string;
  /** Checks a value and returns it normalised, or an error message (which must not quote a secret). */
  check?(value: string): { value: string } | { error: string };
  help: string;
}

/** An ad account as the platform describes it: rows are dated in its zone and priced in its currency. */
export interface AccountInfo {
  /** The id as files of the platform carry it (Google: 10 digits without dashes; Meta: without "act_"). */
  id: string;
  name: string;
  currency: string;
  /** IANA time zone. */
  timezone: string;
  /**
   * Other ids some of the platform's files carry for the same account (Microsoft's account number):
   * a sync replaces rows stored under them too, so an import of such a file is not counted twice.
   */
  aliases?: string[];
}

/** Days to pull, inclusive, in the account's time zone. */
export interface PullWindow {
  from: IsoDate;
  to: IsoDate;
}

/** What a pull returns: daily ad-level rows (campaign-level where the platform has no ads) and reach where reported. */
export interface Pulled {
  rows: SpendRow[];
  reach: PlatformReachRow[];
}

/** What a connector is given for one connection and one sync. */
export interface ConnectorSession {
  /** The connection's name, for messages. */
  connection: string;
  /** The client every call goes through (deadline, retries, call count, redaction). */
  http: ApiClient;
  /** The connection's values by key: credentials resolved (from the file or the environment), settings with defaults applied. */
  values: Readonly<Record<string, string>>;
  /** The command that saves new credentials, for messages ("cpi connect add google-ads --name acme --replace …"). */
  fix: string;
  /** One line of progress (stderr, the server log). */
  progress(message: string): void;
  /** Called when the platform hands back a new refresh token that must replace the stored one. */
  rotated?(key: string, value: string): void;
}

/** A connector's work for one connection: read accounts, pull their rows. */
export interface PlatformSession {
  /** The account's name, currency and time zone: one cheap call (also what `cpi connect test` makes). */
  account(id: string): Promise<AccountInfo>;
  /** Daily rows of every ad of the account over the window (reach rows where the platform reports reach). */
  pull(account: AccountInfo, window: PullWindow): Promise<Pulled>;
}

/** A platform cpi can sync. */
export interface Connector {
  available: true;
  platform: PlatformId;
  /** The source id its rows are stored under: the one its export files get (google-ads, meta, …). */
  source: string;
  label: string;
  /** Days re-pulled before the last synced day on every sync (the platform restates conversions). */
  lookbackDays: number;
  /** What an account id looks like, for --help and messages. */
  accountHelp: string;
  fields: readonly FieldSpec[];
  /** An account id as the platform's files carry it, or null when it is not one. */
  normaliseAccount(id: string): string | null;
  open(session: ConnectorSession): PlatformSession;
}

/** A platform `cpi connect add` knows but cannot sync yet: it says so plainly. */
export interface PlannedConnector {
  available: false;
  platform: PlatformId;
  source: string;
  label: string;
  /** What to do meanwhile. */
  meanwhile: string;
}

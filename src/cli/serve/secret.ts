// The server's secret (signs click targets): `<db>.secret`, 32 random bytes, readable by its owner only.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** The secret file of a store. */
export function secretPath(dbPath: string): string {
  return `${dbPath}.secret`;
}

/** Reads the store's secret, creating it on first use. */
export function loadOrCreateSecret(dbPath: string): Buffer {
  const p = secretPath(dbPath);
  if (existsSync(p)) {
    const hex = readFileSync(p, "utf8").trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, "hex");
    throw new Error(`${p} is not a cpi secret (64 hex digits)`);
  }
  const secret = randomBytes(32);
  writeFileSync(p, `${secret.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}

// `cpi store unlock`: frees the import lock of a ClickHouse store whose holder is gone, after the user
// confirms the holder (by naming its token), so that a lock taken meanwhile by a live importer is never
// freed by mistake.
import { UserError } from "../../domain/errors.js";
import { ClickHouseConnection } from "./connection.js";
import { forceUnlock, type LockHolder, lockHolder } from "./import-lock.js";
import { lockConnection } from "./lock-server.js";
import { type ClickHouseTarget, describeTarget } from "./store-url.js";

export interface UnlockOutcome {
  /** The holder found (null: the lock was free). */
  holder: LockHolder | null;
  /** True when this call freed it. */
  freed: boolean;
  /** Where the lock lives (the lock server of a cluster). */
  server: string;
}

/**
 * Without `confirm`, only says who holds the lock; with `confirm` equal to the holder's token, frees it.
 * @example await unlockClickHouseStore(target, "import_lock_held_0123456789abcdef")
 */
export async function unlockClickHouseStore(target: ClickHouseTarget, confirm: string | null): Promise<UnlockOutcome> {
  const conn = new ClickHouseConnection(target);
  try {
    const lock = await lockConnection(conn);
    try {
      const server = describeTarget(lock.conn.target);
      const holder = await lockHolder(lock.conn);
      if (!holder || confirm === null) return { holder, freed: false, server };
      if (confirm !== holder.table) {
        throw new UserError("lock_changed", `the import lock of ${server} is held by ${holder.table}, not ${confirm}: nothing freed (run 'cpi store unlock' again to see who holds it)`);
      }
      const freed = await forceUnlock(lock.conn, holder.table);
      if (!freed) throw new UserError("lock_changed", `the import lock of ${server} was released or taken over meanwhile: nothing freed`);
      return { holder, freed, server };
    } finally {
      if (lock.own) await lock.conn.close();
    }
  } finally {
    await conn.close();
  }
}

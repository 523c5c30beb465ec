// A UTF-16 report read in parts: its bytes transcoded to UTF-8 as they are read, so that the parts
// are cut and parsed as any UTF-8 file's (parse-parts.ts), and no string holds the whole file. The
// text is what decodeReportText gives for the whole (lone surrogates and an odd last byte as U+FFFD).
import { utf16Decoder } from "../../ingest/decode.js";
import type { ByteSource } from "./parse-parts.js";

/** A ByteSource of UTF-8 bytes whose size is known only at the end: `size` is an upper bound. */
export interface TranscodedSource extends ByteSource {
  /** True when no byte is at or after `position`. */
  ended(position: number): boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * The UTF-8 bytes of the UTF-16 text in `source` after its BOM (`skip` bytes), decoded `chunkBytes`
 * at a time. Reads go forward (a read from before the bytes held starts over from the file's start).
 * @example utf8FromUtf16(source, "le", 2, 16 << 20).read(0, 1024)
 */
export function utf8FromUtf16(source: ByteSource, order: "le" | "be", skip: number, chunkBytes: number): TranscodedSource {
  const step = Math.max(2, chunkBytes & ~1); // even pieces: a code unit is never cut
  let rawAt = skip;
  let decoder = utf16Decoder(order);
  /** UTF-8 bytes from position `heldFrom` on, decoded and not yet read past. */
  let held = EMPTY;
  let heldFrom = 0;
  let rawEnded = false;
  const restart = () => {
    rawAt = skip;
    decoder = utf16Decoder(order);
    held = EMPTY;
    heldFrom = 0;
    rawEnded = false;
  };
  /** Decodes until the bytes up to `until` are held, or the file has ended. */
  const fill = (until: number) => {
    while (!rawEnded && heldFrom + held.length < until) {
      const raw = source.read(rawAt, Math.min(step, source.size - rawAt));
      rawAt += raw.length;
      rawEnded = raw.length === 0 || rawAt >= source.size;
      const text = decoder.write(raw) + (rawEnded ? decoder.end() : "");
      const bytes = Buffer.from(text, "utf8");
      if (held.length === 0) held = bytes;
      else {
        const joined = new Uint8Array(held.length + bytes.length);
        joined.set(held);
        joined.set(bytes, held.length);
        held = joined;
      }
    }
  };
  return {
    // At most 3 UTF-8 bytes per 2 bytes of UTF-16 (4 per surrogate pair, itself 4 bytes).
    size: Math.ceil(((source.size - skip) * 3) / 2),
    read(position: number, length: number): Uint8Array {
      if (position < heldFrom) restart();
      fill(position);
      held = held.subarray(Math.min(held.length, position - heldFrom));
      heldFrom = position;
      fill(position + length);
      return held.slice(0, length);
    },
    ended(position: number): boolean {
      if (position < heldFrom) return false;
      fill(position + 1);
      return position >= heldFrom + held.length;
    },
  };
}

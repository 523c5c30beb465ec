// A ZIP archive read in place, entry by entry, never whole: its central directory from the end, then
// an entry's bytes inflated a slice at a time (fflate's streaming Inflate) and decoded as UTF-8 text
// chunks, checked against the entry's size and CRC-32 at its end. An XLSX workbook is such an archive
// (ECMA-376 part 2); its largest part, a sheet, can be hundreds of MB of XML.
import { Inflate } from "fflate";
import { UserError } from "../domain/errors.js";

/** A file read at positions: its size, and its bytes from a position (fewer only at its end). */
export interface RandomAccess {
  size: number;
  read(position: number, length: number): Uint8Array;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Where its local header starts. */
  offset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Longest central directory read (an XLSX has a few dozen entries; each takes ~80 bytes). */
const MAX_DIRECTORY = 64 * 1024 * 1024;
/** Compressed bytes pushed at a time: deflate inflates at most ~1032×, so an output stays bounded. */
const SLICE = 16 * 1024;

const bad = (why: string) => new UserError("bad_xlsx", `the file looks like an XLSX workbook but cannot be unzipped (${why})`);

function u16(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}
function u32(b: Uint8Array, at: number): number {
  return ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 24)) >>> 0;
}
function u64(b: Uint8Array, at: number): number {
  return u32(b, at) + u32(b, at + 4) * 2 ** 32;
}

/**
 * The entries of a ZIP archive, by name, from its central directory (ZIP64 included). A UserError
 * when there is none (a truncated file) or it is damaged.
 * @example zipEntries({ size: bytes.length, read: (p, n) => bytes.subarray(p, p + n) }).get("xl/workbook.xml")?.size
 */
export function zipEntries(file: RandomAccess): Map<string, ZipEntry> {
  const tailLength = Math.min(file.size, 22 + 0xffff);
  const tail = file.read(file.size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw bad("no end of central directory: is the file complete, or was it cut short?");
  let count = u16(tail, at + 10);
  let dirSize = u32(tail, at + 12);
  let dirOffset = u32(tail, at + 16);
  if ((count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) && at >= 20 && u32(tail, at - 20) === ZIP64_LOCATOR) {
    const record = file.read(u64(tail, at - 20 + 8), 56);
    if (u32(record, 0) !== ZIP64_EOCD) throw bad("a damaged ZIP64 directory");
    count = u64(record, 32);
    dirSize = u64(record, 40);
    dirOffset = u64(record, 48);
  }
  if (dirSize > MAX_DIRECTORY || dirOffset + dirSize > file.size) throw bad("its central directory lies past the end of the file: was it cut short?");
  const dir = file.read(dirOffset, dirSize);
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder("utf-8");
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || u32(dir, p) !== CENTRAL) throw bad("a damaged central directory");
    const nameLength = u16(dir, p + 28);
    const extraLength = u16(dir, p + 30);
    const commentLength = u16(dir, p + 32);
    const entry: ZipEntry = {
      name: names.decode(dir.subarray(p + 46, p + 46 + nameLength)),
      method: u16(dir, p + 10),
      crc: u32(dir, p + 16),
      compressedSize: u32(dir, p + 20),
      size: u32(dir, p + 24),
      offset: u32(dir, p + 42),
    };
    // ZIP64: the sizes and offset that do not fit 32 bits are in the extra field 0x0001, in this order.
    for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength; x += 4 + u16(dir, x + 2)) {
      if (u16(dir, x) !== 1) continue;
      let y = x + 4;
      if (entry.size === 0xffffffff) {
        entry.size = u64(dir, y);
        y += 8;
      }
      if (entry.compressedSize === 0xffffffff) {
        entry.compressedSize = u64(dir, y);
        y += 8;
      }
      if (entry.offset === 0xffffffff) entry.offset = u64(dir, y);
    }
    entries.set(entry.name, entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

let crcTable: Int32Array | null = null;

/** CRC-32 (ZIP's) of `bytes`, continuing from `crc`. */
function crc32(crc: number, bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  const t = crcTable;
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * An entry's text, in chunks of about `chunkBytes` bytes (UTF-8 decoded; a character is never cut):
 * call `next()` until it gives null. The compressed bytes are read `chunkBytes` at a time. A
 * UserError when the entry is damaged or cut short, or inflates past its stated size.
 * @example const t = entryText(file, entries.get("xl/workbook.xml")!, 1 << 20); t.next() // "<?xml …"
 */
export function entryText(file: RandomAccess, entry: ZipEntry, chunkBytes: number): { next(): string | null; inflated(): number } {
  const local = file.read(entry.offset, 30);
  if (local.length < 30 || u32(local, 0) !== LOCAL) throw bad(`${entry.name} is not where the directory says`);
  const start = entry.offset + 30 + u16(local, 26) + u16(local, 28);
  if (entry.method !== 0 && entry.method !== 8) throw bad(`${entry.name} is compressed with method ${entry.method}, not deflate`);
  if (start + entry.compressedSize > file.size) throw bad(`${entry.name} runs past the end of the file: was it cut short?`);
  const decoder = new TextDecoder("utf-8");
  let out: Uint8Array[] = [];
  let outBytes = 0;
  let total = 0;
  let crc = 0;
  const take = (data: Uint8Array) => {
    total += data.length;
    if (total > entry.size) throw bad(`${entry.name} inflates past its stated ${entry.size} bytes`);
    crc = crc32(crc, data);
    out.push(data);
    outBytes += data.length;
  };
  const inflate = entry.method === 8 ? new Inflate((data) => take(data)) : null;
  const slice = Math.max(256, Math.min(SLICE, chunkBytes >> 4));
  let readTo = 0;
  let compressed: Uint8Array = new Uint8Array(0);
  let used = 0;
  let done = false;
  return {
    inflated: () => total,
    next(): string | null {
      if (done) return null;
      // Inflate a slice at a time until a chunk's worth is out: the output of a whole read could be
      // many times the chunk (sheet XML compresses 10-20×).
      while (outBytes < chunkBytes) {
        if (used === compressed.length) {
          if (readTo >= entry.compressedSize) break;
          compressed = file.read(start + readTo, Math.min(chunkBytes, entry.compressedSize - readTo));
          if (compressed.length === 0) throw bad(`${entry.name} runs past the end of the file: was it cut short?`);
          readTo += compressed.length;
          used = 0;
        }
        const end = inflate ? Math.min(compressed.length, used + slice) : compressed.length;
        try {
          if (inflate) inflate.push(compressed.subarray(used, end), readTo >= entry.compressedSize && end === compressed.length);
          else take(compressed.subarray(used, end));
        } catch (e) {
          if (e instanceof UserError) throw e;
          throw bad(`${entry.name} is damaged: ${(e as Error).message}`);
        }
        used = end;
      }
      const ended = readTo >= entry.compressedSize && used === compressed.length;
      if (ended) {
        done = true;
        if (total !== entry.size) throw bad(`${entry.name} inflates to ${total} bytes, not its stated ${entry.size}: was it cut short?`);
        if (crc !== entry.crc) throw bad(`${entry.name} is damaged (its CRC-32 does not match)`);
      }
      let text = "";
      for (const data of out) text += decoder.decode(data, { stream: true });
      if (ended) text += decoder.decode();
      out = [];
      outBytes = 0;
      return text;
    },
  };
}

import iconv from "iconv-lite";

/** How the bytes of a text report were decoded. */
export type TextEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "windows-1252";

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-16LE bytes as text, as TextDecoder("utf-16le") reads them (a lone surrogate or an odd last
 * byte becomes U+FFFD), three times faster: Node's Buffer copies the code units as they are, and
 * only text that is not well formed is mended.
 */
function decodeUtf16le(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf16le");
  const whole = text.isWellFormed() ? text : text.toWellFormed();
  return bytes.length % 2 === 1 ? `${whole}\ufffd` : whole;
}

/** Lone surrogates as U+FFFD (as in UTF-16LE text: a string stored must be valid Unicode). */
const wellFormed = (s: string) => (s.isWellFormed() ? s : s.toWellFormed());

/** True when the bytes start like a ZIP archive (an .xlsx workbook). @example isZipArchive(new Uint8Array([0x50, 0x4b, 3, 4])) // true */
export function isZipArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

/**
 * Decodes a text report: a BOM picks UTF-8, UTF-16LE or UTF-16BE; without one, UTF-16 is recognised
 * by its zero bytes, valid UTF-8 is read as UTF-8 and anything else as Windows-1252 (Excel's "ANSI").
 * @example decodeReportText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // { text: "a", encoding: "utf-8-bom" }
 */
export function decodeReportText(bytes: Uint8Array, ansi = false): DecodedText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) {
    return {
      text: (ansi ? decodeAnsi(bytes.subarray(3)) : decodeUtf8OrAnsi(bytes.subarray(3))).text,
      encoding: "utf-8-bom",
    };
  }
  // A part of a large file whose earlier part was not UTF-8: the whole file is read as Windows-1252.
  if (ansi) return decodeAnsi(bytes);
  if (b0 === 0xff && b1 === 0xfe) return { text: decodeUtf16le(bytes.subarray(2)), encoding: "utf-16le" };
  if (b0 === 0xfe && b1 === 0xff) return { text: wellFormed(iconv.decode(bytes.subarray(2), "utf-16be")), encoding: "utf-16be" };
  const guess = guessBomlessUtf16(bytes);
  if (guess === "le") return { text: decodeUtf16le(bytes), encoding: "utf-16le" };
  if (guess === "be") return { text: wellFormed(iconv.decode(bytes, "utf-16be")), encoding: "utf-16be" };
  return decodeUtf8OrAnsi(bytes);
}

function decodeUtf8OrAnsi(bytes: Uint8Array): DecodedText {
  try {
    return { text: strictUtf8.decode(bytes), encoding: "utf-8" };
  } catch {
    return decodeAnsi(bytes);
  }
}

function decodeAnsi(bytes: Uint8Array): DecodedText {
  return { text: iconv.decode(bytes, "windows-1252"), encoding: "windows-1252" };
}

/**
 * How a text report's bytes decode (the BOMs and guesses of decodeReportText), and whether the text
 * is ASCII only; null for UTF-16 and XLSX, which are read whole.
 * @example textEncodingOf(new TextEncoder().encode("a,b\n")) // { encoding: "utf-8", ascii: true }
 */
export function textEncodingOf(bytes: Uint8Array): { encoding: "utf-8" | "windows-1252"; ascii: boolean } | null {
  if (isZipArchive(bytes)) return null;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (!bom && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || guessBomlessUtf16(bytes) !== null)) return null;
  try {
    const text = strictUtf8.decode(bom ? bytes.subarray(3) : bytes);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: any character past ASCII
    return { encoding: "utf-8", ascii: !/[^\u0000-\u007f]/.test(text) };
  } catch {
    return { encoding: "windows-1252", ascii: false };
  }
}

/** UTF-16 text of mostly ASCII characters has a zero in every other byte. */
function guessBomlessUtf16(bytes: Uint8Array): "le" | "be" | null {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.1) return "le";
  if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.1) return "be";
  return null;
}

/**
 * How a text report is UTF-16, as decodeReportText tells it (a BOM, else zero bytes): its byte order
 * and the BOM's length; null when it is not UTF-16 (or is an XLSX workbook, or UTF-8 with a BOM).
 * @example utf16Layout(new Uint8Array([0xff, 0xfe, 0x61, 0])) // { order: "le", bom: 2 }
 */
export function utf16Layout(bytes: Uint8Array): { order: "le" | "be"; bom: 0 | 2 } | null {
  const [b0, b1] = bytes;
  if (isZipArchive(bytes) || (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf)) return null;
  if (b0 === 0xff && b1 === 0xfe) return { order: "le", bom: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { order: "be", bom: 2 };
  const guess = guessBomlessUtf16(bytes);
  return guess ? { order: guess, bom: 0 } : null;
}

/**
 * A decoder of UTF-16 text fed in pieces of an even length (the last one may be odd), cut anywhere
 * else (between the halves of a surrogate pair), that gives the text decodeReportText gives for the whole.
 * @example const d = utf16Decoder("le"); d.write(new Uint8Array([0x61])) + d.write(new Uint8Array([0])) + d.end() // "a"
 */
export function utf16Decoder(order: "le" | "be"): { write(bytes: Uint8Array): string; end(): string } {
  // UTF-16LE as decodeUtf16le reads it: as TextDecoder does (which holds a cut pair's first half).
  if (order === "le") {
    const d = new TextDecoder("utf-16le");
    return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
  }
  const be = iconv.getDecoder("utf-16be");
  // A high surrogate at a piece's end waits for the next piece: what is lone here is lone in the whole.
  let high = "";
  return {
    write: (b) => {
      const all = high + be.write(Buffer.from(b.buffer, b.byteOffset, b.length));
      const last = all.charCodeAt(all.length - 1);
      high = last >= 0xd800 && last <= 0xdbff ? all.slice(-1) : "";
      return wellFormed(high ? all.slice(0, -1) : all);
    },
    end: () => {
      const text = wellFormed(high + (be.end() ?? ""));
      high = "";
      return text;
    },
  };
}

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

/** True when the bytes start like a ZIP archive (an .xlsx workbook). @example isZipArchive(new Uint8Array([0x50, 0x4b, 3, 4])) // true */
export function isZipArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

/**
 * Decodes a text report: a BOM picks UTF-8, UTF-16LE or UTF-16BE; without one, UTF-16 is recognised
 * by its zero bytes, valid UTF-8 is read as UTF-8 and anything else as Windows-1252 (Excel's "ANSI").
 * @example decodeReportText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // { text: "a", encoding: "utf-8-bom" }
 */
export function decodeReportText(bytes: Uint8Array): DecodedText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) {
    return {
      text: decodeUtf8OrAnsi(bytes.subarray(3)).text,
      encoding: "utf-8-bom",
    };
  }
  if (b0 === 0xff && b1 === 0xfe) return { text: decodeUtf16le(bytes.subarray(2)), encoding: "utf-16le" };
  if (b0 === 0xfe && b1 === 0xff)
    return {
      text: iconv.decode(bytes.subarray(2), "utf-16be"),
      encoding: "utf-16be",
    };
  const guess = guessBomlessUtf16(bytes);
  if (guess === "le") return { text: decodeUtf16le(bytes), encoding: "utf-16le" };
  if (guess === "be") return { text: iconv.decode(bytes, "utf-16be"), encoding: "utf-16be" };
  return decodeUtf8OrAnsi(bytes);
}

function decodeUtf8OrAnsi(bytes: Uint8Array): DecodedText {
  try {
    return { text: strictUtf8.decode(bytes), encoding: "utf-8" };
  } catch {
    return {
      text: iconv.decode(bytes, "windows-1252"),
      encoding: "windows-1252",
    };
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

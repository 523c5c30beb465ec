// A large generic CSV export written as a stream (a 5 GB file never held in memory), with the sums of
// what it holds, for the large-file import benchmark and its checks. Distinct days, accounts and
// campaigns; a quoted campaign name with a comma every so often (parts are cut outside quotes).
import { closeSync, openSync, writeSync } from "node:fs";
import { constants, crc32, deflateRawSync } from "node:zlib";

export interface LargeExport {
  rows: number;
  bytes: number;
  /** Sums, cost in micros (exact as bigint). */
  cost: bigint;
  impressions: number;
  clicks: number;
}

const HEADER = "date,source,account,campaign,ad_group,ad,currency,cost,impressions,clicks\n";
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2020, 0, 1);

/** The sums so far, cost in cents (exact as a number: 71M rows of at most 1,000.00 are under 2^53). */
interface Counted extends LargeExport {
  cents: number;
}

/** The next row's number and measures (cost in cents), counted in `out`. */
function nextRow(out: Counted): { i: number; cents: number; imp: number; clk: number } {
  const i = out.rows++;
  const cents = (i * 7919) % 100_000;
  const imp = (i * 31) % 50_000;
  const clk = (i * 17) % 700;
  out.cents += cents;
  out.impressions += imp;
  out.clicks += clk;
  return { i, cents, imp, clk };
}

/** The sums, cost in micros. */
const sums = ({ cents, ...out }: Counted) => ({ ...out, cost: BigInt(cents) * 10_000n });

/** Writes about `bytes` bytes of CSV to `path` (whole lines: a little more). */
export function writeLargeExport(path: string, bytes: number): LargeExport {
  const fd = openSync(path, "w");
  const out: Counted = { rows: 0, bytes: 0, cost: 0n, cents: 0, impressions: 0, clicks: 0 };
  let day = "";
  try {
    out.bytes += writeSync(fd, HEADER);
    while (out.bytes < bytes) {
      let chunk = "";
      for (let k = 0; k < 50_000; k++) {
        const { i, cents: c, imp, clk } = nextRow(out);
        // Each (day, account, campaign, group, ad) once: the day moves every 100k rows over ~27 years.
        if (i % 100_000 === 0) day = new Date(EPOCH + (Math.floor(i / 100_000) % 10_000) * DAY_MS).toISOString().slice(0, 10);
        const campaign = i % 101 === 0 ? `"Campaign ${i % 1000}, quoted"` : `Campaign ${i % 1000}`;
        chunk += `${day},meta,acct-${i % 9},${campaign},Group ${i % 17},Ad ${i % 100_000},USD,${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")},${imp},${clk}\n`;
      }
      out.bytes += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return sums(out);
}

const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * A ZIP archive written entry by entry as a stream: each entry deflated a chunk at a time (zlib, each
 * chunk ending in a sync flush, so the chunks make one deflate stream), its sizes and CRC-32 in a data
 * descriptor after it, then the central directory. Entries under 4 GB (no ZIP64).
 */
function zipWriter(fd: number) {
  let at = 0;
  const directory: Buffer[] = [];
  const write = (b: Uint8Array) => {
    at += writeSync(fd, b);
  };
  let count = 0;
  return {
    get bytes() {
      return at;
    },
    entry(name: string) {
      const nameBytes = Buffer.from(name);
      const offset = at;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 name
      local.writeUInt16LE(8, 8);
      local.writeUInt16LE(nameBytes.length, 26);
      write(local);
      write(nameBytes);
      let crc = 0;
      let size = 0;
      let compressed = 0;
      const push = (bytes: Uint8Array, final: boolean) => {
        crc = crc32(bytes, crc);
        size += bytes.length;
        const out = deflateRawSync(bytes, { level: 1, finishFlush: final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH });
        compressed += out.length;
        write(out);
      };
      return {
        push,
        end() {
          push(new Uint8Array(0), true);
          const descriptor = Buffer.alloc(16);
          descriptor.writeUInt32LE(0x08074b50, 0);
          descriptor.writeUInt32LE(crc, 4);
          descriptor.writeUInt32LE(compressed, 8);
          descriptor.writeUInt32LE(size, 12);
          write(descriptor);
          const central = Buffer.alloc(46);
          central.writeUInt32LE(0x02014b50, 0);
          central.writeUInt16LE(20, 4);
          central.writeUInt16LE(20, 6);
          central.writeUInt16LE(0x0808, 8);
          central.writeUInt16LE(8, 10);
          central.writeUInt32LE(crc, 16);
          central.writeUInt32LE(compressed, 20);
          central.writeUInt32LE(size, 24);
          central.writeUInt16LE(nameBytes.length, 28);
          central.writeUInt32LE(offset, 42);
          directory.push(central, nameBytes);
          count++;
        },
      };
    },
    end() {
      const start = at;
      for (const b of directory) write(b);
      const eocd = Buffer.alloc(22);
      eocd.writeUInt32LE(0x06054b50, 0);
      eocd.writeUInt16LE(count, 8);
      eocd.writeUInt16LE(count, 10);
      eocd.writeUInt32LE(at - start, 12);
      eocd.writeUInt32LE(start, 16);
      write(eocd);
    },
  };
}

/**
 * Writes an XLSX workbook whose sheet holds about `xmlBytes` bytes of XML (as Excel writes it: text in
 * shared strings, dates as date-styled serials, every cell with its reference), deflated as it is
 * written (never whole in memory); the same rows as writeLargeExport, without quoted names.
 */
export function writeLargeWorkbook(path: string, xmlBytes: number): LargeExport & { xmlBytes: number } {
  const fd = openSync(path, "w");
  const out = { rows: 0, bytes: 0, xmlBytes: 0, cost: 0n, cents: 0, impressions: 0, clicks: 0 };
  const zip = zipWriter(fd);
  const part = (name: string, text: string) => {
    const e = zip.entry(name);
    e.push(Buffer.from(text), false);
    e.end();
  };
  const shared = new Map<string, number>();
  const s = (text: string, ref: string) => {
    let i = shared.get(text);
    if (i === undefined) {
      i = shared.size;
      shared.set(text, i);
    }
    return `<c r="${ref}" t="s"><v>${i}</v></c>`;
  };
  try {
    part("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    part(
      "xl/workbook.xml",
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>',
    );
    part(
      "xl/_rels/workbook.xml.rels",
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    );
    part(
      "xl/styles.xml",
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
    );
    const sheet = zip.entry("xl/worksheets/sheet1.xml");
    const push = (text: string) => {
      const bytes = Buffer.from(text);
      out.xmlBytes += bytes.length;
      sheet.push(bytes, false);
    };
    const header = HEADER.trim()
      .split(",")
      .map((h, k) => s(h, `${String.fromCharCode(65 + k)}1`))
      .join("");
    push(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${header}</row>`);
    let serial = 0;
    // Rows are written into a buffer (ASCII) and deflated a buffer at a time: no long strings to collect.
    const buffer = Buffer.alloc(4 * 2 ** 20);
    let used = 0;
    while (out.xmlBytes + used < xmlBytes) {
      const { i, cents: c, imp, clk } = nextRow(out);
      const r = i + 2;
      if (i % 100_000 === 0) serial = 43831 + (Math.floor(i / 100_000) % 10_000); // 2020-01-01 on
      const row = `<row r="${r}"><c r="A${r}" s="1"><v>${serial}</v></c>${s("meta", `B${r}`)}${s(`acct-${i % 9}`, `C${r}`)}${s(`Campaign ${i % 1000} & co`, `D${r}`)}${s(`Group ${i % 17}`, `E${r}`)}${s(`Ad ${i % 100_000}`, `F${r}`)}${s("USD", `G${r}`)}<c r="H${r}"><v>${c / 100}</v></c><c r="I${r}"><v>${imp}</v></c><c r="J${r}"><v>${clk}</v></c></row>`;
      if (used + row.length > buffer.length) {
        out.xmlBytes += used;
        sheet.push(buffer.subarray(0, used), false);
        used = 0;
      }
      used += buffer.write(row, used, "latin1");
    }
    out.xmlBytes += used;
    sheet.push(buffer.subarray(0, used), false);
    push("</sheetData></worksheet>");
    sheet.end();
    part(
      "xl/sharedStrings.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.size}" uniqueCount="${shared.size}">${[...shared.keys()].map((t) => `<si><t>${xmlText(t)}</t></si>`).join("")}</sst>`,
    );
    zip.end();
    out.bytes = zip.bytes;
  } finally {
    closeSync(fd);
  }
  return sums(out);
}

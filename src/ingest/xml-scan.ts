/** A tiny, non-validating XML scanner for the parts of an XLSX workbook (no DOM, no prototypes). */
export interface XmlElement {
  /** The raw attribute text of the start tag. */
  attrs: string;
  /** The raw text between the start and end tags ("" for an empty element). */
  body: string;
}

const cache = new Map<string, RegExp>();

/**
 * Every element named `tag` (any namespace prefix) in `xml`, in order. Elements of the same name must
 * not nest, which holds for the workbook parts cpi reads (sheet, row, c, v, si, xf, numFmt…).
 * @example elements('<row r="1"><c r="A1"><v>2</v></c></row>', "c")[0]?.body // "<v>2</v>"
 */
export function elements(xml: string, tag: string): XmlElement[] {
  let re = cache.get(tag);
  if (!re) {
    re = elementPattern(tag);
    cache.set(tag, re);
  }
  const out: XmlElement[] = [];
  for (const m of xml.matchAll(re)) out.push({ attrs: m[1] ?? "", body: m[2] ?? "" });
  return out;
}

/**
 * The pattern of an element named `tag` (any namespace prefix), global: group 1 its start tag's
 * attribute text, group 2 its body (undefined when empty).
 */
export function elementPattern(tag: string): RegExp {
  return new RegExp(`<(?:[\\w.-]+:)?${tag}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*?)(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${tag}>)`, "g");
}

/** An attribute in a start tag's text, global: group 1 its name, group 2 or 3 its value. */
export const ATTRIBUTE_PATTERN = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The attributes of a start tag as a Map (values still escaped). @example attributes(' r="A1" t="s"').get("t") // "s" */
export function attributes(attrs: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of attrs.matchAll(ATTRIBUTE_PATTERN)) out.set(m[1] as string, m[2] ?? m[3] ?? "");
  return out;
}

/**
 * The text of a string item: its <t> runs joined, phonetic runs (<rPh>) left out, entities decoded.
 * @example textOf("<r><t>a</t></r><r><t xml:space=\"preserve\"> b</t></r>") // "a b"
 */
export function textOf(body: string): string {
  const clean = body.includes("rPh") ? body.replace(/<(?:[\w.-]+:)?rPh\b[\s\S]*?<\/(?:[\w.-]+:)?rPh>/g, "") : body;
  return elements(clean, "t")
    .map((t) => decodeXml(t.body))
    .join("");
}

const NAMED: Record<string, string> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

/** Decodes XML entities and OOXML's _xHHHH_ escapes. @example decodeXml("a &amp; b_x000D_") // "a & b\r" */
export function decodeXml(text: string): string {
  let s = text;
  if (s.includes("&")) {
    s = s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return NAMED[e.toLowerCase()] ?? whole;
    });
  }
  if (s.includes("_x")) s = s.replace(/_x([0-9a-f]{4})_/gi, (_w, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return s;
}

// The app layer words its messages for the CLI ("pass --currency (e.g. --currency USD)", "--where
// 'x' is not DIMENSION=VALUE"): the CLI is where most of them are read. An API caller set no flag, so
// before an error or a warning leaves the API, each `--flag` the endpoint takes as an input field is
// named as that field ("currency=USD", "where='x'"). A flag the endpoint does not take is left as it
// is: it names a CLI command's option, which only the CLI has.

/** An endpoint input field, as a CLI flag's words may name it. */
export interface InputField {
  /** The field's name ("skip_invalid" for --skip-invalid). */
  key: string;
  /** The values of an enumerated field ("day", "visitor" for unit): a word after the flag that is one of them is its value. */
  values: ReadonlySet<string> | null;
}

/** The input fields of an endpoint's JSON Schema, by name. @example inputFieldsOf({ properties: { unit: { enum: ["day"] } } }).get("unit")?.values */
export function inputFieldsOf(schema: { properties?: Record<string, { enum?: unknown[]; items?: { enum?: unknown[] } }> }): Map<string, InputField> {
  const out = new Map<string, InputField>();
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const values = s.enum ?? s.items?.enum;
    out.set(key, { key, values: values ? new Set(values.map(String)) : null });
  }
  return out;
}

/**
 * A quoted text (a cell, a file or campaign name the message quotes: left as it is), or `--flag`
 * (not inside a word) and the token after it: a quoted text, or a run without spaces and punctuation.
 */
const QUOTED_OR_FLAG = /'[^'\n]*'|(?<![\w-])--([a-z][a-z0-9-]*)(?: ('[^']*'|[^\s,;:()]+))?/g;

/** True when the token after a flag is the flag's value, not the next word of the sentence. */
function isValue(token: string, field: InputField): boolean {
  // Quoted text, a number, a date or a code ("USD"), a filter ("currency=USD"), or one of the field's values.
  return /^['"A-Z0-9]/.test(token) || /[=~]/.test(token) || field.values?.has(token) === true;
}

/** The fields a CLI flag may be called by an endpoint, in order of preference. */
const FIELDS_OF_FLAG: Record<string, readonly string[]> = {
  map: ["mapping"],
  by: ["by", "dimensions"],
  where: ["where", "filters"],
};

function fieldOf(flag: string, fields: ReadonlyMap<string, InputField>): InputField | undefined {
  for (const name of FIELDS_OF_FLAG[flag] ?? [flag.replaceAll("-", "_")]) {
    const field = fields.get(name);
    if (field) return field;
  }
  return undefined;
}

/**
 * `message` with the CLI flags that name the endpoint's input fields written as those fields; quoted
 * text (what the user wrote: cells, names) is left as it is.
 * @example inApiWords("pass --currency (e.g. --currency USD)", fields) // "pass currency (e.g. currency=USD)"
 */
export function inApiWords(message: string, fields: ReadonlyMap<string, InputField>): string {
  return message.replace(QUOTED_OR_FLAG, (whole: string, flag: string | undefined, token: string | undefined) => {
    if (flag === undefined) return whole;
    const field = fieldOf(flag, fields);
    if (!field) return whole;
    if (token === undefined) return field.key;
    return isValue(token, field) ? `${field.key}=${token}` : `${field.key} ${token}`;
  });
}

/**
 * `value` with every `message` string and every string in a `warnings` array (the result's own, its
 * files' or channels', a skipped row's, an error's issues) in the endpoint's words. Only plain objects
 * and arrays are looked into, `depth` levels down, and what has nothing to change is returned as it
 * is (not copied).
 * @example warningsInApiWords({ files: [{ warnings: ["pass --period"] }] }, fields)
 */
export function warningsInApiWords(value: unknown, fields: ReadonlyMap<string, InputField>, depth = 5): unknown {
  if (depth < 0 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    if (flatRows(value)) return value;
    let changed = false;
    const out = value.map((v) => {
      const w = warningsInApiWords(v, fields, depth - 1);
      if (w !== v) changed = true;
      return w;
    });
    return changed ? out : value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    const w =
      k === "message" && typeof v === "string"
        ? inApiWords(v, fields)
        : k === "warnings" && Array.isArray(v) && v.some((x) => typeof x === "string" && inApiWords(x, fields) !== x)
          ? v.map((x: unknown) => (typeof x === "string" ? inApiWords(x, fields) : x))
          : warningsInApiWords(v, fields, depth - 1);
    if (w !== v) {
      out ??= { ...(value as Record<string, unknown>) };
      out[k] = w;
    }
  }
  return out ?? value;
}

/**
 * True for an array of plain values or plain rows (a report's): its first element holds neither a
 * message nor anything nested (`warnings` arrays are reworded by their key). Walking 100k report
 * rows cost as much as writing the JSON.
 */
function flatRows(list: readonly unknown[]): boolean {
  const first = list[0];
  if (typeof first !== "object" || first === null) return true;
  if (Array.isArray(first)) return false;
  if ("message" in first || "warnings" in first) return false;
  return Object.values(first).every((v) => typeof v !== "object" || v === null);
}

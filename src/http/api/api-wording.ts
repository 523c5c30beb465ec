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

/** `--flag` and the token after it: a quoted text, or a run without spaces and punctuation. */
const FLAG = /--([a-z][a-z0-9-]*)(?: ('[^']*'|[^\s,;:()]+))?/g;

/** True when the token after a flag is the flag's value, not the next word of the sentence. */
function isValue(token: string, field: InputField): boolean {
  // Quoted text, a number, a date or a code ("USD"), a filter ("currency=USD"), or one of the field's values.
  return /^['"A-Z0-9]/.test(token) || /[=~]/.test(token) || field.values?.has(token) === true;
}

/**
 * `message` with the CLI flags that name the endpoint's input fields written as those fields.
 * @example inApiWords("pass --currency (e.g. --currency USD)", fields) // "pass currency (e.g. currency=USD)"
 */
export function inApiWords(message: string, fields: ReadonlyMap<string, InputField>): string {
  return message.replace(FLAG, (whole: string, flag: string, token: string | undefined) => {
    const field = fields.get(flag.replaceAll("-", "_"));
    if (!field) return whole;
    if (token === undefined) return field.key;
    return isValue(token, field) ? `${field.key}=${token}` : `${field.key} ${token}`;
  });
}

// A small JSON parser that also remembers where each value starts, so a hand-edited config file gets
// errors like "cpi.alerts.json:14:17 rules[2].metric: …" instead of a bare field path.
import { UserError } from "../../domain/errors.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Line and column (1-based) of a value in the text. */
export interface TextPosition {
  line: number;
  column: number;
}

export interface PositionedJson {
  value: JsonValue;
  /** Where the value at each path starts: "" is the root, then "rules", "rules[2]", "rules[2].metric". */
  positions: Map<string, TextPosition>;
}

/**
 * Parses JSON text and records where every value starts; a syntax error is a UserError naming
 * `file:line:column`.
 * @example parseJsonWithPositions('{"a": [1]}', "x.json").positions.get("a[0]") // { line: 1, column: 8 }
 */
export function parseJsonWithPositions(text: string, file: string): PositionedJson {
  const positions = new Map<string, TextPosition>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const where = (at: number): TextPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (lineStarts[lo] as number) + 1 };
  };
  const fail = (message: string, at = i): never => {
    const p = where(at);
    throw new UserError("bad_config", `${file}:${p.line}:${p.column}: ${message}`, { file, ...p });
  };
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i] as string)) i++;
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) fail(i >= text.length ? `unexpected end of the file, expected '${ch}'` : `expected '${ch}', found '${text[i]}'`);
    i++;
  };

  const parseString = (): string => {
    expect('"');
    let out = "";
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\n") fail("line break inside a string");
      if (c === "\\") {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail(`bad escape '\\${e ?? ""}' in a string`);
      } else {
        out += c;
        i++;
      }
    }
  };

  const parseValue = (path: string): JsonValue => {
    ws();
    positions.set(path, where(i));
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: { [key: string]: JsonValue } = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === "}" ? "trailing comma before '}'" : "expected a quoted key");
        const keyAt = i;
        const key = parseString();
        if (Object.hasOwn(obj, key)) fail(`the key "${key}" appears twice`, keyAt);
        ws();
        expect(":");
        obj[key] = parseValue(path ? `${path}.${key}` : key);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("}");
        return obj;
      }
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        ws();
        if (text[i] === "]") fail("trailing comma before ']'");
        arr.push(parseValue(`${path}[${arr.length}]`));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("]");
        return arr;
      }
    }
    if (c === '"') return parseString();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(i >= text.length ? "unexpected end of the file" : `unexpected '${c}'`);
  };

  const value = parseValue("");
  ws();
  if (i < text.length) fail(`unexpected '${text[i]}' after the end of the document`);
  return { value, positions };
}

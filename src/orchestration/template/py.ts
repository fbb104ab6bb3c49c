// Python-compatible renderings and comparisons: Heat's messages and results are
// produced by Python (str(), repr(), json.dumps, ==, in), and clients see them.
import type { Json } from './functions/types.js';

/** Python str() of a JSON-like value. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

/** Python repr() of a JSON-like value. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyReprString(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${pyReprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's type(x) as rendered in messages ("<class 'str'>"). */
export function pyType(v: unknown): string {
  return `<class '${pyTypeName(v)}'>`;
}

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** json.dumps(v[, sort_keys]) with Python's default separators. */
export function pyJsonDumps(v: Json, sortKeys = false): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyJsonDumps(x, sortKeys)).join(', ')}]`;
  let keys = Object.keys(v);
  if (sortKeys) keys = keys.sort();
  return `{${keys.map((k) => `${pyJsonDumps(k)}: ${pyJsonDumps(v[k] ?? null, sortKeys)}`).join(', ')}}`;
}

/** Python ==: True == 1, 1 == 1.0, deep for lists and dicts. */
export function pyEquals(a: unknown, b: unknown): boolean {
  const num = (x: unknown): number | undefined =>
    typeof x === 'number' ? x : typeof x === 'boolean' ? Number(x) : undefined;
  const na = num(a);
  const nb = num(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  const ka = Object.keys(a);
  const mb = b as Record<string, unknown>;
  return ka.length === Object.keys(mb).length && ka.every((k) => k in mb && pyEquals((a as Record<string, unknown>)[k], mb[k]));
}

/** Python `x in seq` for a list (==) or a string (substring). */
export function pyIn(x: unknown, seq: readonly unknown[] | string): boolean {
  if (typeof seq === 'string') {
    if (typeof x !== 'string') throw new TypeError("'in <string>' requires string as left operand");
    return seq.includes(x);
  }
  return seq.some((y) => pyEquals(x, y));
}

/** Python float(s) for strings; throws Python's message when it cannot. */
export function pyFloat(s: string): number {
  const t = s.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(t);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  throw new Error(`could not convert string to float: ${pyRepr(s)}`);
}

/** Heat's Schema.str_to_num: int() first, then float(). */
export function strToNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v !== 'string') {
    throw new TypeError(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`);
  }
  const t = v.trim();
  if (/^[-+]?\d+(_\d+)*$/.test(t)) return Number(t.replace(/_/g, ''));
  return pyFloat(v);
}

/** Python floor-modulo (the sign follows the divisor). */
export function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no'];

/** oslo_utils.strutils.bool_from_string(value, strict=True). */
export function boolFromString(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  const s = pyStr(v);
  const lowered = s.trim().toLowerCase();
  if (TRUE_STRINGS.includes(lowered)) return true;
  if (FALSE_STRINGS.includes(lowered)) return false;
  const acceptable = [...TRUE_STRINGS, ...FALSE_STRINGS].sort().map((x) => `'${x}'`).join(', ');
  throw new Error(`Unrecognized value '${s}', acceptable values are: ${acceptable}`);
}

const UNRESERVED = /[A-Za-z0-9_.\-~]/;

/** urllib.parse.quote(s, safe): percent-encode UTF-8 bytes except unreserved and safe. */
export function pyQuote(s: string, safe = '/', plus = false): string {
  let out = '';
  for (const ch of s) {
    if (UNRESERVED.test(ch) || safe.includes(ch)) out += ch;
    else if (plus && ch === ' ') out += '+';
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Python truthiness of a JSON-like value. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Python int(x) for an index argument; undefined when Python would raise ValueError. */
export function pyInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(v)) return Number(v.trim().replace(/_/g, ''));
  return undefined;
}

/** Python seq[i] with negative indexes; undefined when out of range. */
export function pyIndex<T>(seq: readonly T[], i: number): T | undefined {
  const j = i < 0 ? seq.length + i : i;
  return j >= 0 && j < seq.length ? seq[j] : undefined;
}

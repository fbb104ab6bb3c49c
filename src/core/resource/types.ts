// Attribute types: each is a value carrying its check (returns a message, never throws), its
// conversion, how it is stored (portable columns: booleans 0/1, JSON as text) and how a list
// filter's query-string value becomes a stored value. A typo in a type is a compile error.

export interface AttrType<T = unknown> {
  /** Name used in generated docs. */
  readonly name: string;
  /** Undefined when `value` is acceptable, else the reason it is not. */
  check(value: unknown): string | undefined;
  /** Normalises a checked value (e.g. lower-cases a MAC). */
  convert?(value: unknown): T;
  toDb?(value: T): unknown;
  fromDb?(value: unknown): T;
  /** A filter's query-string value → the value as stored; undefined means "matches nothing". */
  fromQuery?(value: string): unknown;
  /** A failed check of this value is a failed conversion (Neutron words those differently from a failed validation). */
  readonly converts?: boolean | ((value: unknown) => boolean);
}

const describe = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

export function str(opts: { min?: number; max?: number; pattern?: RegExp } = {}): AttrType<string> {
  const { min = 0, max = 255, pattern } = opts;
  return {
    name: `string(${max})`,
    check(v) {
      if (typeof v !== 'string') return `${describe(v)} is not a valid string`;
      if (v.length > max) return `${describe(v)} exceeds maximum length of ${max}`;
      if (v.length < min) return `${describe(v)} is too short, minimum length is ${min}`;
      if (pattern && !pattern.test(v)) return `${describe(v)} does not match ${pattern.source}`;
      return undefined;
    },
  };
}

export const bool: AttrType<boolean> = {
  name: 'boolean',
  converts: true,
  check(v) {
    if (typeof v === 'boolean') return undefined;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return undefined;
    return `${describe(v)} cannot be converted to boolean`;
  },
  convert: (v) => (typeof v === 'string' ? v.toLowerCase() === 'true' : Boolean(v)),
  toDb: (v) => (v ? 1 : 0),
  fromDb: (v) => v === 1 || v === true,
  fromQuery: (s) => (/^(true|1)$/i.test(s) ? 1 : /^(false|0)$/i.test(s) ? 0 : undefined),
};

/** A JSON boolean only: Keystone's schemas refuse `"True"` where Neutron converts it. */
export const strictBool: AttrType<boolean> = {
  ...bool,
  converts: false,
  check: (v) => (typeof v === 'boolean' ? undefined : `${describe(v)} is not of type 'boolean'`),
};

export function int(opts: { min?: number; max?: number } = {}): AttrType<number> {
  const { min = -(2 ** 31), max = 2 ** 31 - 1 } = opts;
  return {
    name: 'integer',
    converts: true,
    check(v) {
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) return `${describe(v)} is not an integer`;
      if (n < min) return `${describe(v)} is too small - must be at least '${min}'`;
      if (n > max) return `${describe(v)} is too large - must be no larger than '${max}'`;
      return undefined;
    },
    convert: (v) => Number(v),
    // A value outside the range matches nothing (and never reaches SQL, which may not hold it).
    fromQuery: (s) => (/^-?\d+$/.test(s) && Number(s) >= min && Number(s) <= max ? Number(s) : undefined),
  };
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export const uuid: AttrType<string> = {
  name: 'uuid',
  check: (v) => (typeof v === 'string' && UUID.test(v) ? undefined : `${describe(v)} is not a valid UUID`),
  convert: (v) => String(v).toLowerCase(),
};

/** Any JSON value kept as text (dicts such as `options`, `binding:profile`). */
export function json<T = unknown>(name = 'object', check?: (v: unknown) => string | undefined): AttrType<T> {
  return {
    name,
    check: check ?? ((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : `${describe(v)} is not a dictionary`)),
    toDb: (v) => JSON.stringify(v),
    fromDb: (v) => (typeof v === 'string' ? JSON.parse(v) : v) as T,
  };
}

/** A JSON array whose items each pass `item`. */
export function listOf<T>(item: AttrType<T>, opts: { unique?: boolean } = {}): AttrType<T[]> {
  return {
    name: `list(${item.name})`,
    // A list that is no list failed validation; an item that failed conversion, conversion.
    converts: item.converts ? (v) => Array.isArray(v) : undefined,
    check(v) {
      if (!Array.isArray(v)) return `${describe(v)} is not a list`;
      for (const x of v) {
        const m = item.check(x);
        if (m) return m;
      }
      if (opts.unique && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) return `Duplicate items in the list: ${describe(v)}`;
      return undefined;
    },
    convert: (v) => (v as unknown[]).map((x) => (item.convert ? item.convert(x) : x) as T),
    toDb: (v) => JSON.stringify(v),
    fromDb: (v) => (typeof v === 'string' ? JSON.parse(v) : v) as T[],
  };
}

export function oneOf<T extends string>(...values: T[]): AttrType<T> {
  return {
    name: `one of ${values.join(', ')}`,
    check: (v) => (values.includes(v as T) ? undefined : `${describe(v)} is not in ${JSON.stringify(values)}`),
  };
}

/** `inner`, or null. */
export function nullable<T>(inner: AttrType<T>): AttrType<T | null> {
  return {
    name: `${inner.name} or null`,
    check: (v) => (v === null ? undefined : inner.check(v)),
    convert: (v) => (v === null ? null : inner.convert ? inner.convert(v) : (v as T)),
    toDb: (v) => (v === null ? null : inner.toDb ? inner.toDb(v) : v),
    fromDb: (v) => (v === null || v === undefined ? null : inner.fromDb ? inner.fromDb(v) : (v as T)),
    fromQuery: inner.fromQuery,
  };
}

/** A list where null means the empty list (Neutron's convert_none_to_empty_list). */
export function noneAsEmpty<T>(inner: AttrType<T[]>): AttrType<T[]> {
  return {
    ...inner,
    check: (v) => (v === null ? undefined : inner.check(v)),
    convert: (v) => (v === null ? [] : inner.convert ? inner.convert(v) : (v as T[])),
  };
}

/** An ISO-8601 timestamp, stored as UTC ISO text. */
export const timestamp: AttrType<string> = {
  name: 'datetime',
  check: (v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : `${describe(v)} is not a valid datetime`),
  convert: (v) => new Date(Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${String(v)}Z`)).toISOString(),
};

/** An ISO-8601 timestamp kept to the microsecond (`…T08:13:53.235716Z`), as Keystone echoes it. */
export const microTimestamp: AttrType<string> = {
  name: 'datetime',
  check: timestamp.check,
  convert(v) {
    const base = timestamp.convert!(v).slice(0, 19);
    const fraction = (/T[\d:]+\.(\d+)/.exec(String(v))?.[1] ?? '').padEnd(6, '0').slice(0, 6);
    return `${base}.${fraction}Z`;
  },
};

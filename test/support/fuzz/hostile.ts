// Hostile inputs: JSON values of the wrong type or out of range, strings that break naive code
// (overlong, NUL, lone surrogates, SQL and path tricks), prototype keys, deep nesting; raw bodies
// JSON.parse refuses or reads oddly; odd path segments and query values. The type-directed ones
// start from an attribute type of a resource definition, so a new attribute is covered unasked.
import type { AttrType } from '../../../src/core/resource/index.js';
import type { Prng } from './prng.js';

const UUID_NOWHERE = '22222222-2222-4222-8222-222222222222';

/** Strings no attribute should take as they are, or that test the checks' edges. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', 'a'.repeat(256), 'x'.repeat(70_000), 'nul\u0000byte', '\u0000', 'lone\ud800surrogate', '\udfff',
  '☃ snow ☃', '🦄'.repeat(64), 'RTL\u202eevil', "'; drop table ports; --", '../../etc/passwd', '%00', '${jndi:x}',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'null', 'true', 'NaN', 'Infinity', '-1', '1e999',
  '99999999999999999999999', '0x10', ' 42 ', '2001:db8::/129', '10.0.0.0/33', '300.1.1.1', 'fe:fe:fe:fe:fe', UUID_NOWHERE,
  `${UUID_NOWHERE}\u0000`, UUID_NOWHERE.toUpperCase().replace(/-/g, ''), 'latest', '2.999', '-', 'a,b', 'a=b', '\n\r\t',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  -1, 0, 1.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 4294967296, 65536, 4095, 4096,
];

/** A nested JSON value `depth` levels deep (arrays or objects). */
export function deep(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/** Same, as text (for depths JSON.stringify itself could not produce). */
export function deepText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** An object whose own keys include prototype names (JSON.parse makes `__proto__` an own key). */
export function protoObject(inner: unknown = { polluted: true, admin: true }): string {
  return `{"__proto__": ${JSON.stringify(inner)}, "constructor": {"prototype": ${JSON.stringify(inner)}}, "toString": 1, "hasOwnProperty": "x"}`;
}

/** Any JSON value of any type, hostile where it can be. */
export function hostileValue(r: Prng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0: return r.pick(HOSTILE_STRINGS);
    case 1: return r.pick(HOSTILE_NUMBERS);
    case 2: return r.pick([null, true, false]);
    case 3: return r.pick([[], {}, [null], [''], [{}]]);
    case 4: return r.pick(HOSTILE_STRINGS).slice(0, 40);
    case 5: return Array.from({ length: r.int(4) + 1 }, () => hostileValue(r, depth + 1));
    case 6: return Object.fromEntries(Array.from({ length: r.int(3) + 1 }, () => [r.pick(['a', 'id', 'name', 'key', 'value', '', '__proto__']), hostileValue(r, depth + 1)]));
    default: return deep(r.pick([40, 200, 1000]), r.pick(['array', 'object']));
  }
}

/**
 * Values aimed at one attribute type: its own edges first (lengths, ranges, formats), then any
 * other type. `sample` is a value the attribute really had, when one is known.
 */
export function valueFor(r: Prng, type: AttrType, sample?: unknown): unknown {
  if (r.chance(0.35)) return hostileValue(r);
  const name = type.name;
  if (name === 'integer') return r.pick<unknown>([...HOSTILE_NUMBERS, '12abc', '99999999999999999999', '-0', '1.0', true]);
  if (name === 'boolean') return r.pick<unknown>(['yes', 'TRUE ', 1, 0, 'on', null, []]);
  if (name === 'uuid') return r.pick<unknown>([UUID_NOWHERE, `${UUID_NOWHERE}x`, 'not-a-uuid', 42, '\u0000', UUID_NOWHERE.replace(/-/g, '')]);
  const max = /^string\((\d+)\)$/.exec(name);
  if (max) return r.pick<unknown>(['a'.repeat(Number(max[1]) + 1), 'é'.repeat(Number(max[1])), '\u0000', ...HOSTILE_STRINGS.slice(0, 12)]);
  if (name.startsWith('list(')) {
    const item = sample && Array.isArray(sample) && sample.length ? sample[0] : 'x';
    return r.pick<unknown>([[item, item], Array.from({ length: 5000 }, () => item), [hostileValue(r)], [deep(100, 'array')], 'not a list', [[[[]]]]]);
  }
  if (name.startsWith('one of ')) return r.pick<unknown>(['', 'BOGUS', name.slice(7).split(', ')[0]!.toLowerCase(), ['x']]);
  if (name.endsWith('or null')) return r.pick<unknown>([{}, [], 'x'.repeat(300)]);
  // Structured types (object, cidr, ip, mac, fixed ips, …): reuse the sample's shape with hostile leaves.
  if (sample !== undefined && sample !== null && typeof sample === 'object') return mutateLeaves(r, sample);
  if (typeof sample === 'string') return r.pick([`${sample}x`, sample.slice(0, -1), `${sample}\u0000`, sample.toUpperCase(), ` ${sample}`]);
  return hostileValue(r);
}

/** `v` with one leaf (or one key) replaced by a hostile value. */
export function mutateLeaves(r: Prng, v: unknown): unknown {
  if (Array.isArray(v)) {
    if (!v.length || r.chance(0.2)) return [...v, hostileValue(r)];
    const i = r.int(v.length);
    return v.map((x, j) => (j === i ? mutateLeaves(r, x) : x));
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (!keys.length || r.chance(0.2)) return { ...(v as object), [r.pick(['__proto__', 'constructor', 'toString', 'bogus', '', 'id'])]: hostileValue(r) };
    const k = r.pick(keys);
    return { ...(v as object), [k]: mutateLeaves(r, (v as Record<string, unknown>)[k]) };
  }
  return hostileValue(r);
}

/** A path segment for a `:param`, when not a real id. */
export function hostileSegment(r: Prng): string {
  return r.pick([
    UUID_NOWHERE, 'not-a-uuid', '%00', 'a%00b', '%ED%A0%80', '%E2%98%83', '%FF', 'x'.repeat(3000), '-1', '0', '99999999999999999999',
    '1e999', '__proto__', 'constructor', 'toString', '..', '%2e%2e', '%2F', 'a%20b', 'null', 'detail', "'", '%27%3B', UUID_NOWHERE.toUpperCase(),
  ]);
}

/** Query parameters lists take (and some no route takes), with hostile values. */
export function hostileQuery(r: Prng, filterKeys: readonly string[]): [string, string][] {
  const keys = ['limit', 'marker', 'sort_key', 'sort_dir', 'sort_keys', 'sort_dirs', 'sort', 'fields', 'page_reverse', 'all_tenants', 'all_projects', 'name', 'status',
    'changes-since', 'changes-before', 'detail', 'tags', 'not-tags', 'id', 'project_id', 'tenant_id', 'global_project', 'with_count', 'resolve_outputs',
    'visibility', 'member_status', 'deleted', 'ip_version', 'cidr', 'fixed_ips', 'mac_address', 'domain_id', 'enabled', 'parent_id', 'nested_depth',
    '__proto__', 'constructor', ...filterKeys];
  const values = [
    '-1', '0', '1e20', '99999999999999999999', '18446744073709551617', 'abc', '', '%00', '\u0000', 'x'.repeat(5000), 'true', 'False', 'maybe',
    '__proto__', 'constructor', 'toString', 'id:sideways', 'name:asc:x', 'created_at:desc', 'bogus', UUID_NOWHERE, 'not-a-uuid', '2026-13-45T99:99:99', '1.5', '☃', "'",
    'ip_address=10.0.0.999', 'subnet_id=x', 'a,b,,', '-9223372036854775809',
  ];
  const n = r.int(3) + 1;
  const out: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const k = r.pick(keys);
    out.push([k, r.pick(values)]);
    if (r.chance(0.15)) out.push([k, r.pick(values)]); // a repeated key
  }
  return out;
}

/** Headers that select versions and preconditions, with odd values. */
export function hostileHeaders(r: Prng): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.chance(0.5)) h['x-openstack-nova-api-version'] = r.pick(['2.9999', '2.0', '1.1', 'latest', 'abc', '2.', '2.-1', '02.001', '2.1.1', '', '3.0', '2.100000000000000000000']);
  if (r.chance(0.5)) h['openstack-api-version'] = r.pick(['compute 2.9999', 'compute latest', 'compute', 'volume 3.0', 'compute 2.90, compute 2.1', 'orchestration x', 'image 2.16', 'caf\u00e9']);
  if (r.chance(0.2)) h['if-match'] = r.pick(['revision_number=abc', 'revision_number=99999999999999999999', 'revision_number=-1', '*', '"x"']);
  if (r.chance(0.2)) h['x-openstack-request-id'] = r.pick(['req-x', `req-${'0'.repeat(36)}`, '\u00ff'.repeat(3)]);
  if (r.chance(0.2)) h.accept = r.pick(['application/xml', 'text/html', '*/*;q=x', '']);
  return h;
}

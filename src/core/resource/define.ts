// One definition per API resource (Neutron's attribute map, as typed data): everything the
// generic machinery needs — body checks, defaults, views, filters, sorting, columns — comes from it.
import type { AttrType } from './types.js';

export interface Attribute<T = any> {
  readonly type: AttrType<T>;
  /** Accepted on create; 'required' means it must be given. */
  readonly create?: boolean | 'required';
  /** Accepted on update. Neither create nor update ⇒ read-only. */
  readonly update?: boolean;
  /** Default on create when not given: a value or a function of the checked body. */
  readonly default?: T | ((body: Record<string, unknown>) => T);
  /** Shown in responses (default true). `password` is not. */
  readonly visible?: boolean;
  /** May be used as a list filter (`?name=x`; a repeated key means OR). */
  readonly filter?: boolean;
  /** May be used as `sort_key`. */
  readonly sort?: boolean;
  /** Has a column of the same name (default true). */
  readonly stored?: boolean;
  /** Create/update of this attribute is checked against `<action>_<resource>:<attr>` policy. */
  readonly policy?: boolean;
}

export interface ResourceDef<A extends Record<string, Attribute> = Record<string, Attribute>> {
  /** Wire names: the body envelope key and the collection key. */
  readonly singular: string;
  readonly plural: string;
  readonly table: string;
  readonly attributes: A;
  /** Unknown body keys are kept in the `extra` JSON column and shown back (Keystone's users, projects). */
  readonly extra?: boolean;
}

/** Every definition made so far, in load order (tests walk them: a new attribute is fuzzed unasked). */
const registry: ResourceDef[] = [];
export const definitions = (): readonly ResourceDef[] => registry;

export function defineResource<A extends Record<string, Attribute>>(def: ResourceDef<A>): ResourceDef<A> {
  const frozen = Object.freeze(def);
  registry.push(frozen);
  return frozen;
}

/** A definition with more attributes (an API extension adding to a resource). */
export function extendResource<A extends Record<string, Attribute>, B extends Record<string, Attribute>>(
  base: ResourceDef<A>, more: B,
): ResourceDef<A & B> {
  const frozen = Object.freeze({ ...base, attributes: { ...base.attributes, ...more } });
  registry.push(frozen);
  return frozen;
}

/**
 * The attribute `key` names, if `def` has one. Keys come from clients: `constructor`,
 * `toString` or `__proto__` must not find Object.prototype's members.
 */
export function attributeOf(def: ResourceDef, key: string): Attribute | undefined {
  return Object.hasOwn(def.attributes, key) ? def.attributes[key] : undefined;
}

/** The attribute values of a resource, as the service logic and views see them. */
export type Values = Record<string, unknown>;

/** A query-string view of a request (`?a=1&a=2` → ['1', '2']). */
export type QueryParams = Record<string, string | string[] | undefined>;

/**
 * Each parameter's last value, for APIs that read one value per key (webob's `GET.get`): a
 * repeated `?sort_dir=a&sort_dir=b` must not reach code expecting a string as an array.
 */
export function lastValues(q: QueryParams): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v.at(-1) : v;
  return out;
}

export function queryValues(q: QueryParams, key: string): string[] {
  const v = q[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

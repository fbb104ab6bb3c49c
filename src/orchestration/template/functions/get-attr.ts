// get_attr: a resource attribute, then an optional path into it. From 2015-10-15
// the attribute may be left out to get the map of all attributes.
import { HeatError } from '../errors.js';
import { pyIndex, pyStr } from '../py.js';
import { FnArgError, Unresolved, isMap } from './types.js';
import type { FunctionDef, Json, ResourceRef, Snippet } from './types.js';

function makeGetAttr(allowAll: boolean): FunctionDef {
  return {
    description: allowAll
      ? 'Returns a resource attribute (or path inside it), or all attributes when only the resource is given.'
      : 'Returns a resource attribute, or a path inside it.',
    check(args, name) {
      if (allowAll && (args === null || args === '' || (Array.isArray(args) && args.length === 0))) {
        throw new FnArgError(
          `Arguments to "${name}" can be of the next forms: [resource_name] or [resource_name, attribute, (path), ...]`,
        );
      }
      if (!Array.isArray(args)) throw new FnArgError(`Argument to "${name}" must be a list`);
      if (!allowAll && args.length < 2) {
        throw new FnArgError(`Arguments to "${name}" must be of the form [resource_name, attribute, (path), ...]`);
      }
    },
    refs(args, resolveStatic) {
      const a = args as Snippet[];
      const res = resolveStatic(a[0] ?? null);
      if (res === undefined) return [];
      const ref: ResourceRef = { resource: pyStr(res) };
      if (a.length < 2) return [{ ...ref, attribute: null }];
      const attr = resolveStatic(a[1] ?? null);
      return [attr === undefined ? ref : { ...ref, attribute: pyStr(attr) }];
    },
    evaluate(args, _name, r) {
      const [resArg, attrArg, ...pathArgs] = args as Snippet[];
      const res = r.resolve(resArg ?? null);
      if (typeof res !== 'string') {
        throw new HeatError('InvalidTemplateReference', `The specified reference "${pyStr(res)}" (in unknown) is incorrect.`);
      }
      const attr = attrArg === undefined ? null : r.resolve(attrArg);
      const value = r.ctx.attribute(res, attr === null ? null : pyStr(attr));
      if (value instanceof Unresolved) return value;
      return selectFromAttribute(value, r.resolve(pathArgs) as Json[]);
    },
  };
}

/** OpenStack: attributes.select_from_attribute — a path that does not fit yields None. */
export function selectFromAttribute(value: Json, path: readonly Json[]): Json {
  let cur: Json | undefined = value;
  for (const key of path) {
    if (typeof key === 'number' && Number.isInteger(key) && (Array.isArray(cur) || typeof cur === 'string')) {
      cur = typeof cur === 'string' ? pyIndex([...cur], key) : pyIndex(cur, key);
    } else if (typeof key === 'string' && isMap(cur)) {
      cur = (cur as Record<string, Json>)[key];
    } else {
      return null;
    }
    if (cur === undefined) return null;
  }
  return cur;
}

/** 2013-05-23 … 2015-04-30: resource and attribute are both required. */
export const getAttr = makeGetAttr(false);
/** From 2015-10-15: `get_attr: [resource]` returns all attributes. */
export const getAttrAll = makeGetAttr(true);

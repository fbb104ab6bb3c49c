// map_replace (2016-10-14+): rename keys and/or replace values of a map.
import { FnArgError, isMap } from './types.js';
import type { FunctionDef, Json, JsonMap } from './types.js';

export const mapReplace: FunctionDef = {
  description: 'Replaces keys and values of a map using "keys" and "values" lookup maps.',
  evaluate(args, name, r) {
    const example = `"${name}" : [ { "key1": "val1" }, {"keys": {"key1": "key2"}, "values": {"val1": "val2"}}]`;
    const usage = () => new FnArgError(`Incorrect arguments to "${name}" should be: ${example}`);
    const ensureMap = (m: Json | undefined): JsonMap => {
      if (m === null || m === undefined) return {};
      if (isMap(m)) return m as JsonMap;
      throw new FnArgError(`Incorrect arguments: to "${name}", arguments must be a list of maps. Example:  ${example}`);
    };
    const a = r.resolve(args);
    if (!Array.isArray(a) || a.length !== 2) throw usage();
    const input = ensureMap(a[0]);
    const repl = ensureMap(a[1]);
    if (Object.keys(repl).some((k) => k !== 'keys' && k !== 'values')) throw usage();
    const keys = ensureMap(repl['keys']);
    const values = ensureMap(repl['values']);
    const out: JsonMap = {};
    for (const [k, v] of Object.entries(input)) {
      const mapped = keys[k];
      let key = k;
      if (mapped !== undefined && mapped !== null) {
        key = String(mapped);
        if (key in input && key !== k) throw new FnArgError(`key replacement ${key} collides with a key in the input map`);
        if (key in out) throw new FnArgError(`key replacement ${key} collides with a key in the output map`);
      }
      // Only hashable (scalar) values can be looked up, as in Python.
      const lookup = v !== null && typeof v !== 'object' ? values[String(v)] : undefined;
      out[key] = lookup === undefined ? v : lookup;
    }
    return out;
  },
};

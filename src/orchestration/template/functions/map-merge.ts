// map_merge (2016-04-08+): merge maps, later keys winning.
import { pyRepr, pyType } from '../py.js';
import { FnArgError, isMap } from './types.js';
import type { FunctionDef, Json } from './types.js';

export const mapMerge: FunctionDef = {
  description: 'Merges a list of maps; later values override earlier ones.',
  evaluate(args, name, r) {
    const a = r.resolve(args);
    const items: Json[] = typeof a === 'string' ? [...a] : Array.isArray(a) ? a : [];
    if (!Array.isArray(a) && typeof a !== 'string') {
      throw new FnArgError(
        `Incorrect arguments to "${name}" should be: "${name}" : [ { "key1": "val1" }, { "key2": "val2" } ]`,
      );
    }
    const out: { [key: string]: Json } = {};
    for (const m of items) {
      if (m === null) continue;
      if (!isMap(m)) {
        throw new FnArgError(
          `Incorrect arguments: Items to merge must be maps. ${pyRepr(m).slice(0, 200)} is type ${pyType(m)} instead of a dict`,
        );
      }
      Object.assign(out, m);
    }
    return out;
  },
};

// Fn::Select (HOT 2013-05-23 … 2015-04-30): an item of a list or map; '' if absent.
import { pyInt, pyIndex } from '../py.js';
import { FnArgError, isMap } from './types.js';
import type { FunctionDef, Json, Snippet } from './types.js';

export const cfnSelect: FunctionDef = {
  description: 'Selects an item from a list or map (empty string if absent).',
  check(args, name) {
    if (!Array.isArray(args) || args.length !== 2) {
      throw new FnArgError(`Arguments to "${name}" must be of the form [index, collection]`);
    }
  },
  evaluate(args, name, r) {
    const [indexArg, collArg] = args as Snippet[];
    const index = r.resolve(indexArg ?? null);
    let coll = r.resolve(collArg ?? null);
    // OpenStack: '' is what unavailable values often resolve to; a string may be JSON.
    if (coll === '') return '';
    if (typeof coll === 'string') {
      try {
        coll = JSON.parse(coll) as Json;
      } catch (e) {
        throw new FnArgError(`"${name}": ${(e as Error).message}`);
      }
    }
    if (isMap(coll)) {
      if (typeof index !== 'string') throw new FnArgError(`Index to "${name}" must be a string`);
      return (coll as Record<string, Json>)[index] ?? '';
    }
    if (Array.isArray(coll)) {
      const i = pyInt(index);
      if (i === undefined) throw new FnArgError(`Index to "${name}" must be an integer`);
      return pyIndex(coll, i) ?? '';
    }
    if (coll === null) return '';
    throw new FnArgError(`Arguments to ${name} not fully resolved`);
  },
};

// list_concat (2017-09-01+): concatenate lists; the unique flavour drops repeats.
import { pyIn, pyJsonDumps } from '../py.js';
import { FnArgError } from './types.js';
import type { FunctionDef, Json } from './types.js';

export function makeListConcat(description: string, unique: boolean): FunctionDef {
  return {
    description,
    evaluate(args, name, r) {
      const a = r.resolve(args);
      if (!Array.isArray(a)) {
        throw new FnArgError(
          `Incorrect arguments to "${name}" should be: "${name}" : [ [ <value 1>, <value 2> ], [ <value 3>, <value 4> ] ]`,
        );
      }
      const out: Json[] = [];
      for (const m of a) {
        if (m === null) continue;
        if (!Array.isArray(m)) {
          throw new FnArgError(
            `Incorrect arguments: Items to concat must be lists. ${pyJsonDumps(a)} contains an item that is not a list: ${pyJsonDumps(m)}`,
          );
        }
        for (const item of m) if (!unique || !pyIn(item, out)) out.push(item);
      }
      return out;
    },
  };
}

export const listConcat = makeListConcat('Concatenates lists.', false);

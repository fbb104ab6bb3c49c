// if (2016-10-14+): one of two values, chosen by a condition. From 2021-04-16 the
// false value may be left out: the enclosing item then disappears (OMIT).
import { FnArgError, OMIT } from './types.js';
import type { FunctionDef, Snippet } from './types.js';

function makeIf(nullable: boolean): FunctionDef {
  return {
    description: nullable
      ? 'Returns one of two values depending on a condition; without a false value the item is omitted.'
      : 'Returns one of two values depending on a condition.',
    parseArgs(raw, name, parser, path) {
      const n = Array.isArray(raw) ? raw.length : 0;
      if (!Array.isArray(raw) || !(n === 3 || (nullable && n === 2))) {
        throw new FnArgError(
          `Arguments to "${name}" must be of the form: [condition_name, value_if_true, value_if_false]`,
        );
      }
      const [cond, ...values] = raw;
      return [
        parser.parseCondition(cond ?? null, path),
        ...values.map((v, i) => parser.parse(v ?? null, `${path}[${i + 1}]`)),
      ];
    },
    children(args, condition) {
      const [cond, whenTrue, whenFalse] = args as Snippet[];
      const decided = condition?.(cond ?? null);
      if (decided === true) return [whenTrue ?? null];
      if (decided === false) return whenFalse === undefined ? [] : [whenFalse];
      return args as Snippet[];
    },
    evaluate(args, _name, r) {
      const [cond, whenTrue, whenFalse] = args as Snippet[];
      if (r.ctx.condition(r.resolve(cond ?? null))) return r.resolveNullable(whenTrue ?? null);
      return whenFalse === undefined ? OMIT : r.resolveNullable(whenFalse);
    },
  };
}

/** 2016-10-14 … 2018-08-31. */
export const ifFn = makeIf(false);
/** From 2021-04-16. */
export const ifNullable = makeIf(true);

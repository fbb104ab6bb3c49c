// or (condition function, 2016-10-14+): true if any condition is true.
import { checkConditionList } from './condition-list.js';
import type { FunctionDef, Json } from './types.js';

export const or: FunctionDef = {
  description: 'Returns true if any of the conditions is true.',
  check: checkConditionList,
  evaluate(args, _name, r) {
    return (r.resolve(args) as Json[]).some((c) => r.ctx.condition(c));
  },
};

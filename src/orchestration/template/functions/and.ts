// and (condition function, 2016-10-14+): true if every condition is true.
import { checkConditionList } from './condition-list.js';
import type { FunctionDef, Json } from './types.js';

export const and: FunctionDef = {
  description: 'Returns true if all the conditions are true.',
  check: checkConditionList,
  evaluate(args, _name, r) {
    return (r.resolve(args) as Json[]).every((c) => r.ctx.condition(c));
  },
};

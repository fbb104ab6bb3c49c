// Shared argument rule of `and` and `or`: a list of at least two conditions.
import { FnArgError } from './types.js';
import type { Snippet } from './types.js';

export function checkConditionList(args: Snippet, name: string): void {
  if (!Array.isArray(args)) throw new FnArgError(`Arguments to "${name}" must be a list of conditions`);
  if (args.length < 2) throw new FnArgError(`The minimum number of condition arguments to "${name}" is 2.`);
}

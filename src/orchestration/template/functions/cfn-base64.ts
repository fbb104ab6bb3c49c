// Fn::Base64 (HOT 2013-05-23 only): OpenStack: Heat performs no conversion; it
// accepts user data as plain text and keeps this for template compatibility.
import { FnArgError } from './types.js';
import type { FunctionDef } from './types.js';

export const cfnBase64: FunctionDef = {
  description: 'Returns its string argument unchanged (user data is accepted as plain text).',
  evaluate(args, name, r) {
    const s = r.resolve(args);
    if (typeof s !== 'string') throw new FnArgError(`"${name}" argument must be a string`);
    return s;
  },
};

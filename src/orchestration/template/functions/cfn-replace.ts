// Fn::Replace (HOT 2013-05-23 only): str_replace with [params, template] arguments.
import { makeStrReplace } from './str-replace.js';
import { FnArgError, isMap } from './types.js';
import type { Snippet } from './types.js';

export const cfnReplace = makeStrReplace(
  'Replaces placeholders in a string with values (CFN style).',
  { json: false, strict: false, allowEmpty: true },
  (args, name) => {
    const example = `{"${name}": [ {"$var1": "foo", "%var2%": "bar"}, "$var1 is %var2%"]}`;
    if (typeof args === 'string' || isMap(args) || !Array.isArray(args) || args.length !== 2) {
      throw new FnArgError(`Incorrect arguments to "${name}" should be: ${example}`);
    }
    const [params, template] = args as Snippet[];
    return { params: params ?? null, template: template ?? null };
  },
);

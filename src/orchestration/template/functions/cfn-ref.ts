// Ref (HOT 2013-05-23 only): a resource's reference id when the name is a resource of
// the template, otherwise a parameter's value. Which one is decided at parse time.
import { HeatError } from '../errors.js';
import { pyStr } from '../py.js';
import type { FunctionDef, Snippet } from './types.js';

export const cfnRef: FunctionDef = {
  description: 'Returns a resource reference id, or a parameter value.',
  parseArgs(raw, _name, parser, path) {
    const kind = typeof raw === 'string' && parser.isResource(raw) ? 'resource' : 'param';
    return [kind, parser.parse(raw, path)];
  },
  refs(args, resolveStatic) {
    const [kind, target] = args as [string, Snippet];
    const name = kind === 'resource' ? resolveStatic(target) : undefined;
    return name === undefined ? [] : [{ resource: pyStr(name) }];
  },
  evaluate(args, _name, r) {
    const [kind, target] = args as [string, Snippet];
    const name = pyStr(r.resolve(target));
    if (kind === 'resource') return r.ctx.resourceId(name);
    const value = r.ctx.param(name);
    if (value === undefined) {
      throw new HeatError('InvalidTemplateReference', `The specified reference "${name}" (in unknown) is incorrect.`);
    }
    return value;
  },
};

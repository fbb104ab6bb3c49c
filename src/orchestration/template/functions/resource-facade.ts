// resource_facade: in a provider (nested) template, data of the parent resource.
import { FnArgError } from './types.js';
import type { FunctionDef } from './types.js';

export type FacadeAttribute = 'metadata' | 'deletion_policy' | 'update_policy';

/** `names` maps the accepted spelling to the facade attribute (Fn::ResourceFacade uses CamelCase). */
export function makeResourceFacade(description: string, names: Readonly<Record<string, FacadeAttribute>>): FunctionDef {
  return {
    description,
    check(args, name) {
      if (typeof args !== 'string' || !(args in names)) {
        throw new FnArgError(`Incorrect arguments to "${name}" should be one of: ${Object.keys(names).join(', ')}`);
      }
    },
    evaluate(args, name, r) {
      const what = names[args as string]!;
      if (!r.ctx.resourceFacade) throw new FnArgError(`"${name}" can only be used in a template of a nested stack`);
      return r.ctx.resourceFacade(what);
    },
  };
}

export const resourceFacade = makeResourceFacade('Returns data of the parent resource of a nested stack.', {
  metadata: 'metadata',
  deletion_policy: 'deletion_policy',
  update_policy: 'update_policy',
});

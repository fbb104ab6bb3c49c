// The `conditions` section evaluated from parameter values, and which resources and
// outputs it enables. Conditions may name other conditions; cycles are errors.
// OpenStack: heat/engine/conditions.py.
import { HeatError } from './errors.js';
import { FnArgError, FnCall } from './functions/types.js';
import type { EvalContext, Json, Snippet } from './functions/types.js';
import { pyRepr, pyStr } from './py.js';
import { resolve } from './resolve.js';
import type { Template } from './template.js';

export interface Conditions {
  /** null → true; a boolean → itself; a condition name → its value. Throws on unknown names. */
  isEnabled(condition: Json): boolean;
}

const IN_PROGRESS = Symbol('in progress');

function conditionError(message: string): HeatError {
  return new HeatError('StackValidationFailed', message, [], 'Condition validation error');
}

/** Conditions of a template, resolved lazily with `param` giving parameter values. */
export function evaluateConditions(t: Template, param: (name: string) => Json | undefined): Conditions {
  const resolved = new Map<string, boolean | typeof IN_PROGRESS>();
  for (const [name, def] of Object.entries(t.conditions)) {
    if (typeof def !== 'boolean' && !(def instanceof FnCall)) {
      throw conditionError(`The definition of condition "${name}" is invalid: ${pyStr(def)}`);
    }
  }
  const conds: Conditions = {
    isEnabled(condition) {
      if (condition === null) return true;
      if (typeof condition === 'boolean') return condition;
      if (typeof condition !== 'string' || !(condition in t.conditions)) {
        throw new FnArgError(`Invalid condition "${pyStr(condition)}"`);
      }
      const state = resolved.get(condition);
      if (state === IN_PROGRESS) throw conditionError(`Circular definition for condition "${condition}"`);
      if (state !== undefined) return state;
      resolved.set(condition, IN_PROGRESS);
      const value = resolve(t.conditions[condition] as Snippet, conditionContext(param, conds));
      if (typeof value !== 'boolean') {
        throw conditionError(`The definition of condition "${condition}" is invalid: ${pyRepr(value)}`);
      }
      resolved.set(condition, value);
      return value;
    },
  };
  return conds;
}

/** An EvalContext that knows only parameters and conditions (what conditions may use). */
export function conditionContext(param: (name: string) => Json | undefined, conds: Conditions): EvalContext {
  const unavailable = (): never => {
    throw new FnArgError('Only parameters and conditions can be used here');
  };
  return { param, condition: (c) => conds.isEnabled(c), resourceId: unavailable, attribute: unavailable, file: unavailable };
}

/** Whether a resource's `condition:` is true. Errors carry the resources.<name>.condition path. */
export function resourceEnabled(t: Template, name: string, conds: Conditions, param: (n: string) => Json | undefined): boolean {
  const def = t.resources[name];
  if (!def) return false;
  return enabled(def.condition, `resources.${name}.condition`, conds, param);
}

/** Whether an output's `condition:` is true (a disabled output has a null value). */
export function outputEnabled(t: Template, name: string, conds: Conditions, param: (n: string) => Json | undefined): boolean {
  const def = t.outputs[name];
  if (!def) return false;
  return enabled(def.condition, `outputs.${name}.condition`, conds, param);
}

function enabled(cond: Snippet, path: string, conds: Conditions, param: (n: string) => Json | undefined): boolean {
  try {
    return conds.isEnabled(resolve(cond, conditionContext(param, conds)) as Json);
  } catch (e) {
    if (e instanceof FnArgError) throw new HeatError('StackValidationFailed', e.message, [path]);
    throw e;
  }
}

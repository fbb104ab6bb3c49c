// get_param: a parameter's value, optionally a path into it.
import { HeatError } from '../errors.js';
import { pyIndex, pyInt, pyTruthy } from '../py.js';
import { FnArgError, FnCall, isMap } from './types.js';
import type { FunctionDef, Json } from './types.js';

export const getParam: FunctionDef = {
  description: 'Returns the value of a template parameter, or of a path inside it.',
  check(args, name) {
    if (args instanceof FnCall) return;
    if (!pyTruthy(args)) throw new FnArgError(`Function "${name}" must have arguments`);
    if (typeof args !== 'string' && !Array.isArray(args)) {
      throw new FnArgError(`Argument to "${name}" must be string or list`);
    }
    if (Array.isArray(args) && typeof args[0] !== 'string' && !(args[0] instanceof FnCall)) {
      throw new FnArgError(`Parameter name in "${name}" must be string`);
    }
  },
  evaluate(args, name, r) {
    const a = r.resolve(args);
    if (!pyTruthy(a)) throw new FnArgError(`Function "${name}" must have arguments`);
    let paramName: Json;
    let path: Json[] = [];
    if (typeof a === 'string') paramName = a;
    else if (Array.isArray(a)) [paramName, ...path] = a;
    else throw new FnArgError(`Argument to "${name}" must be string or list`);
    if (typeof paramName !== 'string') throw new FnArgError(`Parameter name in "${name}" must be string`);
    const value = r.ctx.param(paramName);
    if (value === undefined) throw new HeatError('UserParameterMissing', `The Parameter (${paramName}) was not provided.`);
    return selectPath(value, path) ?? '';
  },
};

// OpenStack: GetParam — any failure to follow the path yields ''.
function selectPath(value: Json, path: readonly Json[]): Json | undefined {
  let cur: Json | undefined = value;
  for (const key of path) {
    if (typeof key !== 'string' && typeof key !== 'number') return undefined;
    if (Array.isArray(cur) || typeof cur === 'string') {
      const i = pyInt(key);
      if (i === undefined) return undefined;
      cur = typeof cur === 'string' ? pyIndex([...cur], i) : pyIndex(cur, i);
    } else if (isMap(cur)) {
      cur = (cur as Record<string, Json>)[String(key)];
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

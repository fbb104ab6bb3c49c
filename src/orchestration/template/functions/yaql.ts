// yaql (2016-10-14+ in Heat): Pier has no YAQL interpreter and refuses it at parse time.
import { HeatError } from '../errors.js';
import type { FunctionDef } from './types.js';

export const yaql: FunctionDef = {
  description: 'Evaluates a YAQL expression (not supported by Pier).',
  supported: false,
  evaluate(_args, name) {
    throw new HeatError('NotSupported', `The "${name}" function is not supported.`);
  },
};

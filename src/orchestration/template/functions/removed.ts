// A function that existed in older HOT versions (CFN-style Fn::* and Ref) and was removed.
import { HeatError } from '../errors.js';
import type { FunctionDef } from './types.js';

export const removed: FunctionDef = {
  description: 'Removed from this template version.',
  removed: true,
  evaluate(_args, name) {
    throw new HeatError(
      'InvalidTemplateVersion',
      `The template version is invalid: The function ${name} is not supported in this version of HOT.`,
    );
  },
};

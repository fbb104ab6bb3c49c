// Fn::GetAZs (HOT 2013-05-23 only): the availability zones (region ignored, as in Heat).
import type { FunctionDef } from './types.js';

export const cfnGetAZs: FunctionDef = {
  description: 'Returns the list of availability zones.',
  evaluate(_args, _name, r) {
    return r.ctx.availabilityZones?.() ?? ['nova'];
  },
};

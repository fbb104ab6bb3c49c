// Fn::Join (HOT 2013-05-23 only): list_join's original single-list form.
import { listJoin } from './list-join.js';
import type { FunctionDef } from './types.js';

export const cfnJoin: FunctionDef = { ...listJoin, description: 'Joins a list of strings with a delimiter (CFN style).' };

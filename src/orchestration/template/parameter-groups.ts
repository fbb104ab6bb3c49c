// parameter_groups: each group lists existing parameters, each parameter in one group
// at most. OpenStack: heat/engine/parameter_groups.py.
import { HeatError } from './errors.js';
import { isMap } from './functions/types.js';
import type { Json } from './functions/types.js';
import { pyStr } from './py.js';
import type { Template } from './template.js';

export function validateParameterGroups(t: Template): void {
  const groups = t.parameterGroups;
  if (groups === null || (Array.isArray(groups) && groups.length === 0)) return;
  const fail = (path: string[], message: string) =>
    new HeatError('StackValidationFailed', message, path, 'Parameter Groups error');
  if (!Array.isArray(groups)) throw fail(['parameter_groups'], 'The parameter_groups should be a list.');
  // Pseudo parameters count as parameters here, as in Heat (OS::stack_name is absent at this point).
  const names = new Set([...Object.keys(t.parameters), 'OS::stack_id', 'OS::project_id']);
  const grouped = new Set<string>();
  for (const group of groups) {
    const g = isMap(group) ? (group as { [key: string]: Json }) : {};
    const path = ['parameter_groups', pyStr(g['label'] ?? '')];
    const params = g['parameters'];
    if (params === undefined || params === null) throw fail(path, 'The parameters must be provided for each parameter group.');
    if (!Array.isArray(params)) throw fail(path, 'The parameters of parameter group should be a list.');
    for (const p of params) {
      const name = pyStr(p);
      if (grouped.has(name)) throw fail(path, `The ${name} parameter must be assigned to one parameter group only.`);
      grouped.add(name);
      if (!names.has(name)) throw fail(path, `The grouped parameter ${name} does not reference a valid parameter.`);
    }
  }
}

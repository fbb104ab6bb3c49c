// Checks a loaded stack before anything is made (Heat's stack.validate): every resource's
// properties against its schema (values still unknown pass), custom constraints on the values
// already known, and every get_attr naming an attribute its resource has.
import { HeatError, resourceRefs, type JsonMap } from '../template/index.js';
import { checkProperties } from '../resources/properties.js';
import { pluginFor } from '../resources/registry.js';
import type { PropertySchema } from '../resources/types.js';
import type { StackEval } from './evaluate.js';
import { customConstraints } from './loaded.js';
import type { ComputeService } from '../../compute/index.js';
import type { VolumeService } from '../../volume/index.js';
import type { NetworkingService } from '../../networking/index.js';

export async function validateStack(ev: StackEval, networking: NetworkingService, compute?: ComputeService, volume?: VolumeService): Promise<void> {
  const { loaded } = ev;
  const check = customConstraints(networking, loaded.caller, compute, volume);
  for (const [name, plugin] of loaded.plugins) {
    for (const ref of resourceRefs(loaded.template, name, { param: (n) => loaded.params.values[n], conditions: loaded.conditions })) {
      if (typeof ref.attribute !== 'string') continue;
      const target = loaded.plugins.get(ref.resource);
      if (!target || target.dynamicAttributes || ref.attribute in target.attributes) continue;
      throw new HeatError('InvalidTemplateAttribute', `The Referenced Attribute (${ref.resource} ${ref.attribute}) is incorrect.`);
    }
    const props = await ev.properties(name, true);
    await checkCustom(plugin.properties, props, `resources.${name}.properties`, check);
    const invalid = plugin.validate?.(props);
    if (invalid) throw new HeatError('StackValidationFailed', invalid, [`resources.${name}`], 'Failed to validate');
    for (const m of plugin.members?.(props) ?? []) {
      const path = `resources.${name}.properties.${m.property ?? 'resource_def'}`;
      const member = pluginFor(m.type, loaded.registry, name, loaded.spec.files);
      checkProperties(member.properties, m.properties as never, `${path}.properties`, true, member.openProperties);
    }
  }
}

async function checkCustom(
  schema: Readonly<Record<string, PropertySchema>>, props: JsonMap, path: string,
  check: (c: string, v: string) => Promise<string | null>,
): Promise<void> {
  for (const [k, s] of Object.entries(schema)) {
    const v = props[k];
    if (typeof v !== 'string') continue;
    for (const c of s.constraints ?? []) {
      if (!('custom_constraint' in c)) continue;
      const err = await check(c.custom_constraint, v);
      if (err) throw new HeatError('StackValidationFailed', err, [`${path}.${k}`], 'Property error');
    }
  }
}

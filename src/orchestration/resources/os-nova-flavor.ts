// OS::Nova::Flavor — a flavor (admin; Heat's resources/openstack/nova/flavor.py): private ones are
// opened to the stack's project as Heat does; the name defaults to the physical name.
import type { ResourcePlugin } from './types.js';
import { unlessGone } from './nova.js';

export const osNovaFlavor: ResourcePlugin = {
  type: 'OS::Nova::Flavor',
  description: 'A resource for creating OpenStack virtual hardware templates.',
  properties: {
    tenants: { type: 'list', description: 'List of tenants.', default: [], schema: { '*': { type: 'string', description: 'A project id.' } } },
    flavorid: { type: 'string', description: 'Unique ID of the flavor. If not specified, an UUID will be auto generated and used.' },
    name: { type: 'string', description: 'Name of the flavor.' },
    ram: { type: 'integer', description: 'Memory in MB for the flavor.', required: true },
    vcpus: { type: 'integer', description: 'Number of VCPUs for the flavor.', required: true },
    disk: { type: 'integer', description: 'Size of local disk in GB. The "0" size is a special case that uses the native base image size as the size of the ephemeral root volume.', default: 0 },
    swap: { type: 'integer', description: 'Swap space in MB.', default: 0 },
    ephemeral: { type: 'integer', description: 'Size of a secondary ephemeral data disk in GB.', default: 0 },
    rxtx_factor: { type: 'number', description: 'RX/TX factor.', default: 1.0 },
    extra_specs: { type: 'map', description: 'Key/Value pairs to extend the capabilities of the flavor.' },
    is_public: { type: 'boolean', description: 'Scope of flavor accessibility. Public or private. Default value is True, means public, shared across all projects.', default: true },
  },
  attributes: {
    is_public: { description: 'Whether the flavor is shared across all projects.', type: 'boolean' },
    extra_specs: { description: 'Extra specs of the flavor in key-value pairs.', type: 'map' },
    show: { description: 'Detailed information about resource.', type: 'map' },
  },
  async create(ctx, props) {
    const body: Record<string, unknown> = {
      name: props['name'] ?? ctx.physicalName, ram: props['ram'], vcpus: props['vcpus'], disk: props['disk'] ?? 0,
      swap: props['swap'] ?? 0, 'OS-FLV-EXT-DATA:ephemeral': props['ephemeral'] ?? 0, rxtx_factor: props['rxtx_factor'] ?? 1.0,
      'os-flavor-access:is_public': props['is_public'] !== false, id: props['flavorid'] ?? ctx.plannedId,
    };
    const specs = Object.fromEntries(Object.entries((props['extra_specs'] ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    // OpenStack: a private flavor with no tenants is opened to the stack's own project.
    const tenants = (props['tenants'] ?? []) as string[];
    const f = await ctx.compute.createFlavor(ctx.caller, body, specs, tenants.length ? tenants : [ctx.stack.projectId]);
    return String(f['id']);
  },
  exists: (ctx, id) => unlessGone(async () => { await ctx.compute.showFlavor(ctx.caller, id); return true; }, false),
  delete: (ctx, id) => (id ? unlessGone(() => ctx.compute.deleteFlavor(ctx.caller, id), undefined) : Promise.resolve()),
  async resolve(ctx, id, attr) {
    if (!id) return null;
    const f = await unlessGone(() => ctx.compute.showFlavor(ctx.caller, id), null);
    if (!f) return null;
    if (attr === 'is_public') return f['os-flavor-access:is_public'] as boolean;
    return (attr === 'show' ? f : f[attr] ?? null) as never;
  },
};

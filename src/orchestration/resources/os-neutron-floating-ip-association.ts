// OS::Neutron::FloatingIPAssociation — puts a floating IP on a port; deleting it takes it off.
// The physical id is the Heat resource's own id (as Heat does).
import { ApiError } from '../../core/errors.js';
import type { ResourcePlugin } from './types.js';
import { findId } from './neutron.js';

export const osNeutronFloatingIpAssociation: ResourcePlugin = {
  type: 'OS::Neutron::FloatingIPAssociation',
  description: 'A resource for associating floating ips and ports.',
  properties: {
    floatingip_id: { type: 'string', description: 'ID of the floating IP to associate.', required: true, update_allowed: true },
    port_id: { type: 'string', description: 'ID of an existing port with at least one IP address to associate with this floating IP.', required: true, update_allowed: true, constraints: [{ custom_constraint: 'neutron.port' }] },
    fixed_ip_address: { type: 'string', description: 'IP address to use if the port has multiple addresses.', update_allowed: true },
  },
  attributes: {},
  async create(ctx, props) {
    const port = await findId(ctx, 'port', String(props['port_id']));
    await ctx.networking.update(ctx.caller, 'floatingip', String(props['floatingip_id']), {
      port_id: port, ...(props['fixed_ip_address'] ? { fixed_ip_address: props['fixed_ip_address'] } : {}),
    });
    ctx.data['floatingip_id'] = String(props['floatingip_id']);
    return ctx.plannedId;
  },
  async update(ctx, _id, props, previous) {
    if (previous['floatingip_id'] !== props['floatingip_id']) await this.delete(ctx, _id);
    await this.create(ctx, props);
  },
  async delete(ctx) {
    const fip = ctx.data['floatingip_id'];
    if (typeof fip !== 'string') return;
    try {
      await ctx.networking.update(ctx.caller, 'floatingip', fip, { port_id: null });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return;
      throw e;
    }
  },
  async resolve() { return null; },
};

import { defineResource, nullable, str, uuid } from '../../core/resource/index.js';
import { ipAddress } from '../types.js';
import { description, owned, standard } from './common.js';

export const floatingip = defineResource({
  singular: 'floatingip', plural: 'floatingips', table: 'floatingips',
  attributes: {
    ...owned, description, ...standard,
    floating_network_id: { type: uuid, create: 'required', filter: true, sort: true },
    floating_ip_address: { type: ipAddress, create: true, filter: true, sort: true, policy: true },
    subnet_id: { type: nullable(uuid), create: true, stored: false, visible: false },
    port_id: { type: nullable(uuid), create: true, update: true, default: null, filter: true, sort: true },
    fixed_ip_address: { type: nullable(ipAddress), create: true, update: true, default: null, filter: true, sort: true },
    router_id: { type: nullable(str()), filter: true, sort: true },
    status: { type: str(), filter: true, sort: true },
    floating_port_id: { type: str(), visible: false },
  },
});

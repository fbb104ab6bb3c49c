import { bool, defineResource, int, listOf, nullable, oneOf, str } from '../../core/resource/index.js';
import { description, name, owned, standard } from './common.js';

export const network = defineResource({
  singular: 'network', plural: 'networks', table: 'networks',
  attributes: {
    ...owned, name, description, ...standard,
    admin_state_up: { type: bool, create: true, update: true, default: true, filter: true, sort: true },
    status: { type: str(), filter: true, sort: true },
    shared: { type: bool, create: true, update: true, default: false, filter: true, policy: true },
    'router:external': { type: bool, create: true, update: true, default: false, filter: true, policy: true },
    is_default: { type: bool, create: true, update: true, default: false, filter: true, policy: true },
    mtu: { type: int({ min: 0 }), create: true, update: true, filter: true, sort: true },
    port_security_enabled: { type: bool, create: true, update: true, default: true, filter: true },
    'provider:network_type': { type: oneOf('flat', 'vlan', 'vxlan', 'local'), create: true, update: true, stored: false, policy: true, filter: true },
    'provider:physical_network': { type: nullable(str({ max: 64 })), create: true, update: true, stored: false, policy: true, filter: true },
    'provider:segmentation_id': { type: nullable(int({ min: 1, max: 16777215 })), create: true, update: true, stored: false, policy: true, filter: true },
    subnets: { type: listOf(str()), stored: false },
    availability_zone_hints: { type: listOf(str()), create: true, default: [], stored: false },
    availability_zones: { type: listOf(str()), stored: false },
    ipv4_address_scope: { type: nullable(str()), stored: false },
    ipv6_address_scope: { type: nullable(str()), stored: false },
  },
});

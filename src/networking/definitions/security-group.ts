import { bool, defineResource, int, json, listOf, nullable, oneOf, str, uuid } from '../../core/resource/index.js';
import { description, name, owned, standard } from './common.js';

export const securityGroup = defineResource({
  singular: 'security_group', plural: 'security_groups', table: 'security_groups',
  attributes: {
    ...owned, name, description, ...standard,
    stateful: { type: bool, create: true, update: true, default: true, filter: true },
    shared: { type: bool, stored: false, filter: false },
    security_group_rules: { type: listOf(json()), stored: false },
  },
});

// Ethertype, protocol, ports and prefix are checked by the service, which raises Neutron's own
// error types for them (SecurityGroupRuleInvalidEtherType, InvalidCIDR, …).
const port = nullable(int({ min: -(2 ** 31) }));
// OpenStack: a protocol may be given as a number (`"protocol": 17`); it is kept as its string.
const protocolText = str({ max: 40 });
const protocolName = nullable({
  ...protocolText,
  check: (v: unknown) => (Number.isInteger(v) ? undefined : protocolText.check(v)),
  convert: (v: unknown) => String(v),
});

export const securityGroupRule = defineResource({
  singular: 'security_group_rule', plural: 'security_group_rules', table: 'security_group_rules',
  attributes: {
    ...owned, ...standard,
    description: { type: nullable(str({ max: 255 })), create: true, default: '', filter: true },
    security_group_id: { type: uuid, create: 'required', filter: true, sort: true },
    direction: { type: oneOf('ingress', 'egress'), create: 'required', filter: true, sort: true },
    ethertype: { type: str({ max: 40 }), create: true, default: 'IPv4', filter: true, sort: true },
    protocol: { type: protocolName as never, create: true, default: null, filter: true, sort: true },
    port_range_min: { type: port, create: true, default: null, filter: true, sort: true },
    port_range_max: { type: port, create: true, default: null, filter: true, sort: true },
    remote_ip_prefix: { type: nullable(str({ max: 255 })), create: true, default: null, filter: true, sort: true },
    // OpenStack: not validated as a UUID; a group that does not exist is SecurityGroupNotFound (404).
    remote_group_id: { type: nullable(str({ max: 255 })), create: true, default: null, filter: true, sort: true },
    remote_address_group_id: { type: nullable(uuid), stored: false },
    normalized_cidr: { type: nullable(str()), stored: false },
  },
});

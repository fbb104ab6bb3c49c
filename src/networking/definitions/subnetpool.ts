import { bool, defineResource, int, listOf, nullable, uuid } from '../../core/resource/index.js';
import { cidr } from '../types.js';
import { description, owned, standard } from './common.js';
import { name as baseName } from './common.js';

const prefixlen = int({ min: 0, max: 128 });

export const subnetpool = defineResource({
  singular: 'subnetpool', plural: 'subnetpools', table: 'subnetpools',
  attributes: {
    ...owned, description, ...standard,
    name: { ...baseName, create: 'required' },
    prefixes: { type: listOf(cidr), create: 'required', update: true },
    default_prefixlen: { type: prefixlen, create: true, update: true },
    min_prefixlen: { type: prefixlen, create: true, update: true },
    max_prefixlen: { type: prefixlen, create: true, update: true },
    default_quota: { type: nullable(int({ min: 0 })), create: true, update: true, default: null },
    shared: { type: bool, create: true, default: false, filter: true, policy: true },
    is_default: { type: bool, create: true, update: true, default: false, filter: true, policy: true },
    ip_version: { type: int(), filter: true, sort: true },
    address_scope_id: { type: nullable(uuid), create: true, update: true, default: null, filter: true },
  },
});

import { bool, defineResource } from '../../core/resource/index.js';
import { ipVersion } from '../types.js';
import { name as baseName, owned, standard } from './common.js';

export const addressScope = defineResource({
  singular: 'address_scope', plural: 'address_scopes', table: 'address_scopes',
  attributes: {
    ...owned, ...standard,
    name: { ...baseName, create: 'required' },
    ip_version: { type: ipVersion, create: 'required', filter: true, sort: true },
    shared: { type: bool, create: true, update: true, default: false, filter: true, policy: true },
  },
});

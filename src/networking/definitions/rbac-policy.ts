import { defineResource, oneOf, str, uuid } from '../../core/resource/index.js';
import { owned } from './common.js';

export const rbacPolicy = defineResource({
  singular: 'rbac_policy', plural: 'rbac_policies', table: 'rbac_policies',
  attributes: {
    ...owned,
    object_type: { type: oneOf('network'), create: 'required', filter: true, sort: true },
    object_id: { type: uuid, create: 'required', filter: true, sort: true },
    action: { type: oneOf('access_as_shared', 'access_as_external'), create: 'required', filter: true, sort: true },
    target_tenant: { type: str({ min: 1, max: 255 }), create: 'required', update: true, filter: true, sort: true },
  },
});

// Regions, services and endpoints. Deleting a service deletes its endpoints (as Keystone does);
// a region in use by endpoints or child regions cannot be deleted.
import type { FastifyInstance } from 'fastify';
import { Conflict } from '../core/errors.js';
import { checkBody, toRow, unwrap, type Values } from '../core/resource/index.js';
import { isUniqueViolation, type Tx } from '../store/index.js';
import { authorize, loadEntity, registerCrud, selfLink } from './crud.js';
import { endpoint } from './definitions/endpoint.js';
import { endpointGroup } from './definitions/endpoint-group.js';
import { region } from './definitions/region.js';
import { service } from './definitions/service.js';
import { DuplicateEntry, ValidationError } from './errors.js';
import { expandUrl } from './catalog.js';
import type { IdentityState } from './state.js';
import { view } from '../core/resource/index.js';

export function catalogRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, service, {
    async beforeDelete(tx, current) {
      await tx.db.deleteFrom('endpoints').where('service_id', '=', String(current.id)).execute();
    },
  });

  registerCrud(scope, state, endpoint, {
    // Pier's own endpoints hold a `{base}` placeholder: shown with the base the client used.
    show: (v, req) => ({ ...v, url: expandUrl(String(v.url), req.ctx.baseUrl), region: v.region_id }),
    beforeCreate: (tx, values) => checkEndpointRefs(tx, values),
    beforeUpdate: (tx, _current, changes) => checkEndpointRefs(tx, changes),
  });
  registerCrud(scope, state, endpointGroup, {}, 'OS-EP-FILTER/endpoint_groups');
  registerCrud(scope, state, region, {
    duplicate: (v) => `Duplicate ID, ${String(v.id)}`,
    beforeCreate: (tx, values) => checkParentRegion(tx, values),
    beforeUpdate: (tx, _current, changes) => checkParentRegion(tx, changes),
    async beforeDelete(tx, current) {
      const id = String(current.id);
      const used = await tx.db.selectFrom('endpoints').select('id').where('region_id', '=', id).executeTakeFirst()
        ?? await tx.db.selectFrom('regions').select('id').where('parent_region_id', '=', id).executeTakeFirst();
      if (used) throw new Conflict(`Unable to delete region ${id} because it or its child regions have associated endpoints.`);
    },
  });
  // PUT /v3/regions/{id}: create a region with a chosen id.
  scope.put<{ Params: { id: string } }>('/v3/regions/:id', async (req, reply) => {
    authorize(req, 'identity:create_region');
    const { values, extra } = checkBody(region, { ...unwrap(region, req.body), id: req.params.id }, 'create');
    await state.store.tx(async (tx) => {
      await checkParentRegion(tx, values);
      try {
        await tx.db.insertInto('regions').values(toRow(region, values, extra) as never).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEntry('region', `Duplicate ID, ${req.params.id}`);
        throw err;
      }
      await tx.emit({ resource: 'region', id: req.params.id, action: 'create' });
    });
    const created = await loadEntity(state, region, req.params.id);
    return reply.code(201).send({ region: { ...view(region, created), links: selfLink(req, `regions/${req.params.id}`) } });
  });
}

/** A region's parent must exist: a missing one is the client's mistake, not a failed foreign key. */
async function checkParentRegion(tx: Tx, values: Values): Promise<void> {
  if (!values.parent_region_id) return;
  const r = await tx.db.selectFrom('regions').select('id').where('id', '=', String(values.parent_region_id)).executeTakeFirst();
  if (!r) throw new ValidationError(`Could not find region: ${String(values.parent_region_id)}.`);
}
/**
 * The service and region an endpoint names (those given) must exist: checked, not left to a
 * foreign key. OpenStack: Keystone's `_validate_endpoint_region`: a legacy `region` without
 * `region_id` names the region, made on the spot when missing.
 */
async function checkEndpointRefs(tx: Tx, values: Values): Promise<void> {
  if (values.service_id !== undefined) {
    const s = await tx.db.selectFrom('services').select('id').where('id', '=', String(values.service_id)).executeTakeFirst();
    if (!s) throw new ValidationError(`Could not find service: ${String(values.service_id)}.`);
  }
  const legacy = values.region;
  delete values.region;
  if ((values.region_id === undefined || values.region_id === null) && typeof legacy === 'string') {
    values.region_id = legacy;
    const r = await tx.db.selectFrom('regions').select('id').where('id', '=', legacy).executeTakeFirst();
    if (!r) {
      await tx.db.insertInto('regions').values(toRow(region, { id: legacy, description: '', parent_region_id: null }, {}) as never).execute();
      await tx.emit({ resource: 'region', id: legacy, action: 'create' });
    }
    return;
  }
  if (values.region_id) {
    const r = await tx.db.selectFrom('regions').select('id').where('id', '=', String(values.region_id)).executeTakeFirst();
    if (!r) throw new ValidationError(`Could not find region: ${String(values.region_id)}.`);
  }
}

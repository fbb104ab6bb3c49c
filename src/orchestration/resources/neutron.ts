// What the OS::Neutron::* plugins share (Heat's resources/openstack/neutron/neutron.py): name-or-id
// lookups, value_specs merged into the request body, attributes read from a fresh show, and
// deletes that treat "already gone" as done.
import type { NetworkingKind } from '../../networking/index.js';
import { ApiError, BadRequest, Conflict } from '../../core/errors.js';
import type { Json, JsonMap } from '../template/index.js';
import type { AttributeSchema, ResourceContext } from './types.js';

const LABEL: Record<string, string> = {
  network: 'network', subnet: 'subnet', port: 'port', router: 'router', security_group: 'security_group', floatingip: 'floatingip',
};

/** Heat's EntityNotFound for a name-or-id property that matches nothing. */
export class EntityNotFound extends ApiError {
  override readonly status = 404;
  constructor(kind: string, name: string) {
    super(`The ${kind === 'security_group' ? 'Security Group' : kind[0]!.toUpperCase() + kind.slice(1)} (${name}) could not be found.`, 'EntityNotFound');
  }
}

/** Resolves a name or id (Heat's neutron.<kind> constraints, find_resourceid_by_name_or_id). */
export async function findId(ctx: ResourceContext, kind: NetworkingKind, nameOrId: string): Promise<string> {
  try {
    return String((await ctx.networking.show(ctx.caller, kind, nameOrId)).id);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  const found = await ctx.networking.list(ctx.caller, kind, { name: nameOrId });
  if (found.length === 1) return String(found[0]!.id);
  if (found.length > 1) throw new Conflict(`Multiple ${LABEL[kind] ?? kind} matches found for name '${nameOrId}', use an ID to be more specific.`, 'PhysicalResourceNameAmbiguity');
  throw new EntityNotFound(LABEL[kind] ?? kind, nameOrId);
}

/** A create/update body: the given properties (nulls dropped) with value_specs merged over them. */
export function body(props: JsonMap, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (props[k] !== undefined && props[k] !== null) out[k] = props[k];
  const specs = props['value_specs'];
  if (specs && typeof specs === 'object' && !Array.isArray(specs)) {
    for (const k of Object.keys(specs)) {
      if (k in out) throw new BadRequest(`value_specs ${k} conflicts with a property`, 'StackValidationFailed');
    }
    Object.assign(out, specs);
  }
  return out;
}

/** The update body for `changed` properties (value_specs expanded). */
export function updateBody(props: JsonMap, changed: readonly string[], keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of changed) {
    if (k === 'value_specs') Object.assign(out, props[k] ?? {});
    else if (keys.includes(k)) out[k] = props[k] ?? null;
  }
  return out;
}

/** An attribute of a Neutron resource: `show` is the whole of it, others one field. */
export async function neutronAttribute(ctx: ResourceContext, kind: NetworkingKind, id: string | null, attribute: string): Promise<Json> {
  if (!id) return null;
  const v = await ctx.networking.show(ctx.caller, kind, id);
  return (attribute === 'show' ? v : v[attribute] ?? null) as Json;
}

/** Deletes, ignoring a resource already gone. */
export async function neutronDelete(ctx: ResourceContext, kind: NetworkingKind, id: string | null): Promise<void> {
  if (!id) return;
  try {
    await ctx.networking.delete(ctx.caller, kind, id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return;
    throw e;
  }
}

/** Whether a resource of that id exists (for adopting a create interrupted by a crash). */
export async function neutronExists(ctx: ResourceContext, kind: NetworkingKind, id: string): Promise<boolean> {
  try {
    await ctx.networking.show(ctx.caller, kind, id);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    throw e;
  }
}

/** Attribute schemas with the `show` every resource has. */
export function withShow(attrs: Record<string, string>): Record<string, AttributeSchema> {
  const out: Record<string, AttributeSchema> = {};
  for (const [k, d] of Object.entries(attrs)) out[k] = { description: d };
  out['show'] = { description: 'Detailed information about resource.', type: 'map' };
  return out;
}

export const valueSpecs = { type: 'map', description: 'Extra parameters to include in the request.', default: {}, update_allowed: true } as const;

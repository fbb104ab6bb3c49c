// /types: list, create (200), show (`default` too), update, delete (202), extra specs, and the
// access list of a private type (os-volume-type-access, addProjectAccess / removeProjectAccess).
import { authorize, cinderCaller, type Cinder } from './context.js';
import { BadRequest, NotFound } from './errors.js';
import type { Route } from './routes.js';
import { viewOf } from './routes.js';
import { changeTypeAccess, createType, defaultType, deleteExtraSpec, deleteType, findType, listTypes, setExtraSpecs, typeAccess, updateType } from './volume-types.js';
import { typeView } from './views.js';

export function typeRoutes(route: Route, c: Cinder): void {
  route('GET', '/types', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return { volume_types: (await listTypes(c, cinderCaller(req), q['is_public'])).map((t) => typeView(viewOf(req), t)) };
  });
  route('POST', '/types', async (req) => ({ volume_type: typeView(viewOf(req), await createType(c, cinderCaller(req), req.body), true) }));
  route('GET', '/types/:id', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume_extension:type_get');
    const t = req.params['id'] === 'default' ? await defaultType(c.store.db) : await findType(c.store.db, caller, req.params['id']!);
    return { volume_type: typeView(viewOf(req), t) };
  });
  route('PUT', '/types/:id', async (req) => ({ volume_type: typeView(viewOf(req), await updateType(c, cinderCaller(req), req.params['id']!, req.body)) }));
  route('DELETE', '/types/:id', async (req, reply) => { await deleteType(c, cinderCaller(req), req.params['id']!); return reply.code(202).send(); });
  route('GET', '/types/:id/extra_specs', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume_extension:types_extra_specs:index');
    return { extra_specs: (await findType(c.store.db, caller, req.params['id']!)).extra_specs };
  });
  route('POST', '/types/:id/extra_specs', async (req) => ({ extra_specs: await setExtraSpecs(c, cinderCaller(req), req.params['id']!, req.body) }));
  route('GET', '/types/:id/extra_specs/:key', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume_extension:types_extra_specs:show');
    const t = await findType(c.store.db, caller, req.params['id']!);
    const key = req.params['key']!;
    if (!Object.hasOwn(t.extra_specs, key)) throw new NotFound(`Volume Type ${t.id} has no extra specs with key ${key}.`, 'VolumeTypeExtraSpecsNotFound');
    return { [key]: t.extra_specs[key] };
  });
  route('PUT', '/types/:id/extra_specs/:key', async (req) => setExtraSpecs(c, cinderCaller(req), req.params['id']!, req.body, req.params['key']));
  route('DELETE', '/types/:id/extra_specs/:key', async (req, reply) => { await deleteExtraSpec(c, cinderCaller(req), req.params['id']!, req.params['key']!); return reply.code(202).send(); });
  route('GET', '/types/:id/os-volume-type-access', async (req) => ({ volume_type_access: await typeAccess(c, cinderCaller(req), req.params['id']!) }));
  route('POST', '/types/:id/action', async (req, reply) => {
    const body = req.body as Record<string, { project?: unknown } | null> | null;
    const action = body && typeof body === 'object' ? Object.keys(body)[0] : undefined;
    if (action !== 'addProjectAccess' && action !== 'removeProjectAccess') throw new BadRequest(`There is no such action: ${String(action)}`);
    await changeTypeAccess(c, cinderCaller(req), req.params['id']!, body![action]?.project, action === 'addProjectAccess');
    return reply.code(202).send();
  });
}

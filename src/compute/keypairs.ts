// Keypairs: per user, created with a Pier-generated key or imported; views per microversion
// (type at 2.2, 201/204 statuses at 2.2, user_id for admins at 2.10); the key_pairs quota.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, Conflict, Forbidden } from '../core/errors.js';
import { lastValues, type QueryParams } from '../core/resource/index.js';
import { isUniqueViolation, nowIso } from '../store/index.js';
import { novaCaller, authorize, type ComputeContext, type NovaCaller } from './context.js';
import { keypairNotFound, ValidationError } from './errors.js';
import { atLeast, type Asked } from './microversion.js';
import { quotaLimit } from './quotas.js';
import { fingerprint, generateSshKey } from './ssh-keys.js';
import type { ComputeTables } from './tables.js';

type KeypairRow = ComputeTables['keypairs'];

function view(req: Asked, k: KeypairRow, full: boolean): Record<string, unknown> {
  const v: Record<string, unknown> = { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint };
  if (atLeast(req, 2, 2)) v.type = k.type;
  if (full) Object.assign(v, { user_id: k.user_id, created_at: k.created_at.replace('Z', '').replace(/\.\d+$/, '.000000'), deleted: false, deleted_at: null, updated_at: null, id: 0 });
  return v;
}

/** The user whose keypairs a request means: the caller, or (admin, 2.10+) `user_id`. */
function whose(req: FastifyRequest, given: unknown): string {
  return whoseFor(novaCaller(req), req, given);
}

function whoseFor(caller: NovaCaller, req: Asked, given: unknown): string {
  if (given === undefined || !atLeast(req, 2, 10)) return caller.userId;
  if (typeof given !== 'string') throw new ValidationError('user_id', given, "is not of type 'string'");
  authorize(caller, 'os_compute_api:os-keypairs:create', { user_id: given });
  return given;
}

export function keypairRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const db = () => ctx.store.db;
  scope.get('/v2.1/os-keypairs', async (req) => {
    const user = whose(req, lastValues(req.query as QueryParams).user_id);
    const rows = await db().selectFrom('keypairs').selectAll().where('user_id', '=', user).orderBy('name').execute();
    return { keypairs: rows.map((k) => ({ keypair: view(req, k, false) })) };
  });
  scope.get<{ Params: { name: string } }>('/v2.1/os-keypairs/:name', async (req) => {
    const user = whose(req, lastValues(req.query as QueryParams).user_id);
    const k = await db().selectFrom('keypairs').selectAll().where('user_id', '=', user).where('name', '=', req.params.name).executeTakeFirst();
    if (!k) throw keypairNotFound(req.params.name, user);
    return { keypair: view(req, k, true) };
  });
  scope.delete<{ Params: { name: string } }>('/v2.1/os-keypairs/:name', async (req, reply) => {
    const user = whose(req, lastValues(req.query as QueryParams).user_id);
    await deleteKeypair(ctx, user, req.params.name);
    return reply.code(atLeast(req, 2, 2) ? 204 : 202).send();
  });
  scope.post('/v2.1/os-keypairs', async (req, reply) => {
    const v = await createKeypair(ctx, novaCaller(req), req.body, req);
    return reply.code(atLeast(req, 2, 2) ? 201 : 200).send({ keypair: v });
  });
}

/** Creates a keypair from a `{"keypair": …}` body (generated when it has no public_key: the
 * answer then carries private_key, the only time it is shown). */
export async function createKeypair(ctx: ComputeContext, caller: NovaCaller, given: unknown, req: Asked): Promise<Record<string, unknown>> {
  const body = (given as { keypair?: Record<string, unknown> } | null)?.keypair;
  if (!body || typeof body !== 'object') throw new ValidationError('keypair', given, "'keypair' is a required property");
  const allowed = new Set(['name', 'public_key', ...(atLeast(req, 2, 2) ? ['type'] : []), ...(atLeast(req, 2, 10) ? ['user_id'] : [])]);
  for (const k of Object.keys(body)) if (!allowed.has(k)) throw new ValidationError('keypair', body, `Additional properties are not allowed ('${k}' was unexpected)`);
  const name = body.name;
  if (typeof name !== 'string' || !name) throw new ValidationError('keypair', body, "'name' is a required property");
  // OpenStack: names are printable ASCII letters, digits, spaces, '.', '_', '-', '@' (2.92 narrowed further).
  if (name.length > 255 || !/^[A-Za-z0-9 _.@-]+$/.test(name)) throw new ValidationError('name', name, "Keypair data is invalid: Keypair name contains unsafe characters");
  const type = body.type ?? 'ssh';
  if (type !== 'ssh' && type !== 'x509') throw new ValidationError('type', type, "is not one of ['ssh', 'x509']");
  const user = whoseFor(caller, req, body.user_id);
  let publicKey: string;
  let privateKey: string | undefined;
  if (body.public_key !== undefined) {
    if (typeof body.public_key !== 'string') throw new ValidationError('public_key', body.public_key, "is not of type 'string'");
    publicKey = body.public_key.trim();
  } else {
    if (type === 'x509') throw new BadRequest('Keypair data is invalid: generating x509 certificates is not supported');
    ({ publicKey, privateKey } = generateSshKey(`Generated-by-Pier`));
  }
  const fp = fingerprint(publicKey);
  if (!fp) throw new BadRequest('Keypair data is invalid: failed to generate fingerprint');
  const row: KeypairRow = { user_id: user, name, type: type as string, public_key: publicKey, fingerprint: fp, project_id: caller.projectId, created_at: nowIso() };
  try {
    await ctx.store.tx(async (tx) => {
      const limit = await quotaLimit(tx, caller.projectId, 'key_pairs');
      const used = Number((await tx.db.selectFrom('keypairs').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', user).executeTakeFirstOrThrow()).n);
      if (limit >= 0 && used + 1 > limit) throw new Forbidden('Quota exceeded, too many key pairs.');
      await tx.db.insertInto('keypairs').values(row).execute();
      await tx.emit({ resource: 'keypair', id: `${user}/${name}`, action: 'create' });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`Key pair '${name}' already exists.`);
    throw err;
  }
  return { ...view(req, row, false), user_id: user, ...(privateKey ? { private_key: privateKey } : {}) };
}

/** Deletes `user`'s keypair `name`; a missing one throws Nova's NotFound. */
export async function deleteKeypair(ctx: ComputeContext, user: string, name: string): Promise<void> {
  await ctx.store.tx(async (tx) => {
    const r = await tx.db.deleteFrom('keypairs').where('user_id', '=', user).where('name', '=', name).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw keypairNotFound(name, user);
    await tx.emit({ resource: 'keypair', id: `${user}/${name}`, action: 'delete' });
  });
}

/** `user`'s keypair `name` as the list shows it; a missing one throws Nova's NotFound. */
export async function showKeypair(ctx: ComputeContext, user: string, name: string, req: Asked): Promise<Record<string, unknown>> {
  const k = await ctx.store.db.selectFrom('keypairs').selectAll().where('user_id', '=', user).where('name', '=', name).executeTakeFirst();
  if (!k) throw keypairNotFound(name, user);
  return view(req, k, true);
}

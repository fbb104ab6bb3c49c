// Credentials (/v3/credentials) and the EC2 view of them (/v3/users/{id}/credentials/OS-EC2):
// an EC2 credential is a credential of type `ec2` whose blob holds access + secret and whose id
// is sha256(access), as Keystone keys them. Blobs are stored as given (Keystone encrypts them at rest).
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { credentialsOf } from '../core/http/context.js';
import { fromRow, toRow, type Values } from '../core/resource/index.js';
import { authorize, collectionLinks, loadEntity, registerCrud, selfLink } from './crud.js';
import { credential as def } from './definitions/credential.js';
import { project } from './definitions/project.js';
import { user } from './definitions/user.js';
import { EntityNotFound, ValidationError } from './errors.js';
import { identityPolicy } from './policy.js';
import type { IdentityState } from './state.js';
import type { Tx } from '../store/index.js';

const ec2Id = (access: string) => createHash('sha256').update(access).digest('hex');

/** OpenStack: an ec2 credential's blob must be JSON with `access`; its id follows from it. */
function checkEc2(values: Values, current?: Values): void {
  const type = values.type ?? current?.type;
  if (type !== 'ec2') return;
  const blob = values.blob ?? current?.blob;
  let access: unknown;
  try { access = (JSON.parse(String(blob)) as { access?: unknown }).access; } catch { /* refused below */ }
  if (typeof access !== 'string' || !access) throw new ValidationError('Invalid blob in credential');
  if (!(values.project_id ?? current?.project_id)) throw new ValidationError('Credential of type ec2 requires project_id');
  if (!current) { values.id = ec2Id(access); return; }
  // OpenStack: an update keeps the id (even for a new access key) but never moves the credential's scope.
  const before = JSON.parse(String(current.blob)) as Record<string, unknown>;
  const after = JSON.parse(String(blob)) as Record<string, unknown>;
  for (const key of ['trust_id', 'app_cred_id', 'access_token_id', 'access_id']) {
    if (before[key] !== after[key]) throw new ValidationError(`${key} can not be updated for credential`);
  }
}

async function mustExist(tx: Tx, table: 'users' | 'projects', id: unknown, kind: string): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await tx.db.selectFrom(table).select('id').where('id', '=', String(id)).executeTakeFirst();
  if (!row) throw new ValidationError(`Could not find ${kind}: ${String(id)}.`);
}

export function credentialRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, def, {
    // A non-admin lists only its own credentials (Keystone filters rather than refuses).
    list: (q, _params, req) => (identityPolicy.check('identity:list_credentials_all', credentialsOf(req.ctx.auth)) ? q : q.where('user_id', '=', req.ctx.auth!.userId)),
    async beforeCreate(tx, values) {
      checkEc2(values);
      await mustExist(tx, 'users', values.user_id, 'user');
      await mustExist(tx, 'projects', values.project_id, 'project');
    },
    async beforeUpdate(tx, current, changes) {
      checkEc2(changes, current);
      await mustExist(tx, 'users', changes.user_id, 'user');
      await mustExist(tx, 'projects', changes.project_id, 'project');
    },
  });
  ec2Routes(scope, state);
}

type P = { Params: { userId: string; access: string } };

function ec2Routes(scope: FastifyInstance, state: IdentityState): void {
  const base = '/v3/users/:userId/credentials/OS-EC2';
  const render = (req: FastifyRequest, v: Values) => {
    const blob = JSON.parse(String(v.blob)) as { access: string; secret?: string; trust_id?: string | null };
    return {
      user_id: v.user_id, tenant_id: v.project_id, access: blob.access, secret: blob.secret ?? null, trust_id: blob.trust_id ?? null,
      links: selfLink(req, `users/${String(v.user_id)}/credentials/OS-EC2/${blob.access}`),
    };
  };
  const target = async (req: FastifyRequest<P>) => ({ target: { credential: { user_id: (await loadEntity(state, user, req.params.userId)).id } } });
  const load = async (userId: string, access: string) => {
    const row = await state.store.db.selectFrom('credentials').selectAll().where('id', '=', ec2Id(access))
      .where('user_id', '=', userId).where('type', '=', 'ec2').executeTakeFirst();
    if (!row) throw new EntityNotFound('credential', access);
    return fromRow(def, row);
  };

  scope.post<P>(base, async (req, reply) => {
    authorize(req, 'identity:ec2_create_credential', await target(req));
    const projectId = (req.body as { tenant_id?: unknown; project_id?: unknown } | undefined)?.tenant_id
      ?? (req.body as { project_id?: unknown } | undefined)?.project_id;
    if (typeof projectId !== 'string' || !projectId) throw new ValidationError("Invalid input for field 'tenant_id': a project id is required");
    await loadEntity(state, project, projectId);
    const access = randomBytes(16).toString('hex');
    const values: Values = {
      id: ec2Id(access), user_id: req.params.userId, project_id: projectId, type: 'ec2',
      blob: JSON.stringify({ access, secret: randomBytes(16).toString('hex'), trust_id: null }),
    };
    await state.store.tx(async (tx) => {
      await tx.db.insertInto('credentials').values(toRow(def, values, {}) as never).execute();
      await tx.emit({ resource: 'credential', id: String(values.id), action: 'create' });
    });
    return reply.code(201).send({ credential: render(req, values) });
  });

  scope.get<P>(base, async (req) => {
    authorize(req, 'identity:ec2_list_credentials', await target(req));
    const rows = await state.store.db.selectFrom('credentials').selectAll().where('user_id', '=', req.params.userId)
      .where('type', '=', 'ec2').orderBy('id').execute();
    return { credentials: rows.map((r) => render(req, fromRow(def, r))), links: collectionLinks(req) };
  });

  scope.get<P>(`${base}/:access`, async (req) => {
    authorize(req, 'identity:ec2_get_credential', await target(req));
    return { credential: render(req, await load(req.params.userId, req.params.access)) };
  });

  scope.delete<P>(`${base}/:access`, async (req, reply) => {
    authorize(req, 'identity:ec2_delete_credential', await target(req));
    const v = await load(req.params.userId, req.params.access);
    await state.store.tx(async (tx) => {
      await tx.db.deleteFrom('credentials').where('id', '=', String(v.id)).execute();
      await tx.emit({ resource: 'credential', id: String(v.id), action: 'delete' });
    });
    return reply.code(204).send();
  });
}

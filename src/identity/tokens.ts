// Issuing and validating tokens (POST/GET /v3/auth/tokens and every other service's auth hook).
// A token is a sealed payload (token-codec.ts); validation re-reads the user, scope, roles and
// revocations — through the per-generation cache — so a disabled user or a revoked token stops
// working at once, and the body is Keystone's.
import { isoMicro, newAuditId, newHexId } from '../core/ids.js';
import type { AuthContext } from '../core/http/context.js';
import { nowIso, type Tx } from '../store/index.js';
import { catalogFor } from './catalog.js';
import { effectiveRoles, expandImplied, type RoleRef, type Scope } from './effective-roles.js';
import { AuthFailed, NOT_COMPLY, ValidationError } from './errors.js';
import { verifySecret } from './passwords.js';
import { cached, type IdentityState } from './state.js';
import type { TokenPayload } from './token-codec.js';

export interface TokenBody {
  methods: string[];
  user: { domain: { id: string; name: string }; id: string; name: string; password_expires_at: null };
  audit_ids: string[];
  expires_at: string;
  issued_at: string;
  project?: { domain: { id: string; name: string }; id: string; name: string };
  is_domain?: boolean;
  domain?: { id: string; name: string };
  system?: { all: true };
  roles?: RoleRef[];
  application_credential?: { id: string; name: string; restricted: boolean };
  catalog?: unknown[];
}

export interface ValidToken { auth: AuthContext; body: TokenBody }

const METHODS = new Set(['password', 'token', 'application_credential']);
type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** POST /v3/auth/tokens: authenticates `body.auth` and returns a new token with its body. */
export async function issueToken(state: IdentityState, body: unknown): Promise<{ token: string; valid: ValidToken }> {
  const auth = isObj(body) ? body.auth : undefined;
  if (!isObj(auth) || !isObj(auth.identity) || !Array.isArray(auth.identity.methods) || !auth.identity.methods.length) {
    throw new ValidationError("Invalid input for field 'identity': 'methods' is a required property");
  }
  const methods: string[] = auth.identity.methods;
  for (const m of methods) {
    if (typeof m !== 'string' || !isObj(auth.identity[m])) throw new ValidationError(`Expecting to find ${String(m)} in identity. ${NOT_COMPLY}`);
    if (!METHODS.has(m)) throw new AuthFailed('Attempted to authenticate with an unsupported method.');
  }

  const now = Date.now();
  let userId: string | undefined;
  let expiresAt = now + state.config.tokenTtl * 1000;
  const auditIds = [newAuditId()];
  let appCred: { id: string; project_id: string } | undefined;
  let fromToken: TokenPayload | undefined;

  for (const method of methods) {
    const data = auth.identity[method] as Obj;
    let who: string;
    if (method === 'password') who = await checkPassword(state, data);
    else if (method === 'token') {
      const valid = await validateToken(state, String(data.id ?? ''));
      fromToken = state.codec.open(String(data.id))!;
      who = valid.auth.userId;
      // OpenStack: a rescoped token keeps its parent's expiry and audit chain.
      expiresAt = Math.min(expiresAt, fromToken.expiresAt);
      auditIds.push(fromToken.auditIds.at(-1)!);
      if (fromToken.appCredId) appCred = await state.store.db.selectFrom('application_credentials').select(['id', 'project_id']).where('id', '=', fromToken.appCredId).executeTakeFirst();
    } else {
      const ac = await checkAppCred(state, data);
      appCred = ac;
      who = ac.user_id;
      if (ac.expires_at) expiresAt = Math.min(expiresAt, Date.parse(ac.expires_at));
    }
    if (userId && userId !== who) throw new AuthFailed('Methods identify different users.');
    userId = who;
  }

  let scope: Scope | null;
  if (appCred) scope = { project: appCred.project_id };
  else scope = await resolveScope(state, auth.scope, userId!);
  const payload: TokenPayload = {
    // OpenStack: a rescoped token lists the methods of the token it came from as well.
    userId: userId!, methods: [...new Set([...methods, ...(fromToken?.methods ?? [])])],
    scope, issuedAt: now, expiresAt, auditIds, appCredId: appCred?.id,
  };
  const token = state.codec.seal(payload);
  const valid = await check(state, payload, token);
  return { token, valid };
}

/** A project-scoped token for a user, issued by Pier itself (no credentials: the caller is a
 * service acting for that user, as Heat's wait condition handles get one for the stack owner). */
export async function issueServiceToken(state: IdentityState, userId: string, projectId: string): Promise<string> {
  const now = Date.now();
  const payload: TokenPayload = {
    userId, methods: ['token'], scope: { project: projectId }, issuedAt: now, expiresAt: now + state.config.tokenTtl * 1000, auditIds: [newAuditId()],
  };
  const token = state.codec.seal(payload);
  await check(state, payload, token);
  return token;
}

/** The token's caller and Keystone body; AuthFailed when it is invalid, expired or revoked. */
export async function validateToken(state: IdentityState, token: string): Promise<ValidToken> {
  // A token validated in this identity generation is known by its exact text: no need to open
  // (decrypt) it again — only its expiry can have changed since. Any identity change, revocation
  // included, empties the cache, so a revoked token is opened and re-checked on its next use.
  const known = state.cache.get(`token:${token}`) as ValidToken | undefined;
  if (known) {
    if (Date.parse(known.auth.expiresAt) <= Date.now()) throw new AuthFailed('The request you have made requires authentication.');
    return known;
  }
  const payload = state.codec.open(token);
  if (!payload) throw new AuthFailed('The request you have made requires authentication.');
  if (payload.expiresAt <= Date.now()) throw new AuthFailed('The request you have made requires authentication.');
  return cached(state, `token:${token}`, () => check(state, payload, token));
}

async function check(state: IdentityState, p: TokenPayload, token: string): Promise<ValidToken> {
  const db = state.store.db;
  const invalid = () => new AuthFailed('The request you have made requires authentication.');
  if (await isRevoked(state, p)) throw invalid();
  const user = await db.selectFrom('users').innerJoin('domains', 'domains.id', 'users.domain_id')
    .select(['users.id', 'users.name', 'users.enabled', 'users.domain_id', 'domains.name as domain_name', 'domains.enabled as domain_enabled'])
    .where('users.id', '=', p.userId).executeTakeFirst();
  if (!user || !user.enabled || !user.domain_enabled) throw invalid();

  const body: TokenBody = {
    methods: p.methods,
    user: { domain: { id: user.domain_id, name: user.domain_name }, id: user.id, name: user.name, password_expires_at: null },
    audit_ids: p.auditIds,
    expires_at: isoMicro(p.expiresAt),
    issued_at: isoMicro(p.issuedAt),
  };
  const auth: AuthContext = {
    token, userId: user.id, userName: user.name, userDomainId: user.domain_id, roles: [], roleIds: [],
    methods: p.methods, auditId: p.auditIds[0]!, issuedAt: body.issued_at, expiresAt: body.expires_at, isAdmin: false,
  };
  if (p.scope) {
    let roles = await effectiveRoles(db, user.id, p.scope);
    if ('project' in p.scope) {
      const project = await db.selectFrom('projects').innerJoin('domains', 'domains.id', 'projects.domain_id')
        .select(['projects.id', 'projects.name', 'projects.enabled', 'projects.domain_id', 'domains.name as domain_name', 'domains.enabled as domain_enabled'])
        .where('projects.id', '=', p.scope.project).executeTakeFirst();
      if (!project || !project.enabled || !project.domain_enabled) throw invalid();
      body.project = { domain: { id: project.domain_id, name: project.domain_name }, id: project.id, name: project.name };
      body.is_domain = false;
      Object.assign(auth, { projectId: project.id, projectName: project.name, projectDomainId: project.domain_id });
    } else if ('domain' in p.scope) {
      const domain = await db.selectFrom('domains').select(['id', 'name', 'enabled']).where('id', '=', p.scope.domain).executeTakeFirst();
      if (!domain || !domain.enabled) throw invalid();
      body.domain = { id: domain.id, name: domain.name };
      Object.assign(auth, { domainId: domain.id, domainName: domain.name });
    } else {
      body.system = { all: true };
      auth.system = true;
    }
    if (p.appCredId) {
      const ac = await db.selectFrom('application_credentials').selectAll().where('id', '=', p.appCredId).executeTakeFirst();
      if (!ac || (ac.expires_at && Date.parse(ac.expires_at) <= Date.now())) throw invalid();
      // The credential's roles, as long as the user still holds them; then what they imply.
      const held = new Set(roles.map((r) => r.id));
      const granted = (JSON.parse(ac.roles) as RoleRef[]).filter((r) => held.has(r.id));
      if (!granted.length) throw invalid();
      roles = await expandImplied(db, granted.map((r) => r.id));
      body.application_credential = { id: ac.id, name: ac.name, restricted: !ac.unrestricted };
      auth.appCredId = ac.id;
    }
    if (!roles.length) throw invalid();
    body.roles = roles;
    auth.roles = roles.map((r) => r.name.toLowerCase());
    auth.roleIds = roles.map((r) => r.id);
    auth.isAdmin = auth.roles.includes('admin');
  }
  return { auth, body };
}

/** Adds the catalog unless asked not to (Keystone's `nocatalog`); unscoped tokens have none. */
export async function withCatalog(state: IdentityState, valid: ValidToken, baseUrl: string, nocatalog: boolean): Promise<TokenBody> {
  if (nocatalog || !valid.body.roles) return valid.body;
  return { ...valid.body, catalog: await catalogFor(state, baseUrl, { projectId: valid.auth.projectId, userId: valid.auth.userId }) };
}

/** DELETE /v3/auth/tokens: revokes the token (and tokens rescoped from it) by audit id. */
export async function revokeToken(state: IdentityState, payload: TokenPayload): Promise<void> {
  await addRevocation(state, { audit_id: payload.auditIds[0]! });
}

export interface RevocationMatch { audit_id?: string; user_id?: string; project_id?: string; domain_id?: string; app_cred_id?: string }

/** Revokes every token matching all given fields issued until now (password change, disable, delete). */
export async function addRevocation(state: IdentityState, match: RevocationMatch, tx?: Tx): Promise<void> {
  const write = async (t: Tx) => {
    const now = nowIso();
    await t.db.insertInto('revocation_events').values({
      id: newHexId(), audit_id: match.audit_id ?? null, user_id: match.user_id ?? null, project_id: match.project_id ?? null,
      domain_id: match.domain_id ?? null, app_cred_id: match.app_cred_id ?? null, issued_before: now, created_at: now,
    }).execute();
    // Events older than any token are dead weight.
    const horizon = new Date(Date.now() - state.config.tokenTtl * 1000 - 60_000).toISOString();
    await t.db.deleteFrom('revocation_events').where('issued_before', '<', horizon).execute();
    await t.emit({ resource: 'revocation_event', id: match.audit_id ?? match.user_id ?? match.project_id ?? '', action: 'create' });
  };
  if (tx) await write(tx); else await state.store.tx(write);
}

async function isRevoked(state: IdentityState, p: TokenPayload): Promise<boolean> {
  const events = await cached(state, 'revocations', () => state.store.db.selectFrom('revocation_events').selectAll().execute());
  const project = p.scope && 'project' in p.scope ? p.scope.project : undefined;
  const domain = p.scope && 'domain' in p.scope ? p.scope.domain : undefined;
  return events.some((e) =>
    Date.parse(e.issued_before) >= p.issuedAt &&
    (e.audit_id === null || p.auditIds.includes(e.audit_id)) &&
    (e.user_id === null || e.user_id === p.userId) &&
    (e.project_id === null || e.project_id === project) &&
    (e.domain_id === null || e.domain_id === domain) &&
    (e.app_cred_id === null || e.app_cred_id === p.appCredId));
}

async function findDomainId(state: IdentityState, ref: unknown): Promise<string> {
  if (!isObj(ref)) throw new ValidationError("Invalid input for field 'domain': expected an object with 'id' or 'name'");
  const q = state.store.db.selectFrom('domains').select('id');
  const row = typeof ref.id === 'string' ? await q.where('id', '=', ref.id).executeTakeFirst()
    : typeof ref.name === 'string' ? await q.where('name', '=', ref.name).executeTakeFirst() : undefined;
  if (!row) throw new AuthFailed('The request you have made requires authentication.');
  return row.id;
}

async function findUserId(state: IdentityState, ref: unknown): Promise<string> {
  if (!isObj(ref)) throw new ValidationError("Invalid input for field 'user': expected an object");
  const q = state.store.db.selectFrom('users').select('id');
  const row = typeof ref.id === 'string' ? await q.where('id', '=', ref.id).executeTakeFirst()
    : typeof ref.name === 'string' ? await q.where('name', '=', ref.name).where('domain_id', '=', await findDomainId(state, ref.domain)).executeTakeFirst()
      : undefined;
  if (!row) throw new AuthFailed('The request you have made requires authentication.');
  return row.id;
}

async function checkPassword(state: IdentityState, data: Obj): Promise<string> {
  const userId = await findUserId(state, data.user);
  const user = await state.store.db.selectFrom('users').innerJoin('domains', 'domains.id', 'users.domain_id')
    .select(['users.password_hash', 'users.enabled', 'domains.enabled as domain_enabled']).where('users.id', '=', userId).executeTakeFirstOrThrow();
  const password = isObj(data.user) ? data.user.password : undefined;
  if (typeof password !== 'string' || !user.enabled || !user.domain_enabled || !(await verifySecret(password, user.password_hash))) {
    throw new AuthFailed('The request you have made requires authentication.');
  }
  return userId;
}

async function checkAppCred(state: IdentityState, data: Obj) {
  const db = state.store.db;
  if (typeof data.secret !== 'string') throw new ValidationError("Invalid input for field 'application_credential': 'secret' is a required property");
  let q = db.selectFrom('application_credentials').selectAll();
  if (typeof data.id === 'string') q = q.where('id', '=', data.id);
  else if (typeof data.name === 'string') q = q.where('name', '=', data.name).where('user_id', '=', await findUserId(state, data.user));
  else throw new ValidationError("Invalid input for field 'application_credential': 'id' or 'name' is required");
  const ac = await q.executeTakeFirst();
  if (!ac || !(await verifySecret(data.secret, ac.secret_hash)) || (ac.expires_at && Date.parse(ac.expires_at) <= Date.now())) {
    throw new AuthFailed('The request you have made requires authentication.');
  }
  return ac;
}

async function resolveScope(state: IdentityState, scope: unknown, userId: string): Promise<Scope | null> {
  const db = state.store.db;
  if (scope === undefined || scope === 'unscoped') {
    // OpenStack: no scope means the user's default project, when the user has a role there.
    const user = await db.selectFrom('users').select('default_project_id').where('id', '=', userId).executeTakeFirst();
    if (user?.default_project_id && (await effectiveRoles(db, userId, { project: user.default_project_id })).length) {
      return scope === 'unscoped' ? null : { project: user.default_project_id };
    }
    return null;
  }
  if (!isObj(scope)) throw new ValidationError("Invalid input for field 'scope': expected an object");
  let resolved: Scope;
  if (isObj(scope.project)) {
    const ref = scope.project;
    const q = db.selectFrom('projects').select('id');
    const row = typeof ref.id === 'string' ? await q.where('id', '=', ref.id).executeTakeFirst()
      : typeof ref.name === 'string' ? await q.where('name', '=', ref.name).where('domain_id', '=', await findDomainId(state, ref.domain)).executeTakeFirst()
        : undefined;
    if (!row) throw new AuthFailed(`Could not find project: ${String(ref.id ?? ref.name)}.`);
    resolved = { project: row.id };
  } else if (isObj(scope.domain)) {
    resolved = { domain: await findDomainId(state, scope.domain) };
  } else if (isObj(scope.system) && scope.system.all === true) {
    resolved = { system: 'all' };
  } else {
    throw new ValidationError("Invalid input for field 'scope': expected 'project', 'domain' or 'system'");
  }
  if (!(await effectiveRoles(db, userId, resolved)).length) {
    const what = 'project' in resolved ? `project ${resolved.project}` : 'domain' in resolved ? `domain ${resolved.domain}` : 'the system';
    throw new AuthFailed(`User ${userId} has no access to ${what}`);
  }
  return resolved;
}

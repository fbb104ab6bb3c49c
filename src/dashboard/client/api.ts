// The session and the calls: the Keystone token lives only in this module's memory (never in
// storage or a cookie) and goes out as X-Auth-Token, so another site can neither read nor ride
// it. Endpoints come from the token's catalog; every error carries the API's own message.

export interface Session {
  token: string;
  user: { id: string; name: string; domain: string };
  project?: { id: string; name: string };
  roles: string[];
  expiresAt: string;
  /** Catalog type → path on this origin (`compute` → `/compute/v2.1`). */
  endpoints: Record<string, string>;
}

let session: Session | undefined;
/** Called when the API refuses the token (expired, revoked): the page goes back to log in. */
let onExpired: (why: string) => void = () => {};

export const current = (): Session | undefined => session;
export const isAdmin = (): boolean => Boolean(session?.roles.includes('admin'));
export const has = (type: string): boolean => Boolean(session?.endpoints[type]);
export function whenExpired(f: (why: string) => void): void { onExpired = f; }

export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** The message inside any OpenStack error body (Keystone, Neutron, Nova, Heat, Glance shapes differ). */
export function errorMessage(body: unknown, status: number): string {
  const seen = (v: unknown): string | undefined => {
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.message === 'string' && o.message) return o.message;
    if (typeof o.explanation === 'string' && o.explanation) return o.explanation;
    for (const x of Object.values(o)) { const m = seen(x); if (m) return m; }
    return undefined;
  };
  return seen(body) ?? (typeof body === 'string' && body ? body.slice(0, 300) : `The request failed (HTTP ${status}).`);
}

interface CallOptions { body?: unknown; headers?: Record<string, string>; raw?: BodyInit; token?: string }

/** A JSON call to `path` on this origin; throws ApiError with the API's message. */
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<{ body: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const token = opts.token ?? session?.token;
  if (token) headers['x-auth-token'] = token;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) { headers['content-type'] ??= 'application/json'; body = JSON.stringify(opts.body); }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'Pier cannot be reached. Is it running?');
  }
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  if (!res.ok) {
    const message = errorMessage(parsed, res.status);
    if (res.status === 401 && session && token === session.token && !path.endsWith('/auth/tokens')) {
      session = undefined;
      onExpired(`Your session has ended (${message}) Log in again.`);
    }
    throw new ApiError(res.status, message);
  }
  return { body: parsed as T, headers: res.headers };
}

/** A call to a service by catalog type: `svc('network', 'GET', '/v2.0/networks')`. */
export async function svc<T = any>(type: string, method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const base = session?.endpoints[type];
  if (!base) throw new ApiError(0, `This cloud has no ${type} service.`);
  // Nova: ask for the newest microversion the dashboard knows (remote consoles need 2.6+).
  const headers = type === 'compute' ? { 'openstack-api-version': 'compute 2.79', ...opts.headers } : opts.headers;
  return (await call<T>(method, `${base}${path}`, { ...opts, headers })).body;
}

interface TokenBody {
  token: {
    user: { id: string; name: string; domain: { name: string } };
    project?: { id: string; name: string };
    roles?: { name: string }[];
    expires_at: string;
    catalog?: { type: string; endpoints: { interface: string; url: string }[] }[];
  };
}

function adopt(token: string, body: TokenBody): Session {
  const t = body.token;
  const endpoints: Record<string, string> = {};
  for (const c of t.catalog ?? []) {
    const e = c.endpoints.find((x) => x.interface === 'public') ?? c.endpoints[0];
    // Same origin as the page whatever host name the catalog was written with.
    if (e) endpoints[c.type] = new URL(e.url, location.href).pathname.replace(/\/$/, '');
  }
  session = {
    token, expiresAt: t.expires_at, endpoints,
    user: { id: t.user.id, name: t.user.name, domain: t.user.domain.name },
    project: t.project ? { id: t.project.id, name: t.project.name } : undefined,
    roles: (t.roles ?? []).map((r) => r.name.toLowerCase()),
  };
  return session;
}

async function issue(auth: unknown, token?: string): Promise<Session> {
  const r = await call<TokenBody>('POST', '/identity/v3/auth/tokens', { body: { auth }, token: token ?? '' });
  return adopt(r.headers.get('x-subject-token') ?? '', r.body);
}

export async function login(domain: string, user: string, password: string): Promise<Session> {
  return issue({ identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } } });
}

export async function loginAppCredential(id: string, secret: string): Promise<Session> {
  return issue({ identity: { methods: ['application_credential'], application_credential: { id, secret } } });
}

export async function projects(): Promise<{ id: string; name: string }[]> {
  return (await call<{ projects: { id: string; name: string }[] }>('GET', '/identity/v3/auth/projects')).body.projects;
}

/**
 * A new token for the same user scoped to `projectId`. The old one is dropped, not revoked: a
 * rescoped token is in the old one's audit chain, and Keystone's revocation takes the chain.
 */
export async function switchProject(projectId: string): Promise<Session> {
  const old = session!.token;
  return issue({ identity: { methods: ['token'], token: { id: old } }, scope: { project: { id: projectId } } }, old);
}

export async function logout(): Promise<void> {
  const s = session;
  session = undefined;
  if (s) await call('DELETE', '/identity/v3/auth/tokens', { token: s.token, headers: { 'x-subject-token': s.token } }).catch(() => {});
}

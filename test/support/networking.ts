// Helpers for the Networking (Neutron v2.0) API suites: a Pier with three callers — the admin,
// the demo member, and a member of a second project — plain request helpers, and the assertions
// every error test makes (status, NeutronError type, and that nothing changed).
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, type Reply, type TestPier } from './pier.js';

/** A well-formed id that names nothing. */
export const NOWHERE = '11111111-1111-4111-8111-111111111111';

/** One caller: a project-scoped token and JSON requests under /networking/v2.0. */
export class Client {
  constructor(readonly url: string, readonly token: string, readonly projectId: string) {}

  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return call(this.url, method, `/networking/v2.0${path}`, { token: this.token, body, headers });
  }
  get(path: string) { return this.request('GET', path); }
  post(path: string, body: unknown) { return this.request('POST', path, body); }
  put(path: string, body?: unknown, headers?: Record<string, string>) { return this.request('PUT', path, body, headers); }
  del(path: string, headers?: Record<string, string>) { return this.request('DELETE', path, undefined, headers); }

  /** Creates one resource (`POST /<plural>` with `{<singular>: body}`), asserting 201. */
  async create(plural: string, singular: string, body: Record<string, unknown>): Promise<any> {
    const r = await this.post(`/${plural}`, { [singular]: body });
    assert.equal(r.status, 201, `create ${singular}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body[singular];
  }
  network(body: Record<string, unknown> = {}) { return this.create('networks', 'network', body); }
  subnet(networkId: string, cidr: string, body: Record<string, unknown> = {}) {
    return this.create('subnets', 'subnet', { network_id: networkId, cidr, ip_version: cidr.includes(':') ? 6 : 4, ...body });
  }
  port(networkId: string, body: Record<string, unknown> = {}) { return this.create('ports', 'port', { network_id: networkId, ...body }); }
  router(body: Record<string, unknown> = {}) { return this.create('routers', 'router', body); }

  /** GETs a collection (or one resource) and returns its body, asserting 200. */
  async read(path: string): Promise<any> {
    const r = await this.get(path);
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

export interface Cloud {
  t: TestPier;
  admin: Client;
  /** The demo project's member. */
  demo: Client;
  /** A member of a second project, `other`. */
  other: Client;
  close(): Promise<void>;
}

async function login(url: string, user: string, password: string, project: string): Promise<Client> {
  const r = await call(url, 'POST', '/identity/v3/auth/tokens', {
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { project: { name: project, domain: { id: 'default' } } } } },
  });
  assert.equal(r.status, 201, `token for ${user}: ${JSON.stringify(r.body)}`);
  return new Client(url, r.headers.get('x-subject-token')!, r.body.token.project.id);
}

/** Starts a Pier on `store` and logs in the admin, the demo member and a member of project `other`. */
export async function startCloud(store: 'sqlite' | 'postgres'): Promise<Cloud> {
  const t = await startTestPier({}, store);
  const admin = await login(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  const demo = await login(t.url, 'demo', DEMO_PASSWORD, 'demo');
  const ks = (method: string, path: string, body?: unknown) => call(t.url, method, `/identity/v3${path}`, { token: admin.token, body });
  const project = (await ks('POST', '/projects', { project: { name: 'other', domain_id: 'default' } })).body.project;
  const user = (await ks('POST', '/users', { user: { name: 'other', domain_id: 'default', password: 'other-test-password', default_project_id: project.id } })).body.user;
  const member = (await ks('GET', '/roles?name=member')).body.roles[0];
  assert.equal((await ks('PUT', `/projects/${project.id}/users/${user.id}/roles/${member.id}`)).status, 204);
  const other = await login(t.url, 'other', 'other-test-password', 'other');
  return { t, admin, demo, other, close: () => t.close() };
}

/** Asserts a Neutron error body: the status, `NeutronError.type`, and a message. */
export function neutronError(r: Reply, status: number, type: string): void {
  const shown = `${r.status} ${JSON.stringify(r.body).slice(0, 600)}`;
  assert.equal(r.status, status, `expected ${status} ${type}, got ${shown}`);
  assert.equal(r.body?.NeutronError?.type, type, `expected ${status} ${type}, got ${shown}`);
  assert.equal(typeof r.body.NeutronError.message, 'string', shown);
  assert.ok(r.body.NeutronError.message.length > 0, shown);
}

/** Port attributes the dataplane writes on its own, some time after a port is plugged. */
const DATAPLANE_OWNED = ['status', 'binding:vif_type', 'binding:vif_details', 'revision_number', 'updated_at'];

/** `value` without what the dataplane changes in the background (on ports only). */
function settled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(settled);
  if (value === null || typeof value !== 'object') return value;
  const isPort = 'mac_address' in value && 'fixed_ips' in value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !(isPort && DATAPLANE_OWNED.includes(k))).map(([k, v]) => [k, settled(v)]));
}

/**
 * Runs `action` and asserts that `read` gives the same answer before and after it — apart from
 * the status the dataplane reports on plugged ports, which may land at any moment.
 */
export async function unchanged(read: () => Promise<unknown>, action: () => Promise<void>): Promise<void> {
  const before = settled(await read());
  await action();
  assert.deepEqual(settled(await read()), before);
}

/** `ip` as a number (IPv4 only). */
export const ipv4 = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** The ids of a list, as a set. */
export const idsOf = (items: { id: string }[]) => new Set(items.map((x) => x.id));

/** Neutron's timestamp format for created_at / updated_at. */
export const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

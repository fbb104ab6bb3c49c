// Identity v3 over real HTTP against a real Pier (embedded store, or PostgreSQL when
// PIER_TEST_DATABASE_URL is set): the token lifecycle, CRUD, policy, and bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../support/pier.js';

/** Asserts Keystone's error body. */
function keystoneError(r: { status: number; body: any }, code: number) {
  assert.equal(r.status, code, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code);
  assert.equal(typeof r.body.error.message, 'string');
  assert.equal(typeof r.body.error.title, 'string');
}

for (const store of testStores()) describe(`identity on ${store}`, () => {
  let t: TestPier;
  let admin: string;
  const ks = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, `/identity/v3${path}`, { token: admin, ...opts });

  before(async () => {
    t = await startTestPier({}, store);
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  });
  after(() => t.close());

  describe('version discovery', () => {
    test('root answers 300 with v3; /v3 answers its version document', async () => {
      const root = await call(t.url, 'GET', '/identity');
      assert.equal(root.status, 300);
      assert.equal(root.body.versions.values[0].id, 'v3.14');
      const v3 = await call(t.url, 'GET', '/identity/v3');
      assert.equal(v3.status, 200);
      assert.equal(v3.body.version.links[0].href, `${t.url.replace('127.0.0.1', '127.0.0.1')}/identity/v3/`);
      assert.match(v3.headers.get('x-openstack-request-id')!, /^req-[0-9a-f-]{36}$/);
    });
  });

  describe('tokens', () => {
    test('password auth scoped to a project: Keystone body, catalog, implied roles', async () => {
      const r = await call(t.url, 'POST', '/identity/v3/auth/tokens', {
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } },
      });
      assert.equal(r.status, 201);
      assert.ok(r.headers.get('x-subject-token'));
      const tok = r.body.token;
      assert.deepEqual(tok.methods, ['password']);
      assert.equal(tok.user.name, 'admin');
      assert.deepEqual(tok.user.domain, { id: 'default', name: 'Default' });
      assert.equal(tok.project.name, 'admin');
      assert.deepEqual(tok.roles.map((x: any) => x.name).sort(), ['admin', 'member', 'reader']);
      assert.match(tok.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.equal(tok.audit_ids.length, 1);
      const identity = tok.catalog.find((s: any) => s.type === 'identity');
      assert.deepEqual(identity.endpoints.map((e: any) => e.interface).sort(), ['admin', 'internal', 'public']);
      assert.equal(identity.endpoints[0].url, `${t.url}/identity/v3`);
    });

    test('nocatalog, unscoped, domain and system scopes', async () => {
      const body = (scope?: unknown) => ({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD } } }, ...(scope ? { scope } : {}) } });
      const nocat = await call(t.url, 'POST', '/identity/v3/auth/tokens?nocatalog', { body: body({ project: { name: 'admin', domain: { id: 'default' } } }) });
      assert.equal(nocat.body.token.catalog, undefined);
      const unscoped = await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: body('unscoped') });
      assert.equal(unscoped.status, 201);
      assert.equal(unscoped.body.token.project, undefined);
      assert.equal(unscoped.body.token.roles, undefined);
      const system = await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: body({ system: { all: true } }) });
      assert.deepEqual(system.body.token.system, { all: true });
      // Default: the user's default project.
      const dflt = await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: body() });
      assert.equal(dflt.body.token.project.name, 'admin');
      // No role on the domain yet: 401.
      const domain = await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: body({ domain: { id: 'default' } }) });
      keystoneError(domain, 401);
    });

    test('wrong password, unknown user, unknown or missing method', async () => {
      const wrong = await call(t.url, 'POST', '/identity/v3/auth/tokens', {
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'nope' } } } } },
      });
      keystoneError(wrong, 401);
      assert.equal(wrong.body.error.message, 'The request you have made requires authentication.');
      assert.match(wrong.headers.get('www-authenticate')!, /^Keystone uri=/);
      const nobody = await call(t.url, 'POST', '/identity/v3/auth/tokens', {
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'ghost', domain: { id: 'default' }, password: 'x' } } } } },
      });
      keystoneError(nobody, 401);
      keystoneError(await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['kerberos'], kerberos: {} } } } }), 401);
      keystoneError(await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['foo'] } } } }), 400);
      keystoneError(await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: { auth: {} } }), 400);
    });

    test('validate, check, rescope and revoke', async () => {
      const tok = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
      const v = await ks('GET', '/auth/tokens', { headers: { 'x-subject-token': tok } });
      assert.equal(v.status, 200);
      assert.equal(v.body.token.user.name, 'demo');
      assert.equal(v.headers.get('x-subject-token'), tok);
      assert.equal((await ks('HEAD', '/auth/tokens', { headers: { 'x-subject-token': tok } })).status, 200);
      // A user may validate its own token, not another's.
      assert.equal((await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: tok, headers: { 'x-subject-token': tok } })).status, 200);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: tok, headers: { 'x-subject-token': admin } }), 403);
      keystoneError(await ks('GET', '/auth/tokens', { headers: { 'x-subject-token': 'garbage' } }), 404);
      // Rescope: same user, same expiry, audit chain carried.
      const re = await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['token'], token: { id: tok } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } } } });
      assert.equal(re.status, 201);
      assert.equal(re.body.token.expires_at, v.body.token.expires_at);
      assert.equal(re.body.token.audit_ids[1], v.body.token.audit_ids[0]);
      // Revoke: the token and tokens rescoped from it stop working.
      assert.equal((await ks('DELETE', '/auth/tokens', { headers: { 'x-subject-token': tok } })).status, 204);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/projects', { token: tok }), 401);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/projects', { token: re.headers.get('x-subject-token')! }), 401);
    });

    test('an expired token is refused', async () => {
      const short = await startTestPier({ identity: { tokenTtl: 1 } }, store);
      try {
        const tok = await tokenFor(short.url, 'admin', ADMIN_PASSWORD, 'admin');
        assert.equal((await call(short.url, 'GET', '/identity/v3/auth/catalog', { token: tok })).status, 200);
        await new Promise((r) => setTimeout(r, 1100));
        keystoneError(await call(short.url, 'GET', '/identity/v3/auth/catalog', { token: tok }), 401);
      } finally {
        await short.close();
      }
    });

    test('a request without a token, or with a forged one, is 401', async () => {
      keystoneError(await call(t.url, 'GET', '/identity/v3/projects'), 401);
      keystoneError(await call(t.url, 'GET', '/identity/v3/projects', { token: admin.slice(0, -4) + 'AAAA' }), 401);
    });
  });

  describe('policy and scoping', () => {
    test('a member cannot create a project and cannot read another project', async () => {
      const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
      const before = (await ks('GET', '/projects')).body.projects.length;
      const r = await call(t.url, 'POST', '/identity/v3/projects', { token: demo, body: { project: { name: 'sneaky' } } });
      keystoneError(r, 403);
      assert.equal(r.body.error.message, 'You are not authorized to perform the requested action: identity:create_project.');
      assert.equal((await ks('GET', '/projects')).body.projects.length, before);
      const projects = (await ks('GET', '/projects')).body.projects;
      const demoProject = projects.find((p: any) => p.name === 'demo');
      const adminProject = projects.find((p: any) => p.name === 'admin');
      assert.equal((await call(t.url, 'GET', `/identity/v3/projects/${demoProject.id}`, { token: demo })).status, 200);
      keystoneError(await call(t.url, 'GET', `/identity/v3/projects/${adminProject.id}`, { token: demo }), 403);
      keystoneError(await call(t.url, 'GET', '/identity/v3/users', { token: demo }), 403);
      const auth = await call(t.url, 'GET', '/identity/v3/auth/projects', { token: demo });
      assert.deepEqual(auth.body.projects.map((p: any) => p.name), ['demo']);
    });
  });

  describe('bad input changes nothing', () => {
    const count = async () => (await ks('GET', '/projects')).body.projects.length;
    test('malformed JSON, wrong types, missing fields, unknown read-only, huge body', async () => {
      const n = await count();
      const bad = async (body: unknown, code = 400) => keystoneError(await ks('POST', '/projects', { body }), code);
      await bad('{"project": {"name": ');
      await bad({ project: { name: 1 } });
      await bad({ project: { name: 'x', enabled: 'maybe' } });
      await bad({ project: {} });
      await bad({ project: 'x' });
      await bad({ notproject: {} });
      await bad({ project: { name: 'x', id: 'chosen' } });
      await bad({ project: { name: 'x', domain_id: 'nope' } });
      await bad({ project: { name: 'x', tags: ['a,b'] } });
      await bad(JSON.stringify({ project: { name: 'x', description: 'a'.repeat(2 * 1024 * 1024) } }), 413);
      assert.equal(await count(), n);
      const user = await ks('POST', '/users', { body: { user: { name: 'typed', enabled: 3 } } });
      keystoneError(user, 400);
      assert.equal((await ks('GET', '/users?name=typed')).body.users.length, 0);
    });

    test('unknown routes and entities are Keystone 404s with a request id', async () => {
      const r = await ks('GET', '/projects/nonexistent');
      keystoneError(r, 404);
      assert.equal(r.body.error.message, 'Could not find project: nonexistent.');
      assert.ok(r.headers.get('x-openstack-request-id'));
      keystoneError(await ks('GET', '/no-such-collection'), 404);
    });

    test('duplicates are 409 and leave one', async () => {
      assert.equal((await ks('POST', '/projects', { body: { project: { name: 'dup' } } })).status, 201);
      keystoneError(await ks('POST', '/projects', { body: { project: { name: 'dup' } } }), 409);
      assert.equal((await ks('GET', '/projects?name=dup')).body.projects.length, 1);
    });
  });

  describe('resources', () => {
    test('projects: create, hierarchy, tags and tag filters, update, delete', async () => {
      const p = (await ks('POST', '/projects', { body: { project: { name: 'parent', tags: ['red', 'big'], extra_thing: 'kept' } } })).body.project;
      assert.equal(p.domain_id, 'default');
      assert.equal(p.parent_id, 'default');
      assert.equal(p.is_domain, false);
      assert.equal(p.extra_thing, 'kept');
      assert.equal(p.links.self, `${t.url}/identity/v3/projects/${p.id}`);
      const child = (await ks('POST', '/projects', { body: { project: { name: 'child', parent_id: p.id, tags: ['red'] } } })).body.project;
      assert.equal(child.parent_id, p.id);
      const names = async (q: string) => (await ks('GET', `/projects?${q}`)).body.projects.map((x: any) => x.name).sort();
      assert.deepEqual(await names('tags=red,big'), ['parent']);
      assert.deepEqual(await names('tags-any=red'), ['child', 'parent']);
      assert.ok(!(await names('not-tags-any=red')).includes('child'));
      assert.equal((await ks('PUT', `/projects/${child.id}/tags/blue`)).status, 201);
      assert.deepEqual((await ks('GET', `/projects/${child.id}/tags`)).body.tags, ['red', 'blue']);
      keystoneError(await ks('DELETE', `/projects/${p.id}`), 403);
      const upd = await ks('PATCH', `/projects/${child.id}`, { body: { project: { description: 'new', enabled: false } } });
      assert.equal(upd.body.project.description, 'new');
      assert.equal(upd.body.project.enabled, false);
      keystoneError(await ks('PATCH', `/projects/${child.id}`, { body: { project: { domain_id: 'other' } } }), 400);
      assert.equal((await ks('DELETE', `/projects/${child.id}`)).status, 204);
      assert.equal((await ks('DELETE', `/projects/${p.id}`)).status, 204);
    });

    test('users, password change by the user, disable revokes', async () => {
      const u = (await ks('POST', '/users', { body: { user: { name: 'alice', password: 'pw-one', email: 'a@example.com' } } })).body.user;
      assert.equal(u.password, undefined);
      assert.equal(u.email, 'a@example.com');
      assert.equal(u.password_expires_at, null);
      const demoProject = (await ks('GET', '/projects?name=demo')).body.projects[0];
      const member = (await ks('GET', '/roles?name=member')).body.roles[0];
      assert.equal((await ks('PUT', `/projects/${demoProject.id}/users/${u.id}/roles/${member.id}`)).status, 204);
      const tok = await tokenFor(t.url, 'alice', 'pw-one', 'demo');
      // Wrong original password: 401, nothing changes.
      keystoneError(await call(t.url, 'POST', `/identity/v3/users/${u.id}/password`, { token: tok, body: { user: { password: 'pw-two', original_password: 'bad' } } }), 401);
      assert.equal((await call(t.url, 'POST', `/identity/v3/users/${u.id}/password`, { token: tok, body: { user: { password: 'pw-two', original_password: 'pw-one' } } })).status, 204);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/projects', { token: tok }), 401);
      await assert.rejects(tokenFor(t.url, 'alice', 'pw-one', 'demo'));
      const tok2 = await tokenFor(t.url, 'alice', 'pw-two', 'demo');
      assert.equal((await ks('PATCH', `/users/${u.id}`, { body: { user: { enabled: false } } })).status, 200);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/projects', { token: tok2 }), 401);
      await assert.rejects(tokenFor(t.url, 'alice', 'pw-two', 'demo'));
      assert.equal((await ks('DELETE', `/users/${u.id}`)).status, 204);
      assert.equal((await ks('GET', `/role_assignments?user.id=${u.id}`)).body.role_assignments.length, 0);
    });

    test('disabling a project invalidates its tokens', async () => {
      const p = (await ks('POST', '/projects', { body: { project: { name: 'short-lived' } } })).body.project;
      const adminUser = (await ks('GET', '/users?name=admin')).body.users[0];
      const role = (await ks('GET', '/roles?name=admin')).body.roles[0];
      await ks('PUT', `/projects/${p.id}/users/${adminUser.id}/roles/${role.id}`);
      const tok = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'short-lived');
      assert.equal((await call(t.url, 'GET', '/identity/v3/auth/catalog', { token: tok })).status, 200);
      await ks('PATCH', `/projects/${p.id}`, { body: { project: { enabled: false } } });
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/catalog', { token: tok }), 401);
      await ks('DELETE', `/projects/${p.id}`);
    });

    test('groups, membership, group grants and effective assignments', async () => {
      const g = (await ks('POST', '/groups', { body: { group: { name: 'ops' } } })).body.group;
      const u = (await ks('POST', '/users', { body: { user: { name: 'bob', password: 'pw' } } })).body.user;
      assert.equal((await ks('PUT', `/groups/${g.id}/users/${u.id}`)).status, 204);
      assert.equal((await ks('HEAD', `/groups/${g.id}/users/${u.id}`)).status, 204);
      assert.deepEqual((await ks('GET', `/users/${u.id}/groups`)).body.groups.map((x: any) => x.name), ['ops']);
      const demoProject = (await ks('GET', '/projects?name=demo')).body.projects[0];
      const member = (await ks('GET', '/roles?name=member')).body.roles[0];
      assert.equal((await ks('PUT', `/projects/${demoProject.id}/groups/${g.id}/roles/${member.id}`)).status, 204);
      const eff = (await ks('GET', `/role_assignments?effective&include_names&user.id=${u.id}`)).body.role_assignments;
      assert.deepEqual(eff.map((a: any) => a.role.name).sort(), ['member', 'reader']);
      assert.equal(eff[0].user.name, 'bob');
      assert.equal(eff[0].scope.project.name, 'demo');
      assert.match(eff[0].links.membership, new RegExp(`/groups/${g.id}/users/${u.id}$`));
      const tok = await tokenFor(t.url, 'bob', 'pw', 'demo');
      assert.ok(tok);
      assert.equal((await ks('DELETE', `/groups/${g.id}/users/${u.id}`)).status, 204);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/catalog', { token: tok }), 401);
      keystoneError(await ks('DELETE', `/groups/${g.id}/users/${u.id}`), 404);
    });

    test('roles and implied roles', async () => {
      const r = (await ks('POST', '/roles', { body: { role: { name: 'auditor' } } })).body.role;
      assert.equal(r.description, null);
      keystoneError(await ks('POST', '/roles', { body: { role: { name: 'auditor' } } }), 409);
      const reader = (await ks('GET', '/roles?name=reader')).body.roles[0];
      const imp = await ks('PUT', `/roles/${r.id}/implies/${reader.id}`);
      assert.equal(imp.status, 201);
      assert.equal(imp.body.role_inference.implies.name, 'reader');
      const all = (await ks('GET', '/role_inferences')).body.role_inferences;
      assert.ok(all.some((x: any) => x.prior_role.name === 'auditor' && x.implies[0].name === 'reader'));
      assert.equal((await ks('DELETE', `/roles/${r.id}/implies/${reader.id}`)).status, 204);
      assert.equal((await ks('DELETE', `/roles/${r.id}`)).status, 204);
    });

    test('domains must be disabled before deletion', async () => {
      const d = (await ks('POST', '/domains', { body: { domain: { name: 'acme' } } })).body.domain;
      const p = (await ks('POST', '/projects', { body: { project: { name: 'in-acme', domain_id: d.id } } })).body.project;
      assert.equal(p.domain_id, d.id);
      keystoneError(await ks('DELETE', `/domains/${d.id}`), 403);
      await ks('PATCH', `/domains/${d.id}`, { body: { domain: { enabled: false } } });
      assert.equal((await ks('DELETE', `/domains/${d.id}`)).status, 204);
      keystoneError(await ks('GET', `/projects/${p.id}`), 404);
    });

    test('regions, services and endpoints', async () => {
      const region = await ks('PUT', '/regions/RegionTwo', { body: { region: { description: 'second' } } });
      assert.equal(region.status, 201);
      keystoneError(await ks('PUT', '/regions/RegionTwo', { body: { region: {} } }), 409);
      const s = (await ks('POST', '/services', { body: { service: { type: 'compute', name: 'nova' } } })).body.service;
      const e = await ks('POST', '/endpoints', { body: { endpoint: { service_id: s.id, interface: 'public', url: 'http://example.test/compute', region_id: 'RegionTwo' } } });
      assert.equal(e.status, 201);
      assert.equal(e.body.endpoint.region, 'RegionTwo');
      keystoneError(await ks('POST', '/endpoints', { body: { endpoint: { service_id: s.id, interface: 'sideways', url: 'http://x' } } }), 400);
      keystoneError(await ks('DELETE', '/regions/RegionTwo'), 409);
      assert.equal((await ks('GET', `/endpoints?service_id=${s.id}`)).body.endpoints.length, 1);
      assert.equal((await ks('DELETE', `/services/${s.id}`)).status, 204);
      assert.equal((await ks('GET', `/endpoints?service_id=${s.id}`)).body.endpoints.length, 0);
      assert.equal((await ks('DELETE', '/regions/RegionTwo')).status, 204);
    });

    test('application credentials: roles subset, authenticate, delete revokes', async () => {
      const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
      const me = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: demo, headers: { 'x-subject-token': demo } })).body.token.user.id;
      keystoneError(await call(t.url, 'POST', `/identity/v3/users/${me}/application_credentials`, { token: demo, body: { application_credential: { name: 'ci', roles: [{ name: 'admin' }] } } }), 403);
      const ac = await call(t.url, 'POST', `/identity/v3/users/${me}/application_credentials`, { token: demo, body: { application_credential: { name: 'ci', roles: [{ name: 'reader' }] } } });
      assert.equal(ac.status, 201);
      const { id, secret } = ac.body.application_credential;
      assert.ok(secret.length > 40);
      const listed = await call(t.url, 'GET', `/identity/v3/users/${me}/application_credentials`, { token: demo });
      assert.equal(listed.body.application_credentials[0].secret, undefined);
      const auth = await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } } });
      assert.equal(auth.status, 201);
      assert.deepEqual(auth.body.token.roles.map((r: any) => r.name), ['reader']);
      assert.equal(auth.body.token.project.name, 'demo');
      assert.equal(auth.body.token.application_credential.restricted, true);
      keystoneError(await call(t.url, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret: 'wrong' } } } } }), 401);
      const acTok = auth.headers.get('x-subject-token')!;
      keystoneError(await call(t.url, 'POST', `/identity/v3/users/${me}/application_credentials`, { token: acTok, body: { application_credential: { name: 'nested' } } }), 403);
      assert.equal((await call(t.url, 'DELETE', `/identity/v3/users/${me}/application_credentials/${id}`, { token: demo })).status, 204);
      keystoneError(await call(t.url, 'GET', '/identity/v3/auth/catalog', { token: acTok }), 401);
    });
  });

  describe('durability', () => {
    test('state and tokens survive a restart', async () => {
      await ks('POST', '/users', { body: { user: { name: 'persistent', password: 'pw', default_project_id: null } } });
      await t.restart();
      assert.equal((await ks('GET', '/users?name=persistent')).body.users.length, 1);
      admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    });
  });
});

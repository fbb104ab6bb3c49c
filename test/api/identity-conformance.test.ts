// Identity behaviour Tempest checks (issue 17), proven here without Tempest: credentials and
// their EC2 view, the policies API, OAuth1 consumers, trusts, legacy endpoint regions, Keystone's
// strict booleans and name limits, user updates, unenforced password change, revoked subject
// tokens, and domain-specific roles.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../support/pier.js';

function keystoneError(r: { status: number; body: any }, code: number, message?: RegExp) {
  assert.equal(r.status, code, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code);
  if (message) assert.match(r.body.error.message, message);
}

for (const store of testStores()) describe(`identity conformance on ${store}`, () => {
  let t: TestPier;
  let admin: string;
  let adminProject: string;
  const ks = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, `/identity/v3${path}`, { token: admin, ...opts });
  const newUser = async (name: string, password = 'pw-secret') => (await ks('POST', '/users', { body: { user: { name, password } } })).body.user as { id: string };

  before(async () => {
    t = await startTestPier({}, store);
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    adminProject = (await ks('GET', '/projects?name=admin')).body.projects[0].id;
  });
  after(() => t.close());

  test('credentials: CRUD; an ec2 one is keyed by sha256(access), needs a project and JSON; bad input changes nothing', async () => {
    const u = await newUser('cred-owner');
    const blob = JSON.stringify({ access: 'AK1', secret: 'S1' });
    const c = await ks('POST', '/credentials', { body: { credential: { user_id: u.id, project_id: adminProject, type: 'ec2', blob } } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.credential.id, createHash('sha256').update('AK1').digest('hex'));
    assert.equal(c.body.credential.blob, blob);
    keystoneError(await ks('POST', '/credentials', { body: { credential: { user_id: u.id, type: 'ec2', blob } } }), 400, /requires project_id/);
    keystoneError(await ks('POST', '/credentials', { body: { credential: { user_id: u.id, project_id: adminProject, type: 'ec2', blob: 'not json' } } }), 400, /Invalid blob/);
    const up = await ks('PATCH', `/credentials/${c.body.credential.id}`, { body: { credential: { blob: JSON.stringify({ access: 'AK2', secret: 'S2' }) } } });
    assert.equal(up.status, 200);
    assert.equal(up.body.credential.id, c.body.credential.id);
    keystoneError(await ks('PATCH', `/credentials/${c.body.credential.id}`, { body: { credential: { blob: JSON.stringify({ access: 'AK2', trust_id: 'x' }) } } }), 400, /trust_id can not be updated/);
    assert.equal(JSON.parse((await ks('GET', `/credentials/${c.body.credential.id}`)).body.credential.blob).access, 'AK2');
    const other = await ks('POST', '/credentials', { body: { credential: { user_id: u.id, type: 'cert', blob: 'PEM' } } });
    assert.equal(other.status, 201);
    assert.deepEqual((await ks('GET', `/credentials?user_id=${u.id}&type=cert`)).body.credentials.map((x: any) => x.id), [other.body.credential.id]);
    // A user lists only its own.
    const tok = await tokenFor(t.url, 'cred-owner', 'pw-secret');
    assert.equal((await call(t.url, 'GET', '/identity/v3/credentials', { token: tok })).body.credentials.length, 2);
    assert.equal((await ks('DELETE', `/credentials/${other.body.credential.id}`)).status, 204);
    keystoneError(await ks('GET', `/credentials/${other.body.credential.id}`), 404);
  });

  test('OS-EC2: a user makes, lists, shows and deletes its own; another user may not', async () => {
    const u = await newUser('ec2-user');
    await ks('PUT', `/projects/${adminProject}/users/${u.id}/roles/${(await ks('GET', '/roles?name=member')).body.roles[0].id}`);
    const tok = await tokenFor(t.url, 'ec2-user', 'pw-secret', 'admin');
    const base = `/identity/v3/users/${u.id}/credentials/OS-EC2`;
    const made = await call(t.url, 'POST', base, { token: tok, body: { tenant_id: adminProject } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const cred = made.body.credential;
    assert.equal(cred.user_id, u.id);
    assert.equal(cred.tenant_id, adminProject);
    assert.ok(cred.access && cred.secret);
    assert.deepEqual((await call(t.url, 'GET', base, { token: tok })).body.credentials.map((x: any) => x.access), [cred.access]);
    assert.equal((await call(t.url, 'GET', `${base}/${cred.access}`, { token: tok })).body.credential.secret, cred.secret);
    // It is a credential of type ec2, keyed by its access.
    assert.equal((await ks('GET', `/credentials/${createHash('sha256').update(cred.access).digest('hex')}`)).body.credential.type, 'ec2');
    await newUser('ec2-stranger');
    keystoneError(await call(t.url, 'GET', base, { token: await tokenFor(t.url, 'ec2-stranger', 'pw-secret') }), 403);
    keystoneError(await call(t.url, 'POST', base, { token: tok, body: {} }), 400);
    keystoneError(await call(t.url, 'POST', base, { token: tok, body: { tenant_id: 'nope' } }), 404);
    assert.equal((await call(t.url, 'DELETE', `${base}/${cred.access}`, { token: tok })).status, 204);
    keystoneError(await call(t.url, 'GET', `${base}/${cred.access}`, { token: tok }), 404);
  });

  test('policies and OAuth1 consumers: admin CRUD; the consumer secret is shown once', async () => {
    const p = await ks('POST', '/policies', { body: { policy: { blob: '{"a": 1}', type: 'application/json', description: 'd' } } });
    assert.equal(p.status, 201);
    assert.equal(p.body.policy.description, 'd');
    assert.deepEqual((await ks('GET', '/policies')).body.policies.map((x: any) => x.id), [p.body.policy.id]);
    assert.equal((await ks('PATCH', `/policies/${p.body.policy.id}`, { body: { policy: { type: 'text/x' } } })).body.policy.type, 'text/x');
    keystoneError(await ks('POST', '/policies', { body: { policy: { type: 'x' } } }), 400);
    assert.equal((await ks('DELETE', `/policies/${p.body.policy.id}`)).status, 204);

    const c = await ks('POST', '/OS-OAUTH1/consumers', { body: { consumer: { description: 'app' } } });
    assert.equal(c.status, 201);
    assert.ok(c.body.consumer.secret);
    const shown = await ks('GET', `/OS-OAUTH1/consumers/${c.body.consumer.id}`);
    assert.equal(shown.body.consumer.description, 'app');
    assert.equal(shown.body.consumer.secret, undefined);
    assert.equal(shown.body.consumer.secret_hash, undefined);
    assert.equal((await ks('PATCH', `/OS-OAUTH1/consumers/${c.body.consumer.id}`, { body: { consumer: { description: 'new' } } })).body.consumer.description, 'new');
    const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    keystoneError(await call(t.url, 'GET', '/identity/v3/OS-OAUTH1/consumers', { token: demo }), 403);
    assert.equal((await ks('DELETE', `/OS-OAUTH1/consumers/${c.body.consumer.id}`)).status, 204);
  });

  test('trusts: the trustor delegates roles it holds; roles, expiry, listing and deletion', async () => {
    const trustor = await newUser('trustor');
    const trustee = await newUser('trustee');
    const project = (await ks('POST', '/projects', { body: { project: { name: 'trust-proj' } } })).body.project;
    const role = (await ks('POST', '/roles', { body: { role: { name: 'delegated' } } })).body.role;
    const kept = (await ks('POST', '/roles', { body: { role: { name: 'kept' } } })).body.role;
    await ks('PUT', `/projects/${project.id}/users/${trustor.id}/roles/${role.id}`);
    await ks('PUT', `/projects/${project.id}/users/${trustor.id}/roles/${kept.id}`);
    const tok = await tokenFor(t.url, 'trustor', 'pw-secret', 'trust-proj');
    const post = (trust: Record<string, unknown>, token = tok) => call(t.url, 'POST', '/identity/v3/OS-TRUST/trusts', { token, body: { trust } });
    const expires = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const body = { trustor_user_id: trustor.id, trustee_user_id: trustee.id, project_id: project.id, impersonation: true, roles: [{ name: 'delegated' }], expires_at: expires };
    const made = await post(body);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const tr = made.body.trust;
    assert.equal(tr.expires_at, expires.replace('Z', '.000000Z'));
    assert.deepEqual(tr.roles.map((r: any) => r.name), ['delegated']);
    assert.equal(tr.impersonation, true);
    assert.match(tr.links.self, /\/v3\/OS-TRUST\/trusts\//);

    // Bad input and the wrong caller: refused, nothing made.
    keystoneError(await post({ ...body, expires_at: 'bad.123Z' }), 400);
    keystoneError(await post({ ...body, expires_at: '2000-01-01T00:00:00Z' }), 400);
    keystoneError(await post({ ...body, impersonation: 'yes' }), 400);
    keystoneError(await post({ ...body, roles: [{ name: 'admin' }] }), 404);
    keystoneError(await post({ ...body, roles: [] }), 403);
    keystoneError(await post(body, await tokenFor(t.url, 'trustee', 'pw-secret')), 403);
    const listed = await call(t.url, 'GET', `/identity/v3/OS-TRUST/trusts?trustor_user_id=${trustor.id}`, { token: tok });
    assert.deepEqual(listed.body.trusts.map((x: any) => x.id), [tr.id]);
    assert.equal(listed.body.trusts[0].roles, undefined);
    assert.deepEqual((await ks('GET', '/OS-TRUST/trusts')).body.trusts.map((x: any) => x.id), [tr.id]);
    keystoneError(await call(t.url, 'GET', '/identity/v3/OS-TRUST/trusts', { token: tok }), 403);

    const trusteeTok = await tokenFor(t.url, 'trustee', 'pw-secret');
    assert.equal((await call(t.url, 'GET', `/identity/v3/OS-TRUST/trusts/${tr.id}`, { token: trusteeTok })).status, 200);
    assert.deepEqual((await call(t.url, 'GET', `/identity/v3/OS-TRUST/trusts/${tr.id}/roles`, { token: tok })).body.roles.map((r: any) => r.id), [role.id]);
    assert.equal((await call(t.url, 'HEAD', `/identity/v3/OS-TRUST/trusts/${tr.id}/roles/${role.id}`, { token: tok })).status, 200);
    keystoneError(await call(t.url, 'GET', `/identity/v3/OS-TRUST/trusts/${tr.id}/roles/${kept.id}`, { token: tok }), 404);
    keystoneError(await call(t.url, 'DELETE', `/identity/v3/OS-TRUST/trusts/${tr.id}`, { token: trusteeTok }), 403);
    assert.equal((await call(t.url, 'DELETE', `/identity/v3/OS-TRUST/trusts/${tr.id}`, { token: tok })).status, 204);
    keystoneError(await call(t.url, 'GET', `/identity/v3/OS-TRUST/trusts/${tr.id}`, { token: tok }), 404);
  });

  test('endpoints: a legacy `region` names (and makes) the region; enabled must be a JSON boolean', async () => {
    const svc = (await ks('POST', '/services', { body: { service: { type: 'thing', name: 'thing' } } })).body.service;
    const e = await ks('POST', '/endpoints', { body: { endpoint: { service_id: svc.id, interface: 'public', url: 'http://x.example', region: 'legacy-region' } } });
    assert.equal(e.status, 201, JSON.stringify(e.body));
    assert.equal(e.body.endpoint.region_id, 'legacy-region');
    assert.equal((await ks('GET', '/regions/legacy-region')).status, 200);
    const moved = await ks('PATCH', `/endpoints/${e.body.endpoint.id}`, { body: { endpoint: { region: 'second-region' } } });
    assert.equal(moved.body.endpoint.region_id, 'second-region');
    keystoneError(await ks('POST', '/endpoints', { body: { endpoint: { service_id: svc.id, interface: 'public', url: 'http://y.example', region_id: 'missing' } } }), 400);
    for (const enabled of ['True', 'False']) {
      keystoneError(await ks('POST', '/endpoints', { body: { endpoint: { service_id: svc.id, interface: 'public', url: 'http://z.example', enabled } } }), 400);
      keystoneError(await ks('PATCH', `/endpoints/${e.body.endpoint.id}`, { body: { endpoint: { enabled } } }), 400);
    }
    assert.equal((await ks('GET', `/endpoints?service_id=${svc.id}`)).body.endpoints.length, 1);
  });

  test('names: projects and domains at most 64 characters; users may repeat their own id in an update', async () => {
    keystoneError(await ks('POST', '/projects', { body: { project: { name: 'a'.repeat(65) } } }), 400);
    keystoneError(await ks('POST', '/domains', { body: { domain: { name: 'a'.repeat(65) } } }), 400);
    assert.equal((await ks('POST', '/projects', { body: { project: { name: 'b'.repeat(64) } } })).status, 201);
    const u = await newUser('renamed');
    const up = await ks('PATCH', `/users/${u.id}`, { body: { user: { id: u.id, name: 'renamed-2', enabled: false } } });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.user.name, 'renamed-2');
    keystoneError(await ks('PATCH', `/users/${u.id}`, { body: { user: { id: 'other', name: 'x' } } }), 400, /Cannot change user ID/);
    assert.equal((await ks('GET', `/users/${u.id}`)).body.user.name, 'renamed-2');
    keystoneError(await ks('POST', '/users', { body: { user: { name: 'nowhere', domain_id: 'no-such-domain' } } }), 404);
  });

  test('password change needs only the old password; a revoked subject token is 404 for its owner too', async () => {
    const u = await newUser('changer', 'old-pw');
    const noToken = await call(t.url, 'POST', `/identity/v3/users/${u.id}/password`, { body: { user: { password: 'new-pw', original_password: 'old-pw' } } });
    assert.equal(noToken.status, 204);
    keystoneError(await call(t.url, 'POST', `/identity/v3/users/${u.id}/password`, { body: { user: { password: 'x', original_password: 'old-pw' } } }), 401);
    const tok = await tokenFor(t.url, 'changer', 'new-pw');
    const other = await tokenFor(t.url, 'changer', 'new-pw');
    assert.equal((await call(t.url, 'DELETE', '/identity/v3/auth/tokens', { token: tok, headers: { 'x-subject-token': other } })).status, 204);
    keystoneError(await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: tok, headers: { 'x-subject-token': other } }), 404);
  });

  test('domain-specific roles: never effective themselves; a global role may not imply one', async () => {
    const d = (await ks('POST', '/domains', { body: { domain: { name: 'roles-domain' } } })).body.domain;
    const droleA = (await ks('POST', '/roles', { body: { role: { name: 'd-a', domain_id: d.id } } })).body.role;
    const droleB = (await ks('POST', '/roles', { body: { role: { name: 'd-b', domain_id: d.id } } })).body.role;
    const global = (await ks('POST', '/roles', { body: { role: { name: 'g-implied' } } })).body.role;
    assert.equal((await ks('PUT', `/roles/${droleA.id}/implies/${droleB.id}`)).status, 201);
    assert.equal((await ks('PUT', `/roles/${droleA.id}/implies/${global.id}`)).status, 201);
    keystoneError(await ks('PUT', `/roles/${global.id}/implies/${droleA.id}`), 403, /Global role cannot imply a domain-specific role/);
    const u = await newUser('droles');
    const p = (await ks('POST', '/projects', { body: { project: { name: 'droles-proj' } } })).body.project;
    await ks('PUT', `/projects/${p.id}/users/${u.id}/roles/${droleA.id}`);
    const eff = await ks('GET', `/role_assignments?effective&user.id=${u.id}&scope.project.id=${p.id}`);
    assert.deepEqual(eff.body.role_assignments.map((a: any) => a.role.id), [global.id]);
    const tok = await call(t.url, 'POST', '/identity/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user: { id: u.id, password: 'pw-secret' } } }, scope: { project: { id: p.id } } } },
    });
    assert.deepEqual(tok.body.token.roles.map((r: any) => r.id), [global.id]);
  });

  test('domain configuration: whitelisted groups and options, merged updates, defaults, sensitive options hidden', async () => {
    const d = (await ks('POST', '/domains', { body: { domain: { name: 'configured' } } })).body.domain;
    const base = `/domains/${d.id}/config`;
    keystoneError(await ks('GET', base), 404);
    const config = { identity: { driver: 'ldap' }, ldap: { url: 'ldap://example.org/', password: 'hidden' } };
    const made = await ks('PUT', base, { body: { config } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.config, { identity: { driver: 'ldap' }, ldap: { url: 'ldap://example.org/' } });
    keystoneError(await ks('PUT', base, { body: { config: { nova: { x: 1 } } } }), 403, /Group nova is not supported/);
    keystoneError(await ks('PATCH', base, { body: { config: { ldap: { nonsense: 1 } } } }), 403, /Option nonsense in group ldap/);
    const up = await ks('PATCH', `${base}/identity/driver`, { body: { config: { driver: 'sql' } } });
    assert.equal(up.status, 200);
    assert.deepEqual(up.body.config, { identity: { driver: 'sql' }, ldap: { url: 'ldap://example.org/' } });
    assert.deepEqual((await ks('GET', `${base}/ldap/url`)).body.config, { url: 'ldap://example.org/' });
    keystoneError(await ks('GET', `${base}/ldap/password`), 404);
    assert.equal((await ks('DELETE', `${base}/identity/driver`)).status, 204);
    keystoneError(await ks('GET', `${base}/identity`), 404);
    assert.equal((await ks('DELETE', base)).status, 204);
    keystoneError(await ks('GET', base), 404);
    assert.equal((await ks('GET', '/domains/config/default')).body.config.identity.driver, 'sql');
    assert.deepEqual((await ks('GET', '/domains/config/ldap/url/default')).body.config, { url: 'ldap://localhost' });
    keystoneError(await call(t.url, 'GET', '/identity/v3/domains/config/default', { token: await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo') }), 403);
  });

  test('endpoint groups (OS-EP-FILTER): admin CRUD and HEAD; filters take only service_id, region_id, interface', async () => {
    const base = '/OS-EP-FILTER/endpoint_groups';
    const g = await ks('POST', base, { body: { endpoint_group: { name: 'public-only', filters: { interface: 'public' } } } });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    assert.deepEqual(g.body.endpoint_group.filters, { interface: 'public' });
    keystoneError(await ks('POST', base, { body: { endpoint_group: { name: 'bad', filters: { colour: 'red' } } } }), 400);
    keystoneError(await ks('POST', base, { body: { endpoint_group: { name: 'none' } } }), 400);
    assert.deepEqual((await ks('GET', base)).body.endpoint_groups.map((x: any) => x.id), [g.body.endpoint_group.id]);
    assert.equal((await ks('HEAD', `${base}/${g.body.endpoint_group.id}`)).status, 200);
    const up = await ks('PATCH', `${base}/${g.body.endpoint_group.id}`, { body: { endpoint_group: { filters: { service_id: 'abc' }, description: 'd' } } });
    assert.deepEqual([up.body.endpoint_group.filters, up.body.endpoint_group.description], [{ service_id: 'abc' }, 'd']);
    keystoneError(await call(t.url, 'GET', `/identity/v3${base}`, { token: await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo') }), 403);
    assert.equal((await ks('DELETE', `${base}/${g.body.endpoint_group.id}`)).status, 204);
    keystoneError(await ks('GET', `${base}/${g.body.endpoint_group.id}`), 404);
  });
});

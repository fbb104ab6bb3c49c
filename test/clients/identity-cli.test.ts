// The Debian `openstack` CLI (python3-openstackclient) against `pier up`, unmodified: every
// identity command the foundation promises, on the embedded store and on PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { openstack, openstackBare, openstackJson, startPierProcess, type PierProcess } from '../support/process.js';

for (const store of testStores()) describe(`openstack CLI, identity, on ${store}`, () => {
  let p: PierProcess;
  before(async () => { p = await startPierProcess(store); });
  after(() => p.cleanup());

  test('token issue and catalog list', async () => {
    const tok = await openstackJson(p, ['token', 'issue']);
    assert.ok(tok.id.length > 40);
    assert.match(tok.project_id, /^[0-9a-f]{32}$/);
    const catalog = await openstackJson<any[]>(p, ['catalog', 'list']);
    const identity = catalog.find((c) => c.Type === 'identity');
    assert.equal(identity.Name, 'keystone');
    assert.ok(identity.Endpoints.some((e: any) => e.url === `${p.url}/identity/v3` && e.interface === 'public'));
  });

  test('project create / list / show / set / delete', async () => {
    const created = await openstackJson(p, ['project', 'create', '--description', 'first', '--tag', 'blue', 'proj-a']);
    assert.equal(created.name, 'proj-a');
    assert.equal(created.description, 'first');
    assert.deepEqual(created.tags, ['blue']);
    const listed = await openstackJson<any[]>(p, ['project', 'list']);
    assert.deepEqual(listed.map((x) => x.Name).sort(), ['admin', 'demo', 'proj-a']);
    assert.equal((await openstack(p, ['project', 'set', '--name', 'proj-b', '--disable', 'proj-a'])).code, 0);
    const shown = await openstackJson(p, ['project', 'show', 'proj-b']);
    assert.equal(shown.id, created.id);
    assert.equal(shown.enabled, false);
    assert.equal((await openstack(p, ['project', 'delete', 'proj-b'])).code, 0);
    const gone = await openstack(p, ['project', 'show', created.id]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /No project with a name or ID|Could not find project/);
  });

  test('user create / set --password / list / delete, group add user, role add, role assignment list --names', async () => {
    const u = await openstackJson(p, ['user', 'create', '--password', 'first-pw', '--email', 'c@example.com', 'carol']);
    assert.equal(u.email, 'c@example.com');
    assert.equal((await openstack(p, ['role', 'add', '--project', 'demo', '--user', 'carol', 'member'])).code, 0);
    const carolEnv = { OS_USERNAME: 'carol', OS_PASSWORD: 'first-pw', OS_PROJECT_NAME: 'demo' };
    assert.ok((await openstackJson(p, ['token', 'issue'], 'pier-demo', carolEnv)).id);
    assert.equal((await openstack(p, ['user', 'set', '--password', 'second-pw', 'carol'])).code, 0);
    assert.notEqual((await openstack(p, ['token', 'issue'], 'pier-demo', carolEnv)).code, 0);
    assert.ok((await openstackJson(p, ['token', 'issue'], 'pier-demo', { ...carolEnv, OS_PASSWORD: 'second-pw' })).id);
    const users = await openstackJson<any[]>(p, ['user', 'list']);
    assert.ok(users.some((x) => x.Name === 'carol'));

    const g = await openstackJson(p, ['group', 'create', 'auditors']);
    assert.equal(g.name, 'auditors');
    assert.equal((await openstack(p, ['group', 'add', 'user', 'auditors', 'carol'])).code, 0);
    assert.match((await openstack(p, ['group', 'contains', 'user', 'auditors', 'carol'])).stdout, /carol in group auditors/);

    const assignments = await openstackJson<any[]>(p, ['role', 'assignment', 'list', '--names', '--user', 'carol']);
    assert.deepEqual(assignments.map((a) => [a.Role, a.User, a.Project]), [['member', 'carol@Default', 'demo@Default']]);
    assert.equal((await openstack(p, ['user', 'delete', 'carol'])).code, 0);
    assert.ok(!(await openstackJson<any[]>(p, ['user', 'list'])).some((x) => x.Name === 'carol'));
  });

  test('implied role list, endpoint list, region list', async () => {
    const implied = await openstackJson<any[]>(p, ['implied', 'role', 'list']);
    assert.deepEqual(implied.map((r) => [r['Prior Role Name'], r['Implied Role Name']]).sort(), [['admin', 'member'], ['member', 'reader']]);
    const endpoints = await openstackJson<any[]>(p, ['endpoint', 'list']);
    for (const type of ['identity', 'network']) {
      assert.deepEqual(endpoints.filter((e) => e['Service Type'] === type).map((e) => e.Interface).sort(), ['admin', 'internal', 'public'], type);
    }
    assert.ok(endpoints.every((e) => e.Region === 'RegionOne'));
    const regions = await openstackJson<any[]>(p, ['region', 'list']);
    assert.deepEqual(regions.map((r) => r.Region), ['RegionOne']);
  });

  test('application credential create, then a token with v3applicationcredential', async () => {
    const ac = await openstackJson(p, ['application', 'credential', 'create', '--role', 'reader', 'pipeline']);
    assert.ok(ac.secret);
    const env = {
      OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: ac.id, OS_APPLICATION_CREDENTIAL_SECRET: ac.secret,
      OS_AUTH_URL: `${p.url}/identity/v3`, OS_IDENTITY_API_VERSION: '3',
    };
    const r = await openstackBare(['token', 'issue', '-f', 'json'], env);
    assert.equal(r.code, 0, r.stderr);
    const tok = JSON.parse(r.stdout);
    const adminProject = await openstackJson(p, ['project', 'show', 'admin']);
    assert.equal(tok.project_id, adminProject.id);
    assert.equal((await openstack(p, ['application', 'credential', 'delete', 'pipeline'])).code, 0);
  });

  test('token revoke makes the token useless', async () => {
    const tok = await openstackJson(p, ['token', 'issue']);
    assert.equal((await openstack(p, ['token', 'revoke', tok.id])).code, 0);
    const r = await openstackBare(['project', 'list'], { OS_AUTH_TYPE: 'token', OS_TOKEN: tok.id, OS_AUTH_URL: `${p.url}/identity/v3`, OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /401|authentication/i);
  });

  test('a member cannot create a project; a wrong password is refused', async () => {
    const denied = await openstack(p, ['project', 'create', 'nope'], 'pier-demo');
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /HTTP 403|not authorized/);
    const wrong = await openstack(p, ['token', 'issue'], 'pier', { OS_PASSWORD: 'not-the-password' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /HTTP 401|requires authentication/);
  });

  test('state survives a restart, and SIGTERM exits cleanly', async () => {
    await openstackJson(p, ['project', 'create', 'durable']);
    await p.restart();
    assert.equal((await openstackJson(p, ['project', 'show', 'durable'])).name, 'durable');
    assert.equal(await p.stop(), 0);
  });
});

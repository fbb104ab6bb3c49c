// Root: the dashboard in real headless Chromium against a real Pier (linuxbridge, runc). A wrong
// password says so; an admin sees the admin panel and switches project; a member does not see
// it nor another project's network; through the UI the member makes a network, a router, a key
// pair and a server, sees them linked in the topology, gives it a floating IP, uploads an image, makes a security group rule, runs `hostname` in the server's terminal,
// launches a stack and watches its resources turn CREATE_COMPLETE, gets the API's message for a
// bad input, deletes everything, and is sent back to log in when its token is revoked. No
// console errors beyond the 401s those steps provoke. Screenshots go to artifactsDir().
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { NODE_OS_DISTRO } from '../../src/clusters/drivers/kubernetes/index.js';
import { artifactsDir, launchBrowser, type Browser } from '../support/browser.js';

requireRoot();

const STACK = `heat_template_version: 2018-08-31
parameters:
  cidr:
    type: string
    default: 10.61.0.0/24
    description: the stack network's range
resources:
  suffix:
    type: OS::Heat::RandomString
    properties: { length: 6 }
  net:
    type: OS::Neutron::Net
    properties:
      name: { list_join: ['-', ['stacknet', { get_resource: suffix }]] }
  subnet:
    type: OS::Neutron::Subnet
    properties: { network: { get_resource: net }, cidr: { get_param: cidr } }
  box:
    type: OS::Nova::Server
    depends_on: subnet
    properties: { image: busybox, flavor: m1.tiny, networks: [{ network: { get_resource: net } }] }
outputs:
  net_name:
    value: { get_attr: [net, name] }
`;

describe('dashboard in Chromium', () => {
  const prefix = uniquePrefix();
  const shots = artifactsDir();
  let t: TestPier;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let secretNet: string;
  /** Console errors the current step expects (a refused token is logged by Chromium as a failed load). */
  let expected401 = 0;
  let expected400 = 0;

  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const panel = async (id: string) => { await page.click(`nav a[data-panel=${id}]`); await page.locator('#content .panel-head').first().waitFor(); };
  const row = (text: string) => page.locator('tbody tr').filter({ has: page.getByRole('cell', { name: text, exact: true }) });
  const loginAs = async (user: string, password: string) => {
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.locator('form[data-form=login] button[type=submit]').click();
  };
  const demoApi = async (path: string) => (await call(t.url, 'GET', path, { token: await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo') })).body;

  // The physical network's range (the other system tests draw theirs from 172.26, 172.28–30).
  const range = `172.27.${randomInt(10, 250)}`;

  before(async () => {
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'dashboard-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${range}.1/24` } } },
      compute: { driver: 'runc' },
    });
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const net = (path: string, body: unknown) => call(t.url, 'POST', `/networking/v2.0${path}`, { token: admin, body });
    const publicNet = (await net('/networks', { network: { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } })).body.network;
    await net('/subnets', { subnet: { network_id: publicNet.id, cidr: `${range}.0/24`, gateway_ip: `${range}.1`, allocation_pools: [{ start: `${range}.10`, end: `${range}.200` }], ip_version: 4, enable_dhcp: false } });
    secretNet = (await net('/networks', { network: { name: 'admin-secret-net' } })).body.network.id;
    // The admin may also work in demo (to switch project to).
    const ids = async (path: string, key: string) => (await call(t.url, 'GET', path, { token: admin })).body[key][0].id as string;
    const [demoProject, memberRole, adminUser] = await Promise.all([ids('/identity/v3/projects?name=demo', 'projects'), ids('/identity/v3/roles?name=member', 'roles'), ids('/identity/v3/users?name=admin', 'users')]);
    assert.equal((await call(t.url, 'PUT', `/identity/v3/projects/${demoProject}/users/${adminUser}/roles/${memberRole}`, { token: admin })).status, 204);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    // What a failed step left behind goes through the API, so the data dir can be removed.
    const left = (await call(t.url, 'GET', '/compute/v2.1/servers?all_tenants=1', { token: admin })).body.servers ?? [];
    for (const s of left) await call(t.url, 'DELETE', `/compute/v2.1/servers/${s.id}`, { token: admin });
    await waitFor('servers gone', async () => !(await call(t.url, 'GET', '/compute/v2.1/servers?all_tenants=1', { token: admin })).body.servers.length, 60_000).catch(() => {});
    await t?.close();
  });

  test('the first screen, and a wrong password says so', async () => {
    const started = Date.now();
    await page.goto(`${t.url}/dashboard`);
    await page.getByLabel('User name').waitFor();
    console.log(`first screen in ${Date.now() - started} ms`);
    await loginAs('demo', 'not-the-password');
    await page.locator('main.login .form-error', { hasText: /wrong/ }).waitFor();
    expected401++;
    await shot('01-login-wrong-password');
  });

  test('an admin sees the admin panel and switches project, then logs out', async () => {
    await loginAs('admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Overview of admin' }).waitFor();
    await page.locator('.quota[data-quota=Instances]').waitFor();
    await shot('02-overview-admin');
    await panel('admin');
    await page.getByRole('cell', { name: 'demo', exact: true }).first().waitFor();
    await page.locator('#project').selectOption({ label: 'demo' });
    await page.getByRole('heading', { name: 'Overview of demo' }).waitFor();
    await page.click('#logout');
    await page.locator('main.login .form-error', { hasText: 'logged out' }).waitFor();
  });

  test('a member sees no admin panel and not another project\'s network', async () => {
    await loginAs('demo', DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Overview of demo' }).waitFor();
    assert.equal(await page.locator('nav a[data-panel=admin]').count(), 0);
    await panel('networks');
    await row('public').waitFor();
    assert.equal(await row('admin-secret-net').count(), 0);
    await panel('topology');
    await page.locator('g[data-kind=network][data-name=public]').waitFor();
    assert.equal(await page.locator(`g[data-id="${secretNet}"]`).count(), 0);
  });

  test('a network, a router and a key pair made through the UI', async () => {
    await panel('networks');
    await page.getByRole('button', { name: 'Create network' }).click();
    const f = page.locator('form[data-form=create-network]');
    await f.getByLabel('Name').fill('web');
    await f.getByLabel(/Subnet range/).fill('10.60.0.0/24');
    await f.locator('button[type=submit]').click();
    await row('web').getByText('10.60.0.0/24').waitFor();

    await panel('routers');
    await page.getByRole('button', { name: 'Create router' }).click();
    const r = page.locator('form[data-form=create-router]');
    await r.getByLabel('Name').fill('gw');
    await r.getByLabel('External network').selectOption({ label: 'public' });
    await r.getByLabel('Interface on subnet').selectOption({ label: 'web-subnet 10.60.0.0/24' });
    await r.locator('button[type=submit]').click();
    await row('gw').getByText(/10\.60\.0\.1/).waitFor();

    await panel('keypairs');
    await page.getByRole('button', { name: 'Create key pair' }).click();
    const k = page.locator('form[data-form=create-keypair]');
    await k.getByLabel('Name').fill('k1');
    await k.locator('button[type=submit]').click();
    await page.locator('.secret pre', { hasText: 'PRIVATE KEY' }).waitFor();
    await row('k1').waitFor();
  });

  test('a server launched on the new network turns ACTIVE live, and the topology links it', async () => {
    await panel('servers');
    await page.getByRole('button', { name: 'Launch server' }).click();
    const f = page.locator('form[data-form=launch-server]');
    await f.getByLabel('Name').fill('web1');
    await f.getByLabel('Image').selectOption({ label: 'busybox' });
    await f.getByLabel('Flavor').selectOption('1');
    await f.getByLabel('Network').selectOption({ label: 'web' });
    await f.getByLabel('Key pair').selectOption({ label: 'k1' });
    await f.getByLabel('User data').fill('#!/bin/sh\necho hello from user data\n');
    await f.locator('button[type=submit]').click();
    await page.locator('[data-server=web1] [data-status=ACTIVE]').waitFor({ timeout: 60_000 });
    await shot('03-servers');

    await panel('topology');
    // The panel's head shows before its graph is drawn (and the last panel's head may still be there).
    for (const [kind, name] of [['network', 'web'], ['router', 'gw'], ['server', 'web1'], ['network', 'public']]) await page.locator(`g.node[data-kind=${kind}][data-name=${name}]`).waitFor();
    const ids = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('g.node')].map((g) => [`${g.getAttribute('data-kind')}:${g.getAttribute('data-name')}`, g.getAttribute('data-id')])));
    const net = ids['network:web'], router = ids['router:gw'], server = ids['server:web1'], ext = ids['network:public'];
    assert.ok(net && router && server && ext, JSON.stringify(ids));
    for (const [from, to] of [[router, net], [router, ext], [server, net]]) {
      await page.locator(`g.link[data-from="${from}"][data-to="${to}"]`).waitFor();
    }
    await page.click(`g.node[data-id="${server}"]`);
    await page.locator('.detail h3', { hasText: 'Server web1' }).waitFor();
    await shot('04-topology');
  });

  test('a floating IP allocated and associated with the server', async () => {
    await panel('floating-ips');
    await page.getByRole('button', { name: 'Allocate' }).click();
    const f = page.locator('form[data-form=allocate-fip]');
    await f.getByLabel('Pool').selectOption({ label: 'public' });
    await f.locator('button[type=submit]').click();
    await page.getByRole('button', { name: 'Associate' }).waitFor();
    await page.getByLabel(/^Port for/).selectOption({ label: '10.60.0.2' });
    await page.getByRole('button', { name: 'Associate' }).click();
    await page.getByRole('cell', { name: '10.60.0.2', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Disassociate' }).waitFor();
  });

  test('an image uploaded with its progress shown', async () => {
    await panel('images');
    await page.getByRole('button', { name: 'Upload image' }).click();
    const f = page.locator('form[data-form=upload-image]');
    await f.getByLabel('Name').fill('tiny');
    await f.getByLabel(/^File/).setInputFiles({ name: 'tiny.tar', mimeType: 'application/x-tar', buffer: Buffer.alloc(256 * 1024, 7) });
    await f.locator('button[type=submit]').click();
    await row('tiny').locator('[data-status=active]').waitFor();
    assert.equal(await f.locator('progress').getAttribute('max'), String(256 * 1024));
  });

  test('a security group and a rule made through the UI', async () => {
    await panel('security-groups');
    await page.getByRole('button', { name: 'Create group' }).click();
    const f = page.locator('form[data-form=create-group]');
    await f.getByLabel('Name').fill('web-sg');
    await f.locator('button[type=submit]').click();
    await row('web-sg').waitFor();
    await page.getByLabel('Ingress rule for web-sg: protocol [port] [CIDR]').fill('tcp 22 0.0.0.0/0');
    await row('web-sg').getByRole('button', { name: 'Add rule' }).click();
    await row('web-sg').getByText('ingress IPv4 tcp 22-22 0.0.0.0/0').waitFor();
  });

  test('the server\'s terminal runs hostname', async () => {
    await panel('servers');
    await row('web1').getByRole('button', { name: 'Terminal' }).click();
    await page.locator('.term-state', { hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await page.locator('.terminal .xterm-rows', { hasText: '#' }).waitFor();
    await page.keyboard.type('hostname; echo "sum=$((40+2))"\n');
    await page.locator('.terminal .xterm-rows', { hasText: 'sum=42' }).waitFor();
    const screen = await page.locator('.terminal .xterm-rows').innerText();
    assert.match(screen, /^web1$/m, screen);
    await shot('05-terminal');
  });

  test('a volume made, attached to the server (mounted inside it), detached and deleted through the UI', async () => {
    await panel('volumes');
    await page.getByRole('button', { name: 'Create volume' }).click();
    const f = page.locator('form[data-form=create-volume]');
    await f.getByLabel('Name').fill('data1');
    await f.locator('button[type=submit]').click();
    await row('data1').locator('[data-status=available]').waitFor({ timeout: 30_000 });
    await page.getByLabel('Server for data1').selectOption({ label: 'web1' });
    await row('data1').getByRole('button', { name: 'Attach' }).click();
    await row('data1').locator('[data-status=in-use]').waitFor({ timeout: 30_000 });
    await row('data1').getByText(/web1 on \/dev\/vd/).waitFor();
    // The topology names the attached volume on the server's box, and draws a container Kuryr plugged.
    const demoToken = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const web = (await demoApi('/networking/v2.0/networks?name=web')).networks[0].id as string;
    const ctr = await call(t.url, 'POST', '/networking/v2.0/ports', { token: demoToken, body: { port: { network_id: web, name: 'nginx', device_owner: 'compute:kuryr', device_id: 'c0ffee0123456789' } } });
    assert.equal(ctr.status, 201, JSON.stringify(ctr.body));
    await panel('topology');
    await page.locator('g.node.server[data-name=web1] text.sub', { hasText: '1 volume' }).waitFor();
    await page.locator('g.node.container[data-name=nginx]').waitFor();
    await page.locator(`g.link[data-from=c0ffee0123456789][data-to="${web}"]`).waitFor();
    assert.equal((await call(t.url, 'DELETE', `/networking/v2.0/ports/${ctr.body.port.id}`, { token: demoToken })).status, 204);
    await panel('volumes');
    const web1 = (await demoApi('/compute/v2.1/servers?name=web1')).servers[0].id as string;
    const mounts = await sh('runc', ['--root', join(t.dataDir, 'runc', 'state'), 'exec', web1, 'cat', '/proc/mounts']);
    assert.match(mounts.stdout, / \/mnt\/vd[b-z] /, 'the volume is mounted inside the server');
    await shot('10-volumes');
    await row('data1').getByRole('button', { name: 'Detach' }).click();
    await row('data1').locator('[data-status=available]').waitFor({ timeout: 30_000 });
    await row('data1').getByRole('button', { name: 'Delete' }).click();
    await row('data1').waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual((await demoApi(`/volume/v3/${(await demoApi('/identity/v3/auth/projects')).projects.find((x: { name: string }) => x.name === 'demo').id}/volumes`)).volumes, []);
  });

  test('a cluster made from a template through the UI reaches CREATE_COMPLETE, and is deleted', async () => {
    // The template, as an operator makes it (`openstack coe cluster template create`), on busybox marked with the kubernetes driver's os_distro.
    const busybox = (await demoApi('/image/v2/images?name=busybox')).images[0].id as string;
    const marked = await call(t.url, 'PATCH', `/image/v2/images/${busybox}`, {
      token: admin, body: [{ op: 'add', path: '/os_distro', value: NODE_OS_DISTRO }], headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
    });
    assert.equal(marked.status, 200, JSON.stringify(marked.body));
    const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const tpl = await call(t.url, 'POST', '/container-infra/v1/clustertemplates', {
      token: demo, body: { name: 'tiny-k8s', coe: 'kubernetes', image_id: busybox, external_network_id: 'public', flavor_id: 'm1.tiny', master_flavor_id: 'm1.tiny', network_driver: 'pier-bridge' },
    });
    assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
    await panel('clusters');
    await row('tiny-k8s').waitFor();
    await page.getByRole('button', { name: 'Create cluster' }).click();
    const f = page.locator('form[data-form=create-cluster]');
    await f.getByLabel('Name').fill('c1');
    await f.getByLabel('Cluster template').selectOption({ label: 'tiny-k8s (kubernetes)' });
    await f.locator('button[type=submit]').click();
    await waitFor('c1 CREATE_COMPLETE', async () => {
      const c = (await call(t.url, 'GET', '/container-infra/v1/clusters/c1', { token: demo })).body;
      if (String(c.status).endsWith('FAILED')) throw new Error(`c1 ${c.status}: ${c.status_reason}`);
      return c.status === 'CREATE_COMPLETE';
    }, 120_000);
    await row('c1').locator('[data-status=CREATE_COMPLETE]').waitFor();
    await row('c1').getByText(/^https:\/\//).waitFor();
    await shot('11-clusters');
    await panel('topology');
    await waitFor('two nodes of c1 in the topology', async () => (await page.locator('g.node.server text.sub', { hasText: 'cluster c1' }).count()) === 2, 15_000);
    await panel('clusters');
    await row('c1').getByRole('button', { name: 'Delete' }).click();
    await row('c1').waitFor({ state: 'detached', timeout: 120_000 });
    assert.equal((await call(t.url, 'DELETE', `/container-infra/v1/clustertemplates/${tpl.body.uuid}`, { token: demo })).status, 204);
  });

  test('a stack launched from template text reaches CREATE_COMPLETE in the graph', async () => {
    await panel('stacks');
    await page.getByRole('button', { name: 'Launch stack' }).click();
    await page.locator('#stack-template').fill(STACK);
    await page.getByRole('button', { name: 'Next: parameters' }).click();
    const f = page.locator('form[data-form=launch-stack]');
    await f.getByLabel('Stack name').fill('demo-stack');
    assert.equal(await f.getByLabel(/^cidr/).inputValue(), '10.61.0.0/24');
    await f.locator('button[type=submit]').click();
    await page.getByRole('button', { name: 'demo-stack' }).click();
    const resources = page.locator('.stack-graph g.resource');
    await waitFor('four resources drawn', async () => (await resources.count()) === 4, 20_000);
    await page.locator('.stack-graph g.resource[data-resource=box][data-status=CREATE_COMPLETE]').waitFor({ timeout: 60_000 });
    await waitFor('every resource CREATE_COMPLETE', async () => (await page.locator('.stack-graph g.resource[data-status=CREATE_COMPLETE]').count()) === 4, 20_000);
    await page.locator('.detail [data-status=CREATE_COMPLETE]').first().waitFor();
    await page.getByRole('cell', { name: 'net_name' }).waitFor();
    await shot('06-stack');
  });

  test('an API error shows the API\'s message', async () => {
    await panel('networks');
    await page.getByRole('button', { name: 'Create network' }).click();
    const f = page.locator('form[data-form=create-network]');
    await f.getByLabel('Name').fill('bad');
    await f.getByLabel(/Subnet range/).fill('10.60.0.0/99');
    await f.locator('button[type=submit]').click();
    await f.locator('.form-error', { hasText: /10\.60\.0\.0\/99|cidr|CIDR/ }).waitFor();
    expected400++;
    await shot('07-api-error');
    await page.getByRole('button', { name: 'Create network' }).click();
    // The form's network went with its refused subnet.
    await row('web').waitFor();
    assert.equal(await row('bad').count(), 0);
  });

  test('a phone-width screen still shows the servers', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await panel('servers');
    await page.locator('[data-server=web1]').waitFor();
    await shot('08-servers-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  test('everything is deleted through the UI', async () => {
    await panel('stacks');
    await row('demo-stack').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No stacks yet.').waitFor({ timeout: 60_000 });

    await panel('floating-ips');
    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByText('Nothing here yet.').waitFor();

    await panel('servers');
    await row('web1').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No servers yet: launch one.').waitFor({ timeout: 60_000 });

    await panel('routers');
    await row('gw').getByRole('button', { name: 'Delete' }).click();
    await row('gw').waitFor({ state: 'detached', timeout: 20_000 });

    await panel('networks');
    for (const name of ['web']) {
      await row(name).getByRole('button', { name: 'Delete' }).click();
      await row(name).waitFor({ state: 'detached', timeout: 20_000 });
    }
    await panel('images');
    await row('tiny').getByRole('button', { name: 'Delete' }).click();
    await row('tiny').waitFor({ state: 'detached' });

    await panel('security-groups');
    await row('web-sg').getByRole('button', { name: 'Delete' }).click();
    await row('web-sg').waitFor({ state: 'detached' });

    await panel('keypairs');
    await row('k1').getByRole('button', { name: 'Delete' }).click();
    await row('k1').waitFor({ state: 'detached' });

    const [servers, routers, networks, keypairs, fips] = await Promise.all([
      demoApi('/compute/v2.1/servers'), demoApi('/networking/v2.0/routers'), demoApi('/networking/v2.0/networks'), demoApi('/compute/v2.1/os-keypairs'), demoApi('/networking/v2.0/floatingips'),
    ]);
    assert.deepEqual(fips.floatingips, []);
    assert.deepEqual(servers.servers, []);
    assert.deepEqual(routers.routers, []);
    assert.deepEqual(networks.networks.map((n: { name: string }) => n.name), ['public']);
    assert.deepEqual(keypairs.keypairs, []);
  });

  test('a revoked token sends the user back to log in, saying why', async () => {
    const demoUser = (await call(t.url, 'GET', '/identity/v3/users?name=demo', { token: admin })).body.users[0].id;
    const r = await call(t.url, 'PATCH', `/identity/v3/users/${demoUser}`, { token: admin, body: { user: { password: 'a-new-password' } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await panel('overview').catch(() => {});
    await page.locator('main.login .form-error', { hasText: /session has ended|no longer valid/ }).waitFor({ timeout: 25_000 });
    expected401 += 2;
    await shot('09-session-ended');
  });

  test('no console errors beyond the refused tokens', () => {
    const unexpected = browser.errors.filter((e) => !/status of 40[01] /.test(e));
    assert.deepEqual(unexpected, []);
    assert.ok(browser.errors.filter((e) => /status of 400 /.test(e)).length <= expected400, browser.errors.join('\n'));
    assert.ok(browser.errors.filter((e) => /status of 401 /.test(e)).length <= expected401 + 2, browser.errors.join('\n'));
  });
});

// Nova v2.1 over real HTTP with the fake runtime (both stores): version documents and
// microversions, flavors, keypairs, servers through their whole life (ports made through
// Networking, addresses, actions, console, metadata, interfaces), Nova's filters, quotas, and
// Nova's error bodies for bad input — each of which must change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores, type Reply } from '../support/pier.js';
import { NOWHERE, startCloud, type Client, type Cloud } from '../support/networking.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';

function novaError(r: Reply, status: number, name: string, message?: RegExp): void {
  const shown = `${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, status, shown);
  assert.equal(r.body?.[name]?.code, status, shown);
  assert.equal(typeof r.body[name].message, 'string', shown);
  if (message) assert.match(r.body[name].message, message, shown);
}

for (const store of testStores()) describe(`compute: nova v2.1 on ${store}`, () => {
  let c: Cloud;
  let net: any;
  let busybox: string;
  before(async () => {
    c = await startCloud(store);
    net = await c.demo.network({ name: 'demo-net' });
    await c.demo.subnet(net.id, '10.20.0.0/24');
    const images = await call(c.t.url, 'GET', '/image/v2/images?name=busybox', { token: c.demo.token });
    busybox = images.body.images[0].id;
  });
  after(() => c.close());

  const nova = (who: Client, method: string, path: string, body?: unknown, version?: string) =>
    call(c.t.url, method, `/compute/v2.1${path}`, { token: who.token, body, headers: version ? { 'openstack-api-version': `compute ${version}` } : {} });
  const boot = async (who: Client, server: Record<string, unknown>, version?: string) => {
    const r = await nova(who, 'POST', '/servers', { server: { imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }], ...server } }, version);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.server;
  };
  const settle = async (who: Client, id: string, until: (s: any) => boolean = (s) => s['OS-EXT-STS:task_state'] === null && s.status !== 'BUILD') => {
    for (let n = 0; n < 100; n++) {
      const r = await nova(who, 'GET', `/servers/${id}`);
      if (r.status === 404) return undefined;
      if (until(r.body.server)) return r.body.server;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error(`server ${id} did not settle`);
  };
  const gone = async (who: Client, id: string) => {
    for (let n = 0; n < 100; n++) {
      if ((await nova(who, 'GET', `/servers/${id}`)).status === 404) return;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error(`server ${id} was not deleted`);
  };
  const portsOf = async (id: string) => (await c.admin.read(`/ports?device_id=${id}`)).ports;

  test('version documents and microversion negotiation', async () => {
    const root = await call(c.t.url, 'GET', '/compute/');
    assert.equal(root.status, 200);
    const v21 = root.body.versions.find((v: any) => v.id === 'v2.1');
    assert.equal(v21.status, 'CURRENT');
    assert.equal(v21.min_version, '2.1');
    assert.match(v21.version, /^2\.\d+$/);
    const doc = await call(c.t.url, 'GET', '/compute/v2.1');
    assert.equal(doc.body.version.id, 'v2.1');
    const r = await nova(c.demo, 'GET', '/flavors', undefined, '2.60');
    assert.equal(r.headers.get('openstack-api-version'), 'compute 2.60');
    assert.equal(r.headers.get('x-openstack-nova-api-version'), '2.60');
    assert.match(r.headers.get('vary') ?? '', /OpenStack-API-Version/);
    const legacy = await call(c.t.url, 'GET', '/compute/v2.1/flavors', { token: c.demo.token, headers: { 'x-openstack-nova-api-version': '2.10' } });
    assert.equal(legacy.headers.get('openstack-api-version'), 'compute 2.10');
    const latest = await nova(c.demo, 'GET', '/flavors', undefined, 'latest');
    assert.equal(latest.headers.get('x-openstack-nova-api-version'), v21.version);
    novaError(await nova(c.demo, 'GET', '/flavors', undefined, '2.999'), 406, 'computeFault', /not supported by the API/);
    novaError(await nova(c.demo, 'GET', '/flavors', undefined, 'two'), 400, 'badRequest', /invalid format/);
    novaError(await nova(c.demo, 'GET', '/servers/nothere'), 404, 'itemNotFound', /Instance nothere could not be found/);
    novaError(await call(c.t.url, 'GET', '/compute/v2.1/servers'), 401, 'unauthorized');
  });

  test('flavors: defaults, views per microversion, admin create/delete, extra specs, private access', async () => {
    const list = (await nova(c.demo, 'GET', '/flavors/detail')).body.flavors;
    assert.deepEqual(list.map((f: any) => f.name), ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']);
    const tiny = list[0];
    assert.equal(tiny.ram, 512); assert.equal(tiny.vcpus, 1); assert.equal(tiny.disk, 1);
    assert.equal(tiny.swap, '');
    assert.equal(tiny['os-flavor-access:is_public'], true);
    assert.equal('extra_specs' in tiny, false);
    const newer = (await nova(c.demo, 'GET', '/flavors/1', undefined, '2.75')).body.flavor;
    assert.deepEqual(newer.extra_specs, {});
    assert.equal(newer.swap, 0);
    assert.equal(newer.description, null);
    novaError(await nova(c.demo, 'POST', '/flavors', { flavor: { name: 'x', ram: 1, vcpus: 1, disk: 0 } }), 403, 'forbidden', /os-flavor-manage:create/);
    const made = await nova(c.admin, 'POST', '/flavors', { flavor: { name: 'p1.private', ram: 256, vcpus: 1, disk: 0, 'os-flavor-access:is_public': false } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const fid = made.body.flavor.id;
    novaError(await nova(c.admin, 'POST', '/flavors', { flavor: { name: 'p1.private', ram: 256, vcpus: 1, disk: 0 } }), 409, 'conflictingRequest', /already exists/);
    novaError(await nova(c.admin, 'POST', '/flavors', { flavor: { name: 'bad', ram: -1, vcpus: 1, disk: 0 } }), 400, 'badRequest', /Invalid input for field\/attribute ram/);
    novaError(await nova(c.demo, 'GET', `/flavors/${fid}`), 404, 'itemNotFound');
    assert.equal((await nova(c.admin, 'POST', `/flavors/${fid}/action`, { addTenantAccess: { tenant: c.demo.projectId } })).status, 200);
    assert.equal((await nova(c.demo, 'GET', `/flavors/${fid}`)).status, 200);
    assert.deepEqual((await nova(c.admin, 'GET', `/flavors/${fid}/os-flavor-access`)).body.flavor_access, [{ flavor_id: fid, tenant_id: c.demo.projectId }]);
    novaError(await nova(c.admin, 'POST', '/flavors/1/action', { addTenantAccess: { tenant: c.demo.projectId } }), 409, 'conflictingRequest', /public flavor/);
    const specs = await nova(c.admin, 'POST', `/flavors/${fid}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } });
    assert.deepEqual(specs.body.extra_specs, { 'hw:cpu_policy': 'shared' });
    assert.deepEqual((await nova(c.demo, 'GET', `/flavors/${fid}`, undefined, '2.61')).body.flavor.extra_specs, { 'hw:cpu_policy': 'shared' });
    assert.equal((await nova(c.admin, 'DELETE', `/flavors/${fid}`)).status, 202);
    novaError(await nova(c.admin, 'GET', `/flavors/${fid}`), 404, 'itemNotFound', /Flavor .* could not be found/);
  });

  test('keypairs: generated and imported, list, show, delete; errors', async () => {
    const gen = await nova(c.demo, 'POST', '/os-keypairs', { keypair: { name: 'gen' } }, '2.10');
    assert.equal(gen.status, 201, JSON.stringify(gen.body));
    const k = gen.body.keypair;
    assert.match(k.public_key, /^ssh-rsa AAAA/);
    assert.match(k.private_key, /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(k.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.equal(k.type, 'ssh');
    const old = await nova(c.demo, 'POST', '/os-keypairs', { keypair: { name: 'imported', public_key: k.public_key } });
    assert.equal(old.status, 200);
    assert.equal(old.body.keypair.fingerprint, k.fingerprint);
    assert.equal('private_key' in old.body.keypair, false);
    const list = (await nova(c.demo, 'GET', '/os-keypairs')).body.keypairs.map((x: any) => x.keypair.name);
    assert.deepEqual(list, ['gen', 'imported']);
    assert.deepEqual((await nova(c.other, 'GET', '/os-keypairs')).body.keypairs, []);
    const shown = (await nova(c.demo, 'GET', '/os-keypairs/gen')).body.keypair;
    assert.equal(shown.public_key, k.public_key);
    novaError(await nova(c.demo, 'POST', '/os-keypairs', { keypair: { name: 'gen' } }), 409, 'conflictingRequest', /already exists/);
    novaError(await nova(c.demo, 'POST', '/os-keypairs', { keypair: { name: 'bad', public_key: 'not a key' } }), 400, 'badRequest', /Keypair data is invalid/);
    novaError(await nova(c.demo, 'POST', '/os-keypairs', { keypair: { name: 'bad/name' } }), 400, 'badRequest');
    novaError(await nova(c.other, 'GET', '/os-keypairs/gen'), 404, 'itemNotFound', /Keypair gen not found/);
    assert.equal((await nova(c.demo, 'DELETE', '/os-keypairs/imported', undefined, '2.2')).status, 204);
    assert.equal((await nova(c.demo, 'DELETE', '/os-keypairs/gen')).status, 202);
    assert.deepEqual((await nova(c.demo, 'GET', '/os-keypairs')).body.keypairs, []);
  });

  test('a server boots to ACTIVE with a Nova port, addresses, and goes away with its port', async () => {
    await nova(c.demo, 'POST', '/os-keypairs', { keypair: { name: 'k1' } });
    const made = await boot(c.demo, { name: 'web-1', key_name: 'k1', metadata: { role: 'web' }, user_data: Buffer.from('#!/bin/sh\necho hi\n').toString('base64') });
    assert.match(made.id, /^[0-9a-f-]{36}$/);
    assert.equal(made['OS-DCF:diskConfig'], 'MANUAL');
    assert.deepEqual(made.security_groups, [{ name: 'default' }]);
    assert.equal(typeof made.adminPass, 'string');
    const s = await settle(c.demo, made.id);
    assert.equal(s.status, 'ACTIVE');
    assert.equal(s['OS-EXT-STS:vm_state'], 'active');
    assert.equal(s['OS-EXT-STS:power_state'], 1);
    assert.equal(s.name, 'web-1');
    assert.equal(s.key_name, 'k1');
    assert.deepEqual(s.metadata, { role: 'web' });
    assert.equal(s.tenant_id, c.demo.projectId);
    assert.deepEqual(s.flavor, { id: '1', links: s.flavor.links });
    assert.equal(s.image.id, busybox);
    assert.match(s['OS-SRV-USG:launched_at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal('OS-EXT-SRV-ATTR:host' in s, false);
    const [port] = await portsOf(made.id);
    assert.equal(port.device_owner, 'compute:nova');
    assert.equal(port['binding:host_id'], c.t.pier.get(dataplaneModule).host);
    const addrs = s.addresses['demo-net'];
    assert.deepEqual(addrs, [{ version: 4, addr: port.fixed_ips[0].ip_address, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': port.mac_address }]);
    const admin = (await nova(c.admin, 'GET', `/servers/${made.id}`, undefined, '2.3')).body.server;
    assert.equal(admin['OS-EXT-SRV-ATTR:host'], c.t.pier.get(dataplaneModule).host);
    assert.equal(admin['OS-EXT-SRV-ATTR:hostname'], 'web-1');
    const embedded = (await nova(c.demo, 'GET', `/servers/${made.id}`, undefined, '2.47')).body.server.flavor;
    assert.equal(embedded.original_name, 'm1.tiny');
    assert.equal(embedded.ram, 512);
    assert.equal((await nova(c.demo, 'DELETE', `/servers/${made.id}`)).status, 204);
    await gone(c.demo, made.id);
    assert.deepEqual(await portsOf(made.id), []);
  });

  test('actions: stop, start, reboot, pause, unpause, rebuild, console output; state conflicts', async () => {
    const { id } = await boot(c.demo, { name: 'act' });
    await settle(c.demo, id);
    const act = (body: unknown) => nova(c.demo, 'POST', `/servers/${id}/action`, body);
    novaError(await act({ 'os-start': null }), 409, 'conflictingRequest', /Cannot 'os-start' instance .* while it is in vm_state active/);
    assert.equal((await act({ 'os-stop': null })).status, 202);
    let s = await settle(c.demo, id);
    assert.equal(s.status, 'SHUTOFF');
    assert.equal(s['OS-EXT-STS:power_state'], 4);
    novaError(await act({ reboot: { type: 'SOFT' } }), 409, 'conflictingRequest');
    assert.equal((await act({ 'os-start': null })).status, 202);
    assert.equal((s = await settle(c.demo, id)).status, 'ACTIVE');
    novaError(await act({ reboot: { type: 'sideways' } }), 400, 'badRequest', /reboot.type/);
    novaError(await act({ reboot: {} }), 400, 'badRequest');
    assert.equal((await act({ reboot: { type: 'HARD' } })).status, 202);
    assert.equal((await settle(c.demo, id)).status, 'ACTIVE');
    assert.equal((await act({ pause: null })).status, 202);
    assert.equal((await settle(c.demo, id)).status, 'PAUSED');
    assert.equal((await act({ unpause: null })).status, 202);
    assert.equal((await settle(c.demo, id)).status, 'ACTIVE');
    const rebuilt = await act({ rebuild: { imageRef: busybox, name: 'act-2' } });
    assert.equal(rebuilt.status, 202, JSON.stringify(rebuilt.body));
    assert.equal(rebuilt.body.server.name, 'act-2');
    assert.equal((await settle(c.demo, id)).status, 'ACTIVE');
    const out = await act({ 'os-getConsoleOutput': { length: 2 } });
    assert.equal(out.status, 200);
    // OpenStack: Nova keeps the last `length` pieces of the log split at newlines (Tempest counts them so).
    assert.equal(out.body.output.split('\n').length, 2);
    const full = (await act({ 'os-getConsoleOutput': {} })).body.output;
    assert.match(full, /started/);
    novaError(await act({ 'os-getConsoleOutput': { length: -5 } }), 400, 'badRequest');
    novaError(await act({ fly: null }), 400, 'badRequest', /There is no such action: fly/);
    novaError(await nova(c.other, 'POST', `/servers/${id}/action`, { 'os-stop': null }), 404, 'itemNotFound');
    const actions = (await nova(c.demo, 'GET', `/servers/${id}/os-instance-actions`)).body.instanceActions;
    assert.deepEqual(actions.map((x: any) => x.action).sort(), ['create', 'pause', 'reboot', 'rebuild', 'start', 'stop', 'unpause']);
    const stop = actions.find((x: any) => x.action === 'stop');
    assert.match(stop.request_id, /^req-[0-9a-f-]{36}$/);
    assert.equal(stop.instance_uuid, id);
    const one = (await nova(c.demo, 'GET', `/servers/${id}/os-instance-actions/${stop.request_id}`)).body.instanceAction;
    assert.equal(one.events[0].result, 'Success');
    novaError(await nova(c.demo, 'GET', `/servers/${id}/os-instance-actions/req-nothere`), 404, 'itemNotFound');
    await nova(c.demo, 'DELETE', `/servers/${id}`);
    await gone(c.demo, id);
  });

  test('update, metadata and interfaces', async () => {
    const { id } = await boot(c.demo, { name: 'meta', metadata: { a: '1' } });
    await settle(c.demo, id);
    const u = await nova(c.demo, 'PUT', `/servers/${id}`, { server: { name: 'renamed', description: 'd' } }, '2.19');
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.server.name, 'renamed');
    assert.equal(u.body.server.description, 'd');
    novaError(await nova(c.demo, 'PUT', `/servers/${id}`, { server: { description: 'd' } }), 400, 'badRequest', /Additional properties/);
    assert.deepEqual((await nova(c.demo, 'POST', `/servers/${id}/metadata`, { metadata: { b: '2' } })).body.metadata, { a: '1', b: '2' });
    assert.deepEqual((await nova(c.demo, 'GET', `/servers/${id}/metadata/b`)).body.meta, { b: '2' });
    assert.equal((await nova(c.demo, 'DELETE', `/servers/${id}/metadata/a`)).status, 204);
    novaError(await nova(c.demo, 'GET', `/servers/${id}/metadata/a`), 404, 'itemNotFound');
    novaError(await nova(c.demo, 'PUT', `/servers/${id}/metadata/x`, { meta: { y: '1' } }), 400, 'badRequest', /mismatch/);
    assert.deepEqual((await nova(c.demo, 'PUT', `/servers/${id}/metadata`, { metadata: { only: 'this' } })).body.metadata, { only: 'this' });
    const ifs = (await nova(c.demo, 'GET', `/servers/${id}/os-interface`)).body.interfaceAttachments;
    assert.equal(ifs.length, 1);
    assert.equal(ifs[0].net_id, net.id);
    const own = await c.demo.port(net.id, { name: 'mine' });
    const att = await nova(c.demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { port_id: own.id } });
    assert.equal(att.status, 200, JSON.stringify(att.body));
    assert.equal(att.body.interfaceAttachment.port_id, own.id);
    assert.equal((await nova(c.demo, 'GET', `/servers/${id}/os-interface`)).body.interfaceAttachments.length, 2);
    assert.equal((await c.demo.read(`/ports/${own.id}`)).port.device_id, id);
    assert.equal((await nova(c.demo, 'DELETE', `/servers/${id}/os-interface/${own.id}`)).status, 202);
    assert.equal((await c.demo.read(`/ports/${own.id}`)).port.device_id, '');
    novaError(await nova(c.demo, 'GET', `/servers/${id}/os-interface/${own.id}`), 404, 'itemNotFound');
    await nova(c.demo, 'DELETE', `/servers/${id}`);
    await gone(c.demo, id);
    // A port the user made is not Nova's to delete: it survives the server, unbound.
    assert.equal((await c.demo.get(`/ports/${own.id}`)).status, 200);
  });

  test('lists: summary and detail, filters, sorting, pages, all_tenants', async () => {
    const a = await boot(c.demo, { name: 'list-alpha' });
    const b = await boot(c.demo, { name: 'list-beta' });
    const o = await boot(c.other, { name: 'list-other', networks: 'none' }, '2.37');
    for (const [who, s] of [[c.demo, a], [c.demo, b], [c.other, o]] as const) await settle(who, s.id);
    const summary = (await nova(c.demo, 'GET', '/servers')).body.servers;
    assert.deepEqual(Object.keys(summary[0]).sort(), ['id', 'links', 'name']);
    assert.deepEqual(summary.map((s: any) => s.name).sort(), ['list-alpha', 'list-beta']);
    assert.deepEqual((await nova(c.demo, 'GET', '/servers/detail?name=^list-a')).body.servers.map((s: any) => s.name), ['list-alpha']);
    assert.equal((await nova(c.demo, 'GET', '/servers?status=ACTIVE')).body.servers.length, 2);
    assert.equal((await nova(c.demo, 'GET', '/servers?status=SHUTOFF')).body.servers.length, 0);
    assert.equal((await nova(c.demo, 'GET', '/servers?status=BOGUS')).body.servers.length, 0);
    novaError(await nova(c.demo, 'GET', '/servers?status=BOGUS', undefined, '2.38'), 400, 'badRequest', /Invalid status value/);
    assert.equal((await nova(c.demo, 'GET', `/servers?image=${busybox}&flavor=1`)).body.servers.length, 2);
    assert.equal((await nova(c.demo, 'GET', '/servers?flavor=2')).body.servers.length, 0);
    assert.deepEqual((await nova(c.demo, 'GET', '/servers?sort_key=display_name&sort_dir=asc')).body.servers.map((s: any) => s.name), ['list-alpha', 'list-beta']);
    const page = await nova(c.demo, 'GET', '/servers?limit=1&sort_key=display_name&sort_dir=asc');
    assert.equal(page.body.servers.length, 1);
    const next = new URL(page.body.servers_links[0].href);
    const page2 = await call(c.t.url, 'GET', next.pathname + next.search, { token: c.demo.token });
    assert.deepEqual(page2.body.servers.map((s: any) => s.name), ['list-beta']);
    novaError(await nova(c.demo, 'GET', `/servers?marker=${NOWHERE}`), 400, 'badRequest', /marker/);
    novaError(await nova(c.demo, 'GET', '/servers?all_tenants=1'), 403, 'forbidden', /get_all_tenants/);
    const everyone = (await nova(c.admin, 'GET', '/servers?all_tenants=1')).body.servers.map((s: any) => s.name);
    assert.ok(everyone.includes('list-other') && everyone.includes('list-alpha'));
    assert.deepEqual((await nova(c.admin, 'GET', `/servers?all_tenants=1&project_id=${c.other.projectId}`)).body.servers.map((s: any) => s.name), ['list-other']);
    const other = (await nova(c.other, 'GET', `/servers/${o.id}`)).body.server;
    assert.deepEqual(other.addresses, {});
    for (const [who, s] of [[c.demo, a], [c.demo, b], [c.other, o]] as const) { await nova(who, 'DELETE', `/servers/${s.id}`); await gone(who, s.id); }
  });

  test('bad input gets Nova 400/404/409 bodies and creates nothing', async () => {
    const servers = async () => (await nova(c.admin, 'GET', '/servers?all_tenants=1')).body.servers.length;
    const ports = async () => (await c.admin.read('/ports')).ports.length;
    const before = [await servers(), await ports()];
    const post = (server: Record<string, unknown>, version?: string) => nova(c.demo, 'POST', '/servers', { server: { name: 'bad', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }], ...server } }, version);
    novaError(await post({ imageRef: NOWHERE }), 400, 'badRequest', new RegExp(`Image ${NOWHERE} could not be found`));
    novaError(await post({ flavorRef: '999' }), 400, 'badRequest', /Invalid flavorRef provided/);
    novaError(await post({ networks: [{ uuid: NOWHERE }] }), 400, 'badRequest', new RegExp(`Network ${NOWHERE} could not be found`));
    novaError(await post({ networks: [{ port: NOWHERE }] }), 400, 'badRequest', new RegExp(`Port id ${NOWHERE} could not be found`));
    novaError(await post({ networks: [{ uuid: net.id, fixed_ip: '10.99.0.5' }] }), 400, 'badRequest');
    novaError(await post({ key_name: 'nokey' }), 400, 'badRequest', /Invalid key_name provided/);
    novaError(await post({ security_groups: [{ name: 'nosuch' }] }), 400, 'badRequest', /Security group nosuch not found/);
    novaError(await post({ name: undefined }), 400, 'badRequest', /'name' is a required property/);
    novaError(await post({ name: ' padded ' }), 400, 'badRequest', /Invalid input for field\/attribute name/);
    novaError(await post({ bogus: 1 }), 400, 'badRequest', /Additional properties are not allowed/);
    novaError(await post({ user_data: 'not base64!' }), 400, 'badRequest', /user_data/);
    novaError(await post({ networks: undefined }, '2.37'), 400, 'badRequest', /'networks' is a required property/);
    novaError(await nova(c.demo, 'POST', '/servers', 'not json{'), 400, 'badRequest');
    assert.deepEqual([await servers(), await ports()], before);
  });

  test("networks: 'auto' picks the project's one network, 'none' none, several are ambiguous", async () => {
    const auto = await boot(c.demo, { name: 'auto', networks: 'auto' }, '2.37');
    const s = await settle(c.demo, auto.id);
    assert.deepEqual(Object.keys(s.addresses), ['demo-net']);
    const legacy = await boot(c.demo, { name: 'legacy', networks: undefined });
    assert.deepEqual(Object.keys((await settle(c.demo, legacy.id)).addresses), ['demo-net']);
    const none = await boot(c.demo, { name: 'none', networks: 'none' }, '2.37');
    assert.deepEqual((await settle(c.demo, none.id)).addresses, {});
    const second = await c.demo.network({ name: 'second-net' });
    const servers = (await nova(c.demo, 'GET', '/servers')).body.servers.length;
    novaError(await nova(c.demo, 'POST', '/servers', { server: { name: 'amb', imageRef: busybox, flavorRef: '1', networks: 'auto' } }, '2.37'), 409, 'conflictingRequest', /Multiple possible networks found/);
    assert.equal((await nova(c.demo, 'GET', '/servers')).body.servers.length, servers);
    await c.demo.del(`/networks/${second.id}`);
    for (const x of [auto, legacy, none]) { await nova(c.demo, 'DELETE', `/servers/${x.id}`); await gone(c.demo, x.id); }
  });

  test('an image that cannot run: the server goes ERROR with a fault, and keeps no port', async () => {
    const img = await call(c.t.url, 'POST', '/image/v2/images', { token: c.demo.token, body: { name: 'junk', disk_format: 'raw', container_format: 'bare' } });
    const put = await fetch(`${c.t.url}/image/v2/images/${img.body.id}/file`, { method: 'PUT', body: 'definitely not a tarball', headers: { 'x-auth-token': c.demo.token, 'content-type': 'application/octet-stream' } });
    assert.equal(put.status, 204);
    const { id } = await boot(c.demo, { name: 'broken', imageRef: img.body.id });
    const s = await settle(c.demo, id);
    assert.equal(s.status, 'ERROR');
    assert.equal(s.fault.code, 500);
    assert.match(s.fault.message, /not a tar archive/);
    assert.deepEqual(await portsOf(id), []);
    assert.equal((await nova(c.demo, 'DELETE', `/servers/${id}`)).status, 204);
    await gone(c.demo, id);
  });

  test('quotas: os-quota-sets show / update / detail / defaults, and a create over quota is a 403', async () => {
    const q = (await nova(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}`)).body.quota_set;
    assert.equal(q.instances, 10); assert.equal(q.cores, 20); assert.equal(q.ram, 51200); assert.equal(q.key_pairs, 100);
    assert.equal('floating_ips' in q, true);
    assert.equal('floating_ips' in (await nova(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}`, undefined, '2.57')).body.quota_set, false);
    novaError(await nova(c.demo, 'PUT', `/os-quota-sets/${c.demo.projectId}`, { quota_set: { instances: 50 } }), 403, 'forbidden');
    novaError(await nova(c.demo, 'GET', `/os-quota-sets/${c.other.projectId}`), 403, 'forbidden');
    const set = await nova(c.admin, 'PUT', `/os-quota-sets/${c.demo.projectId}`, { quota_set: { instances: 1 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.quota_set.instances, 1);
    novaError(await nova(c.admin, 'PUT', `/os-quota-sets/${c.demo.projectId}`, { quota_set: { instances: -2 } }), 400, 'badRequest');
    const first = await boot(c.demo, { name: 'q1' });
    await settle(c.demo, first.id);
    const detail = (await nova(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}/detail`)).body.quota_set;
    assert.deepEqual(detail.instances, { limit: 1, in_use: 1, reserved: 0 });
    const ports = (await c.admin.read('/ports')).ports.length;
    novaError(await nova(c.demo, 'POST', '/servers', { server: { name: 'q2', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }] } }), 403, 'forbidden', /Quota exceeded for instances: Requested 1, but already used 1 of 1 instances/);
    assert.equal((await c.admin.read('/ports')).ports.length, ports);
    assert.equal((await nova(c.admin, 'DELETE', `/os-quota-sets/${c.demo.projectId}`)).status, 202);
    assert.equal((await nova(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}`)).body.quota_set.instances, 10);
    const limits = (await nova(c.demo, 'GET', '/limits')).body.limits.absolute;
    assert.equal(limits.totalInstancesUsed, 1);
    await nova(c.demo, 'DELETE', `/servers/${first.id}`);
    await gone(c.demo, first.id);
  });

  test('min_count/max_count make several servers, named -1, -2', async () => {
    await boot(c.demo, { name: 'multi', min_count: 2, max_count: 2 });
    const made = (await nova(c.demo, 'GET', '/servers?name=^multi-')).body.servers;
    assert.deepEqual(made.map((s: any) => s.name).sort(), ['multi-1', 'multi-2']);
    for (const s of made) { await settle(c.demo, s.id); await nova(c.demo, 'DELETE', `/servers/${s.id}`); await gone(c.demo, s.id); }
  });

  test('servers stay ACTIVE across a restart', async () => {
    const { id } = await boot(c.demo, { name: 'survivor' });
    await settle(c.demo, id);
    await c.t.restart();
    await c.t.pier.get(computeModule).controller.idle();
    const s = (await nova(c.demo, 'GET', `/servers/${id}`)).body.server;
    assert.equal(s.status, 'ACTIVE');
    await nova(c.demo, 'DELETE', `/servers/${id}`);
    await gone(c.demo, id);
  });
});

// OS::Nova::* end to end over real HTTP on both stores (fake compute runtime): a keypair, net,
// subnet and server stack goes ACTIVE with an address on the net and deletes with its ports;
// a missing image fails with Nova's message and rolls back; an image that cannot run fails with
// the server's fault; a flavor (admin) with extra specs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

for (const store of testStores()) describe(`orchestration: Nova resources on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  const nova = (method: string, path: string, token = c.token) => call(c.t.url, method, `/compute/v2.1${path}`, { token });
  const resources = async (name: string, id: string) =>
    Object.fromEntries((await c.heat('GET', `/stacks/${name}/${id}/resources`)).body.resources.map((r: any) => [r.resource_name, r]));
  const outputs = (s: any) => Object.fromEntries(s.outputs.map((o: any) => [o.output_key, o.output_value]));
  const net = (cidr: string) => ({
    net: { type: 'OS::Neutron::Net' },
    subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr } },
  });

  test('keypair + net + subnet + server: CREATE_COMPLETE, ACTIVE with an address on the net; delete removes server and ports', async () => {
    const s = await c.stack('vm', {
      heat_template_version: '2018-08-31',
      resources: {
        key: { type: 'OS::Nova::KeyPair', properties: { name: 'vm-key', save_private_key: true } },
        ...net('10.44.0.0/24'),
        server: {
          type: 'OS::Nova::Server', depends_on: 'subnet',
          properties: {
            image: 'busybox', flavor: 'm1.tiny', key_name: { get_resource: 'key' }, networks: [{ network: { get_resource: 'net' } }],
            user_data_format: 'RAW', user_data: '#!/bin/sh\necho hi\n', metadata: { role: 'web', n: 3 },
          },
        },
      },
      outputs: {
        ip: { value: { get_attr: ['server', 'first_address'] } },
        by_net: { value: { get_attr: ['server', 'networks', { get_resource: 'net' }, 0] } },
        port: { value: { get_attr: ['server', 'addresses', { get_resource: 'net' }, 0, 'port'] } },
        name: { value: { get_attr: ['server', 'name'] } },
        status: { value: { get_attr: ['server', 'show', 'status'] } },
        private_key: { value: { get_attr: ['key', 'private_key'] } },
        public_key: { value: { get_attr: ['key', 'public_key'] } },
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const r = await resources('vm', s.id);
    assert.equal(r.key.physical_resource_id, 'vm-key');
    const server = (await nova('GET', `/servers/${r.server.physical_resource_id}`)).body.server;
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server.key_name, 'vm-key');
    assert.deepEqual(server.metadata, { role: 'web', n: '3' });
    assert.match(server.name, /^vm-server-/);
    const netName = (await c.neutron('GET', `/networks/${r.net.physical_resource_id}`)).body.network.name;
    const out = outputs(s);
    assert.match(out.ip, /^10\.44\.0\.\d+$/);
    assert.deepEqual(server.addresses[netName].map((a: any) => a.addr), [out.ip]);
    assert.equal(out.by_net, out.ip);
    assert.equal(out.name, server.name);
    assert.equal(out.status, 'ACTIVE');
    assert.match(out.private_key, /BEGIN (OPENSSH|RSA) PRIVATE KEY/);
    const key = (await nova('GET', '/os-keypairs/vm-key')).body.keypair;
    assert.equal(out.public_key, key.public_key);
    const ports = (await c.neutron('GET', `/ports?device_id=${server.id}`)).body.ports;
    assert.deepEqual(ports.map((p: any) => p.id), [out.port]);

    await c.heat('DELETE', `/stacks/vm/${s.id}`);
    const gone = await c.settle('vm', s.id);
    assert.equal(gone.stack_status, 'DELETE_COMPLETE', gone.stack_status_reason);
    assert.equal((await nova('GET', `/servers/${server.id}`)).status, 404);
    assert.deepEqual((await c.neutron('GET', `/ports?device_id=${server.id}`)).body.ports, []);
    assert.equal((await c.neutron('GET', `/ports/${out.port}`)).status, 404);
    assert.equal((await nova('GET', '/os-keypairs/vm-key')).status, 404);
    assert.equal((await c.neutron('GET', `/networks/${r.net.physical_resource_id}`)).status, 404);
  });

  test('a nic\'s port_extra_properties (allowed address pairs) go onto the port Nova makes for it', async () => {
    const s = await c.stack('pairs', {
      heat_template_version: '2018-08-31',
      resources: {
        ...net('10.47.0.0/24'),
        server: {
          type: 'OS::Nova::Server', depends_on: 'subnet',
          properties: { image: 'busybox', flavor: 'm1.tiny', networks: [{ network: { get_resource: 'net' }, port_extra_properties: { allowed_address_pairs: [{ ip_address: '10.100.0.0/16' }] } }] },
        },
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const r = await resources('pairs', s.id);
    const ports = (await c.neutron('GET', `/ports?device_id=${r.server.physical_resource_id}`)).body.ports;
    assert.equal(ports.length, 1);
    assert.deepEqual(ports[0].allowed_address_pairs.map((p: any) => p.ip_address), ['10.100.0.0/16']);
    await c.heat('DELETE', `/stacks/pairs/${s.id}`);
    assert.equal((await c.settle('pairs', s.id)).stack_status, 'DELETE_COMPLETE');
  });

  test('a server whose image does not exist fails the stack with Nova\'s message and rolls back', async () => {
    const missing = '6a0c1f3e-1111-4222-8333-444455556666';
    const s = await c.stack('noimage', {
      heat_template_version: '2018-08-31',
      resources: { ...net('10.45.0.0/24'), server: { type: 'OS::Nova::Server', depends_on: 'subnet', properties: { image: missing, flavor: 'm1.tiny', networks: [{ network: { get_resource: 'net' } }] } } },
    }, { disable_rollback: false });
    assert.equal(s.stack_status, 'ROLLBACK_COMPLETE', s.stack_status_reason);
    const events = (await c.heat('GET', `/stacks/noimage/${s.id}/events`)).body.events;
    const failed = events.find((e: any) => e.resource_name === 'server' && e.resource_status === 'CREATE_FAILED');
    assert.equal(failed.resource_status_reason, `BadRequest: resources.server: Image ${missing} could not be found.`);
    assert.deepEqual((await nova('GET', '/servers')).body.servers, []);
    const nets = (await c.neutron('GET', '/networks')).body.networks.filter((n: any) => n.name.startsWith('noimage-'));
    assert.deepEqual(nets, []);
  });

  test('an image that cannot run: the server goes ERROR and the stack fails with its fault', async () => {
    const img = await call(c.t.url, 'POST', '/image/v2/images', { token: c.token, body: { name: 'junk', disk_format: 'raw', container_format: 'bare' } });
    const put = await fetch(`${c.t.url}/image/v2/images/${img.body.id}/file`, { method: 'PUT', body: 'not a tarball', headers: { 'x-auth-token': c.token, 'content-type': 'application/octet-stream' } });
    assert.equal(put.status, 204);
    const s = await c.stack('junk', {
      heat_template_version: '2018-08-31',
      resources: { ...net('10.46.0.0/24'), server: { type: 'OS::Nova::Server', depends_on: 'subnet', properties: { image: 'junk', flavor: '1', networks: [{ network: { get_resource: 'net' } }] } } },
    }, { disable_rollback: true });
    assert.equal(s.stack_status, 'CREATE_FAILED');
    assert.match(s.stack_status_reason, /^Resource CREATE failed: ResourceInError: resources\.server: Went to status ERROR due to "Message: .*not a tar archive.*, Code: 500"$/);
    await c.heat('DELETE', `/stacks/junk/${s.id}`);
    const gone = await c.settle('junk', s.id);
    assert.equal(gone.stack_status, 'DELETE_COMPLETE', gone.stack_status_reason);
    assert.deepEqual((await nova('GET', '/servers')).body.servers, []);
  });

  test('custom constraints: an unknown flavor, keypair or (parameter) image is refused and nothing is made', async () => {
    const refused = async (template: unknown, message: string, extra: Record<string, unknown> = {}) => {
      const r = await c.heat('POST', '/stacks', { stack_name: 'bad', template, ...extra });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.type, 'StackValidationFailed');
      assert.equal(r.body.error.message, message);
      assert.equal((await c.heat('GET', '/stacks/bad')).status, 404);
    };
    const server = (props: Record<string, unknown>) => ({ heat_template_version: '2018-08-31', resources: { s: { type: 'OS::Nova::Server', properties: { image: 'busybox', flavor: 'm1.tiny', networks: [{ allocate_network: 'none' }], ...props } } } });
    await refused(server({ flavor: 'm1.huge-nope' }), "Property error: resources.s.properties.flavor: Error validating value 'm1.huge-nope': No Flavor matching {'name': 'm1.huge-nope'}. (HTTP 404)");
    await refused(server({ key_name: 'ghost-key' }), "Property error: resources.s.properties.key_name: Error validating value 'ghost-key': The Key (ghost-key) could not be found.");
    const param = { heat_template_version: '2018-08-31', parameters: { img: { type: 'string', constraints: [{ custom_constraint: 'glance.image' }] } }, resources: {} };
    await refused(param, "Parameter 'img' is invalid: Error validating value 'ghost-image': No image matching {'name': 'ghost-image'}.", { parameters: { img: 'ghost-image' } });
    const ok = await c.stack('constraints-ok', param, { parameters: { img: 'busybox' } });
    assert.equal(ok.stack_status, 'CREATE_COMPLETE', ok.stack_status_reason);
    assert.deepEqual((await nova('GET', '/servers')).body.servers, []);
  });

  test('OS::Nova::Flavor: admin makes a private flavor with extra specs; the demo user is refused', async () => {
    const admin = await tokenFor(c.t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const adminProject = (await call(c.t.url, 'GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': admin } })).body.token.project.id;
    const heat = (method: string, path: string, body?: unknown) => call(c.t.url, method, `/orchestration/v1/${adminProject}${path}`, { token: admin, body });
    const template = {
      heat_template_version: '2018-08-31',
      resources: { f: { type: 'OS::Nova::Flavor', properties: { ram: 256, vcpus: 1, disk: 2, is_public: false, extra_specs: { 'hw:cpu_policy': 'dedicated' } } } },
      outputs: { specs: { value: { get_attr: ['f', 'extra_specs'] } }, pub: { value: { get_attr: ['f', 'is_public'] } } },
    };
    const made = await heat('POST', '/stacks', { stack_name: 'flv', template });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    let s: any;
    for (;;) {
      s = (await heat('GET', `/stacks/flv/${made.body.stack.id}`)).body.stack;
      if (!s.stack_status.endsWith('IN_PROGRESS')) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    assert.deepEqual(outputs(s), { specs: { 'hw:cpu_policy': 'dedicated' }, pub: false });
    const id = (await heat('GET', `/stacks/flv/${s.id}/resources/f`)).body.resource.physical_resource_id;
    const flavor = (await nova('GET', `/flavors/${id}`, admin)).body.flavor;
    assert.deepEqual([flavor.ram, flavor.vcpus, flavor.disk, flavor['os-flavor-access:is_public']], [256, 1, 2, false]);
    const access = (await nova('GET', `/flavors/${id}/os-flavor-access`, admin)).body.flavor_access;
    assert.deepEqual(access, [{ flavor_id: id, tenant_id: adminProject }]);
    await heat('DELETE', `/stacks/flv/${s.id}`);
    for (;;) {
      s = (await heat('GET', `/stacks/flv/${s.id}`)).body.stack;
      if (!s.stack_status.endsWith('IN_PROGRESS')) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    assert.equal(s.stack_status, 'DELETE_COMPLETE', s.stack_status_reason);
    assert.equal((await nova('GET', `/flavors/${id}`, admin)).status, 404);

    const refused = await c.stack('flv-demo', template, { disable_rollback: true });
    assert.equal(refused.stack_status, 'CREATE_FAILED');
    assert.match(refused.stack_status_reason, /Forbidden: resources\.f: .*os_compute_api:os-flavor-manage:create/);
  });
});

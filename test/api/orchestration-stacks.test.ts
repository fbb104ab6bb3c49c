// Heat stacks over real HTTP on both stores: a network topology created, shown, listed, its
// resources, events and outputs, then deleted leaving nothing behind; a failure midway rolled
// back; disable_rollback keeping what was made; Retain; and the 302 of a stack named without id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

const TOPOLOGY = {
  heat_template_version: '2018-08-31',
  parameters: { cidr: { type: 'string', default: '10.20.0.0/24' } },
  resources: {
    net: { type: 'OS::Neutron::Net', properties: { name: 'hnet' } },
    subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: { get_param: 'cidr' } } },
    router: { type: 'OS::Neutron::Router' },
    iface: { type: 'OS::Neutron::RouterInterface', properties: { router: { get_resource: 'router' }, subnet: { get_resource: 'subnet' } } },
    sg: { type: 'OS::Neutron::SecurityGroup', properties: { rules: [{ protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' }] } },
    port: { type: 'OS::Neutron::Port', properties: { network: { get_resource: 'net' }, fixed_ips: [{ subnet: { get_resource: 'subnet' } }], security_groups: [{ get_resource: 'sg' }] } },
  },
  outputs: {
    port_ip: { value: { get_attr: ['port', 'fixed_ips', 0, 'ip_address'] }, description: 'the address' },
    net_name: { value: { get_attr: ['net', 'name'] } },
  },
};

for (const store of testStores()) describe(`orchestration: stacks on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  const count = async (kind: string) => (await c.neutron('GET', `/${kind}`)).body[kind.replace('-', '_')].length;

  test('a network topology: create, show, resources, events, outputs, delete', async () => {
    const before = { networks: await count('networks'), ports: await count('ports'), routers: await count('routers') };
    const s = await c.stack('topo', TOPOLOGY);
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    assert.equal(s.stack_status_reason, 'Stack CREATE completed successfully');
    const outputs = Object.fromEntries(s.outputs.map((o: any) => [o.output_key, o.output_value]));
    assert.match(outputs.port_ip, /^10\.20\.0\.\d+$/);
    assert.equal(outputs.net_name, 'hnet');
    assert.equal(s.parameters['OS::stack_name'], 'topo');
    assert.equal(s.parameters.cidr, '10.20.0.0/24');

    const res = (await c.heat('GET', `/stacks/topo/${s.id}/resources`)).body.resources;
    assert.deepEqual(res.map((r: any) => r.resource_name).sort(), ['iface', 'net', 'port', 'router', 'sg', 'subnet']);
    assert.ok(res.every((r: any) => r.resource_status === 'CREATE_COMPLETE'));
    const net = res.find((r: any) => r.resource_name === 'net');
    const shownNet = (await c.neutron('GET', `/networks/${net.physical_resource_id}`)).body.network;
    assert.equal(shownNet.name, 'hnet');
    assert.deepEqual(net.required_by.sort(), ['port', 'subnet']);
    const port = res.find((r: any) => r.resource_name === 'port');
    const neutronPort = (await c.neutron('GET', `/ports/${port.physical_resource_id}`)).body.port;
    const sg = res.find((r: any) => r.resource_name === 'sg');
    assert.deepEqual(neutronPort.security_groups, [sg.physical_resource_id]);
    const rules = (await c.neutron('GET', `/security-group-rules?security_group_id=${sg.physical_resource_id}`)).body.security_group_rules;
    assert.ok(rules.some((r: any) => r.port_range_min === 22 && r.direction === 'ingress'));
    const routerPorts = (await c.neutron('GET', `/ports?device_id=${res.find((r: any) => r.resource_name === 'router').physical_resource_id}`)).body.ports;
    assert.equal(routerPorts.length, 1);

    const one = await c.heat('GET', `/stacks/topo/${s.id}/resources/subnet`);
    assert.equal(one.status, 200);
    assert.equal(one.body.resource.attributes.cidr, '10.20.0.0/24');
    const output = await c.heat('GET', `/stacks/topo/${s.id}/outputs/net_name`);
    assert.deepEqual(output.body.output, { output_key: 'net_name', output_value: 'hnet', description: 'No description given' });

    const events = (await c.heat('GET', `/stacks/topo/${s.id}/events`)).body.events;
    assert.equal(events[0].resource_name, 'topo');
    assert.equal(events[0].resource_status, 'CREATE_IN_PROGRESS');
    assert.equal(events.at(-1).resource_status, 'CREATE_COMPLETE');
    assert.equal(events.filter((e: any) => e.resource_name === 'net').map((e: any) => e.resource_status).join(), 'CREATE_IN_PROGRESS,CREATE_COMPLETE');

    const list = (await c.heat('GET', '/stacks')).body.stacks;
    assert.deepEqual(list.map((x: any) => x.stack_name), ['topo']);

    const redirect = await c.heat('GET', '/stacks/topo');
    assert.equal(redirect.status, 302);
    assert.ok(redirect.headers.get('location')!.endsWith(`/stacks/topo/${s.id}`));

    assert.equal((await c.heat('DELETE', `/stacks/topo/${s.id}`)).status, 204);
    const gone = await c.settle('topo', s.id);
    assert.equal(gone.stack_status, 'DELETE_COMPLETE', gone.stack_status_reason);
    assert.equal((await c.heat('GET', '/stacks/topo')).status, 404);
    const deleted = (await c.heat('GET', '/stacks?show_deleted=true')).body.stacks;
    assert.equal(deleted.find((x: any) => x.id === s.id).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual({ networks: await count('networks'), ports: await count('ports'), routers: await count('routers') }, before);
  });

  test('a failure midway rolls back what was made; disable_rollback keeps it', async () => {
    const nets = await count('networks');
    const template = {
      heat_template_version: '2016-10-14',
      resources: {
        net: { type: 'OS::Neutron::Net' },
        subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: '10.30.0.0/24' } },
        fail: { type: 'OS::Heat::TestResource', properties: { fail: true }, depends_on: ['subnet'] },
      },
    };
    const s = await c.stack('failing', template);
    assert.equal(s.stack_status, 'ROLLBACK_COMPLETE');
    const events = (await c.heat('GET', `/stacks/failing/${s.id}/events`)).body.events;
    const failed = events.find((e: any) => e.resource_status === 'CREATE_FAILED' && e.resource_name === 'failing');
    assert.equal(failed.resource_status_reason, 'Resource CREATE failed: ValueError: resources.fail: Test Resource failed fail');
    assert.equal(await count('networks'), nets);
    const res = (await c.heat('GET', `/stacks/failing/${s.id}/resources`)).body.resources;
    assert.ok(res.every((r: any) => r.resource_status === 'DELETE_COMPLETE'), JSON.stringify(res));

    const kept = await c.stack('kept', template, { disable_rollback: true });
    assert.equal(kept.stack_status, 'CREATE_FAILED');
    assert.equal(kept.stack_status_reason, 'Resource CREATE failed: ValueError: resources.fail: Test Resource failed fail');
    assert.equal(await count('networks'), nets + 1);
    const fail = (await c.heat('GET', `/stacks/kept/${kept.id}/resources/fail`)).body.resource;
    assert.equal(fail.resource_status, 'CREATE_FAILED');
    assert.equal(fail.resource_status_reason, 'ValueError: resources.fail: Test Resource failed fail');
    await c.heat('DELETE', `/stacks/kept/${kept.id}`);
    assert.equal((await c.settle('kept', kept.id)).stack_status, 'DELETE_COMPLETE');
    assert.equal(await count('networks'), nets);
  });

  test('deletion_policy Retain leaves the resource; a resource already gone is fine', async () => {
    const s = await c.stack('retain', {
      heat_template_version: '2018-08-31',
      resources: {
        kept: { type: 'OS::Neutron::Net', deletion_policy: 'Retain', properties: { name: 'kept-net' } },
        gone: { type: 'OS::Neutron::Net', properties: { name: 'gone-net' } },
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE');
    const res = (await c.heat('GET', `/stacks/retain/${s.id}/resources`)).body.resources;
    const id = (n: string) => res.find((r: any) => r.resource_name === n).physical_resource_id;
    assert.equal((await c.neutron('DELETE', `/networks/${id('gone')}`)).status, 204);
    await c.heat('DELETE', `/stacks/retain/${s.id}`);
    assert.equal((await c.settle('retain', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.equal((await c.neutron('GET', `/networks/${id('kept')}`)).status, 200);
    await c.neutron('DELETE', `/networks/${id('kept')}`);
  });

  test('stack list: pages by marker and limit in sort order, sort_keys, tags with LIKE characters', async () => {
    const empty = { heat_template_version: '2018-08-31', resources: {} };
    const made: string[] = [];
    for (const [i, tags] of [['p-c', 'a,50%_x'], ['p-a', 'a'], ['p-e', 'b'], ['p-b', 'a,b'], ['p-d', '']] as const) made.push((await c.stack(i, empty, tags ? { tags } : {})).id);
    const names = async (q: string) => ((await c.heat('GET', `/stacks?${q}`)).body.stacks as any[]).map((x) => x.stack_name).filter((n: string) => n.startsWith('p-'));
    assert.deepEqual(await names('sort_keys=stack_name&sort_dir=asc'), ['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
    const walked: string[] = [];
    let marker = '';
    for (let page = 0; page < 10; page++) {
      const r = (await c.heat('GET', `/stacks?sort_keys=stack_name&sort_dir=desc&limit=2${marker ? `&marker=${marker}` : ''}`)).body.stacks as any[];
      if (!r.length) break;
      assert.ok(r.length <= 2);
      walked.push(...r.map((x) => x.stack_name).filter((n: string) => n.startsWith('p-')));
      marker = r.at(-1).id;
    }
    assert.deepEqual(walked, ['p-e', 'p-d', 'p-c', 'p-b', 'p-a']);
    assert.deepEqual((await names('tags=a&sort_keys=stack_name&sort_dir=asc')), ['p-a', 'p-b', 'p-c']);
    assert.deepEqual((await names('tags=a,b')), ['p-b']);
    assert.deepEqual((await names('tags=50%25_x')), ['p-c']);
    assert.deepEqual((await names('tags=50%25')), []);
    assert.deepEqual((await names('limit=0')), []);
    // Every project's stacks: Heat's default policy (stacks:global_index) denies everybody, admins too.
    const global = await c.heat('GET', '/stacks?global_tenant=true');
    assert.equal(global.status, 403);
    assert.equal(global.body.error.type, 'Forbidden');
    assert.equal(global.body.explanation, 'Access was denied to this resource.');
    for (const [i, id] of made.entries()) assert.equal((await c.heat('DELETE', `/stacks/${['p-c', 'p-a', 'p-e', 'p-b', 'p-d'][i]}/${id}`)).status, 204);
  });
});

// Stack actions and the remaining Neutron types over real HTTP on both stores: suspend / resume /
// check walking every resource (nested stacks too), check failing when a physical resource
// vanished, an admin's OS::Neutron::ProviderNet, and OS::Neutron::ExtraRoute on a router.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

for (const store of testStores()) describe(`orchestration: stack actions and provider networks on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  const statuses = async (name: string, id: string, depth = 0) =>
    Object.fromEntries((await c.heat('GET', `/stacks/${name}/${id}/resources?nested_depth=${depth}`)).body.resources.map((r: any) => [r.resource_name, r.resource_status]));
  const act = async (name: string, id: string, body: unknown) => {
    const r = await c.heat('POST', `/stacks/${name}/${id}/actions`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return c.settle(name, id);
  };

  test('suspend, resume and check walk every resource, nested ones too; a suspended handle refuses signals', async () => {
    const s = await c.stack('acts', {
      heat_template_version: '2018-08-31',
      resources: {
        net: { type: 'OS::Neutron::Net' },
        group: { type: 'OS::Heat::ResourceGroup', properties: { count: 2, resource_def: { type: 'OS::Heat::None' } } },
        handle: { type: 'OS::Heat::WaitConditionHandle' },
        value: { type: 'OS::Heat::TestResource', properties: { value: 'x' } },
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);

    const suspended = await act('acts', s.id, { suspend: null });
    assert.deepEqual([suspended.stack_status, suspended.stack_status_reason], ['SUSPEND_COMPLETE', 'Stack SUSPEND completed successfully']);
    assert.deepEqual(Object.values(await statuses('acts', s.id, 1)), Array(6).fill('SUSPEND_COMPLETE'));
    const refused = await c.heat('POST', `/stacks/acts/${s.id}/resources/handle/signal`, {});
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.message, 'Signal resource during SUSPEND is not supported.');
    // Suspending again does nothing.
    assert.equal((await act('acts', s.id, { suspend: null })).stack_status, 'SUSPEND_COMPLETE');

    const resumed = await act('acts', s.id, { resume: null });
    assert.deepEqual([resumed.stack_status, resumed.stack_status_reason], ['RESUME_COMPLETE', 'Stack RESUME completed successfully']);
    assert.deepEqual(Object.values(await statuses('acts', s.id, 1)), Array(6).fill('RESUME_COMPLETE'));
    assert.equal((await c.heat('POST', `/stacks/acts/${s.id}/resources/handle/signal`, {})).status, 200);

    const checked = await act('acts', s.id, { check: null });
    assert.deepEqual([checked.stack_status, checked.stack_status_reason], ['CHECK_COMPLETE', 'Stack CHECK completed successfully']);
    assert.deepEqual(Object.values(await statuses('acts', s.id, 1)), Array(6).fill('CHECK_COMPLETE'));
    const events = (await c.heat('GET', `/stacks/acts/${s.id}/events?resource_action=CHECK`)).body.events.map((e: any) => e.resource_name);
    assert.ok(events.includes('net') && events.includes('acts'));

    // The network vanishes behind the stack's back: check says so.
    const net = (await c.heat('GET', `/stacks/acts/${s.id}/resources/net`)).body.resource.physical_resource_id;
    assert.equal((await c.neutron('DELETE', `/networks/${net}`)).status, 204);
    const broken = await act('acts', s.id, { check: null });
    assert.equal(broken.stack_status, 'CHECK_FAILED');
    assert.equal(broken.stack_status_reason, `Resource CHECK failed: NotFound: resources.net: The resource ${net} could not be found.`);
    assert.equal((await statuses('acts', s.id))['net'], 'CHECK_FAILED');

    const bad = await c.heat('POST', `/stacks/acts/${s.id}/actions`, { hibernate: null });
    assert.equal(bad.status, 400);
    await c.heat('DELETE', `/stacks/acts/${s.id}`);
    assert.equal((await c.settle('acts', s.id)).stack_status, 'DELETE_COMPLETE');
  });

  test('OS::Neutron::ProviderNet as admin: provider attributes set; vlan without a physical network refused', async () => {
    const admin = await tokenFor(c.t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const project = (await call(c.t.url, 'GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': admin } })).body.token.project.id;
    const heat = (method: string, path: string, body?: unknown) => call(c.t.url, method, `/orchestration/v1/${project}${path}`, { token: admin, body });
    const bad = await heat('POST', '/stacks', { stack_name: 'pn', template: { heat_template_version: '2018-08-31', resources: { pn: { type: 'OS::Neutron::ProviderNet', properties: { network_type: 'vlan' } } } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.message, 'Failed to validate: resources.pn: physical_network is required for vlan provider network.');

    const r = await heat('POST', '/stacks', { stack_name: 'pn', template: { heat_template_version: '2018-08-31', resources: {
      pn: { type: 'OS::Neutron::ProviderNet', properties: { name: 'provider', network_type: 'vlan', physical_network: 'physnet1', segmentation_id: '101', router_external: true } },
    } } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    let st: any;
    for (let i = 0; i < 400 && !String(st?.stack_status).match(/COMPLETE|FAILED/); i++) {
      st = (await heat('GET', `/stacks/pn/${r.body.stack.id}`)).body.stack;
      await new Promise((res) => setTimeout(res, 25));
    }
    assert.equal(st.stack_status, 'CREATE_COMPLETE', st.stack_status_reason);
    const id = (await heat('GET', `/stacks/pn/${r.body.stack.id}/resources/pn`)).body.resource.physical_resource_id;
    const net = (await call(c.t.url, 'GET', `/networking/v2.0/networks/${id}`, { token: admin })).body.network;
    assert.deepEqual([net['provider:network_type'], net['provider:physical_network'], net['provider:segmentation_id'], net['router:external'], net.shared], ['vlan', 'physnet1', 101, true, true]);
    await heat('DELETE', `/stacks/pn/${r.body.stack.id}`);
  });

  test('OS::Neutron::ExtraRoute adds a route to its router and removes it on delete', async () => {
    const s = await c.stack('routes', {
      heat_template_version: '2018-08-31',
      resources: {
        net: { type: 'OS::Neutron::Net' },
        subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: '10.41.0.0/24' } },
        router: { type: 'OS::Neutron::Router' },
        iface: { type: 'OS::Neutron::RouterInterface', properties: { router: { get_resource: 'router' }, subnet: { get_resource: 'subnet' } } },
        route: { type: 'OS::Neutron::ExtraRoute', depends_on: 'iface', properties: { router_id: { get_resource: 'router' }, destination: '10.99.0.0/24', nexthop: '10.41.0.5' } },
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const ids = Object.fromEntries((await c.heat('GET', `/stacks/routes/${s.id}/resources`)).body.resources.map((r: any) => [r.resource_name, r.physical_resource_id]));
    assert.equal(ids.route, `${ids.router}:10.99.0.0/24:10.41.0.5`);
    assert.deepEqual((await c.neutron('GET', `/routers/${ids.router}`)).body.router.routes, [{ destination: '10.99.0.0/24', nexthop: '10.41.0.5' }]);
    assert.equal((await act('routes', s.id, { check: null })).stack_status, 'CHECK_COMPLETE');
    await c.heat('DELETE', `/stacks/routes/${s.id}`);
    assert.equal((await c.settle('routes', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual((await c.neutron('GET', '/routers')).body.routers, []);
  });
});

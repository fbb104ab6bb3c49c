// OS::Cinder::* end to end over real HTTP on both stores (fake compute runtime): a stack with a
// net, a server, a volume and an attachment creates (the volume in-use on the server) and
// deletes cleanly (the volume gone); the size grows in place on update; an unknown volume
// fails the cinder.volume constraint; a server booted from a volume through
// block_device_mapping_v2, with a second volume mapped beside it; an admin's
// OS::Cinder::VolumeType with extra specs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

for (const store of testStores()) describe(`orchestration: Cinder resources on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  const cinder = (method: string, path: string, token = c.token, project = c.project) => call(c.t.url, method, `/volume/v3/${project}${path}`, { token });
  const cinderDo = (method: string, path: string, body: unknown) => call(c.t.url, method, `/volume/v3/${c.project}${path}`, { token: c.token, body });
  const resources = async (name: string, id: string) =>
    Object.fromEntries((await c.heat('GET', `/stacks/${name}/${id}/resources`)).body.resources.map((r: any) => [r.resource_name, r]));
  const template = (size: number) => ({
    heat_template_version: '2018-08-31',
    resources: {
      net: { type: 'OS::Neutron::Net' },
      subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: '10.45.0.0/24' } },
      server: { type: 'OS::Nova::Server', depends_on: 'subnet', properties: { image: 'busybox', flavor: 'm1.tiny', networks: [{ network: { get_resource: 'net' } }] } },
      vol: { type: 'OS::Cinder::Volume', properties: { size, name: 'stack-vol', metadata: { role: 'data' } } },
      attach: { type: 'OS::Cinder::VolumeAttachment', properties: { instance_uuid: { get_resource: 'server' }, volume_id: { get_resource: 'vol' }, mountpoint: '/dev/vdc' } },
    },
    outputs: { status: { value: { get_attr: ['vol', 'status'] } }, size: { value: { get_attr: ['vol', 'size'] } }, att: { value: { get_attr: ['vol', 'attachments_list'] } } },
  });

  test('server + volume + attachment: CREATE_COMPLETE with the volume in-use; update grows it; delete leaves nothing', async () => {
    const s = await c.stack('vols', template(1));
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const r = await resources('vols', s.id);
    const vol = r.vol.physical_resource_id;
    const v = (await cinder('GET', `/volumes/${vol}`)).body.volume;
    assert.equal(v.status, 'in-use');
    assert.equal(v.name, 'stack-vol');
    assert.deepEqual(v.metadata, { role: 'data' });
    assert.deepEqual(v.attachments.map((a: any) => [a.server_id, a.device]), [[r.server.physical_resource_id, '/dev/vdc']]);
    const outs = Object.fromEntries(s.outputs.map((o: any) => [o.output_key, o.output_value]));
    assert.equal(outs.status, 'in-use');
    assert.equal(outs.size, 1);
    const u = await c.heat('PUT', `/stacks/vols/${s.id}`, { template: template(2) });
    assert.equal(u.status, 202, JSON.stringify(u.body));
    const updated = await c.settle('vols', s.id);
    assert.equal(updated.stack_status, 'UPDATE_COMPLETE', updated.stack_status_reason);
    assert.equal((await cinder('GET', `/volumes/${vol}`)).body.volume.size, 2);
    assert.equal((await resources('vols', s.id)).vol.physical_resource_id, vol, 'updated in place');
    assert.equal((await c.heat('DELETE', `/stacks/vols/${s.id}`)).status, 204);
    const gone = await c.settle('vols', s.id);
    assert.equal(gone.stack_status, 'DELETE_COMPLETE', gone.stack_status_reason);
    assert.equal((await cinder('GET', `/volumes/${vol}`)).status, 404);
    assert.deepEqual((await cinder('GET', '/volumes')).body.volumes, []);
  });

  test('block_device_mapping_v2: a server boots from a volume with another beside it; delete frees both; what Nova cannot map fails the stack with its reason', async () => {
    const volume = async (name: string) => (await cinderDo('POST', '/volumes', { volume: { size: 1, name } })).body.volume.id as string;
    const [root, data] = [await volume('root'), await volume('data')];
    assert.equal((await cinderDo('POST', `/volumes/${root}/action`, { 'os-set_bootable': { bootable: true } })).status, 200);
    const template = (bdm: unknown[]) => ({
      heat_template_version: '2018-08-31',
      resources: {
        net: { type: 'OS::Neutron::Net' },
        subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: '10.46.0.0/24' } },
        server: { type: 'OS::Nova::Server', depends_on: 'subnet', properties: { flavor: 'm1.tiny', networks: [{ network: { get_resource: 'net' } }], block_device_mapping_v2: bdm } },
      },
    });
    // Heat's defaults: a volume is boot_index 0 unless told; kept on the server's delete unless told.
    const s = await c.stack('bfv', template([{ volume_id: root }, { volume_id: data, device_name: 'vdb', boot_index: -1 }]));
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const server = (await resources('bfv', s.id)).server.physical_resource_id;
    const shown = (await call(c.t.url, 'GET', `/compute/v2.1/servers/${server}`, { token: c.token, headers: { 'X-OpenStack-Nova-API-Version': '2.79' } })).body.server;
    assert.equal(shown.image, '', 'booted from a volume: no image');
    assert.deepEqual(shown['os-extended-volumes:volumes_attached'].map((v: any) => v.id).sort(), [root, data].sort());
    for (const id of [root, data]) assert.equal((await cinder('GET', `/volumes/${id}`)).body.volume.status, 'in-use');
    assert.equal((await c.heat('DELETE', `/stacks/bfv/${s.id}`)).status, 204);
    assert.equal((await c.settle('bfv', s.id)).stack_status, 'DELETE_COMPLETE');
    for (const id of [root, data]) assert.equal((await cinder('GET', `/volumes/${id}`)).body.volume.status, 'available');

    const swap = await c.stack('bfv-swap', template([{ volume_id: root }, { swap_size: 512 }]), { disable_rollback: true });
    assert.equal(swap.stack_status, 'CREATE_FAILED');
    assert.match(swap.stack_status_reason, /Block Device Mapping is Invalid: source_type blank with destination_type local is not supported/);
    assert.equal((await cinder('GET', `/volumes/${root}`)).body.volume.status, 'available', 'the refused create took nothing');
    assert.equal((await c.heat('DELETE', `/stacks/bfv-swap/${swap.id}`)).status, 204);
    assert.equal((await c.settle('bfv-swap', swap.id)).stack_status, 'DELETE_COMPLETE');
    for (const id of [root, data]) assert.equal((await cinder('DELETE', `/volumes/${id}`)).status, 202);
  });

  test('an unknown volume fails the cinder.volume constraint before anything is made', async () => {
    const r = await c.heat('POST', '/stacks', {
      stack_name: 'bad-att', template: {
        heat_template_version: '2018-08-31',
        resources: { a: { type: 'OS::Cinder::VolumeAttachment', properties: { instance_uuid: 'x', volume_id: 'no-such-volume' } } },
      },
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error.message, /No volume with a name or ID of 'no-such-volume' exists/);
  });

  test('OS::Cinder::VolumeType (admin) with extra specs, private with projects', async () => {
    const token = await tokenFor(c.t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const project = (await call(c.t.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
    const heat = (method: string, path: string, body?: unknown) => call(c.t.url, method, `/orchestration/v1/${project}${path}`, { token, body });
    const r = await heat('POST', '/stacks', {
      stack_name: 'types', template: {
        heat_template_version: '2018-08-31',
        resources: { t: { type: 'OS::Cinder::VolumeType', properties: { name: 'heat-gold', metadata: { tier: 'gold' }, is_public: false, projects: [c.project] } } },
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    let s: any;
    for (let i = 0; i < 400; i++) { s = (await heat('GET', `/stacks/types/${r.body.stack.id}`)).body.stack; if (!s.stack_status.endsWith('IN_PROGRESS')) break; await new Promise((x) => setTimeout(x, 25)); }
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const types = (await cinder('GET', '/types', token, project)).body.volume_types;
    const t = types.find((x: any) => x.name === 'heat-gold');
    assert.deepEqual([t.is_public, t.extra_specs], [false, { tier: 'gold' }]);
    assert.ok((await cinder('GET', '/types')).body.volume_types.some((x: any) => x.name === 'heat-gold'), 'the project given access sees it');
    assert.equal((await heat('DELETE', `/stacks/types/${r.body.stack.id}`)).status, 204);
    for (let i = 0; i < 400; i++) { s = (await heat('GET', `/stacks/types/${r.body.stack.id}`)).body.stack; if (!s.stack_status.endsWith('IN_PROGRESS')) break; await new Promise((x) => setTimeout(x, 25)); }
    assert.equal(s.stack_status, 'DELETE_COMPLETE');
    assert.equal((await cinder('GET', '/types', token, project)).body.volume_types.some((x: any) => x.name === 'heat-gold'), false);
  });
});

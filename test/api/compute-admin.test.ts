// Nova's admin and proxy APIs over real HTTP with the fake runtime (both stores): this host's
// services, hypervisor and zones; aggregates; server groups with the group hint; usage; limits
// per microversion; Nova's lenient booleans; the 2.1 proxies (security groups, images); server
// tags and lock; each with Nova's error body for bad input, which changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores, type Reply } from '../support/pier.js';
import { startCloud, type Client, type Cloud } from '../support/networking.js';

function novaError(r: Reply, status: number, name: string, message?: RegExp): void {
  const shown = `${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, status, shown);
  assert.equal(r.body?.[name]?.code, status, shown);
  if (message) assert.match(r.body[name].message, message, shown);
}

for (const store of testStores()) describe(`compute admin and proxy APIs on ${store}`, () => {
  let c: Cloud;
  let net: any;
  let busybox: string;
  before(async () => {
    c = await startCloud(store);
    net = await c.demo.network({ name: 'admin-net' });
    await c.demo.subnet(net.id, '10.30.0.0/24');
    busybox = (await call(c.t.url, 'GET', '/image/v2/images?name=busybox', { token: c.demo.token })).body.images[0].id;
  });
  after(() => c.close());

  const nova = (who: Client, method: string, path: string, body?: unknown, version?: string) =>
    call(c.t.url, method, `/compute/v2.1${path}`, { token: who.token, body, headers: version ? { 'openstack-api-version': `compute ${version}` } : {} });
  const boot = async (extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => {
    const r = await nova(c.demo, 'POST', '/servers', { server: { name: 'adm', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }], ...extra }, ...top });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    for (let n = 0; n < 200; n++) {
      const s = (await nova(c.demo, 'GET', `/servers/${r.body.server.id}`)).body.server;
      if (s.status === 'ACTIVE') return s;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error('server did not become ACTIVE');
  };
  const remove = async (id: string) => {
    await nova(c.demo, 'DELETE', `/servers/${id}`);
    for (let n = 0; n < 200 && (await nova(c.demo, 'GET', `/servers/${id}`)).status !== 404; n++) await new Promise((res) => setTimeout(res, 20));
  };

  test('os-services: this host\'s services, up, disabled and enabled again by host and binary or by id', async () => {
    const list = (await nova(c.admin, 'GET', '/os-services')).body.services;
    assert.deepEqual(list.map((s: any) => s.binary).sort(), ['nova-compute', 'nova-conductor', 'nova-scheduler']);
    const compute = list.find((s: any) => s.binary === 'nova-compute');
    assert.equal(compute.state, 'up');
    assert.equal(compute.zone, 'nova');
    assert.equal(list.find((s: any) => s.binary === 'nova-scheduler').zone, 'internal');
    assert.equal(typeof compute.id, 'number');
    novaError(await nova(c.demo, 'GET', '/os-services'), 403, 'forbidden');
    assert.deepEqual((await nova(c.admin, 'GET', `/os-services?host=${compute.host}&binary=xxx`)).body.services, []);
    const off = await nova(c.admin, 'PUT', '/os-services/disable-log-reason', { host: compute.host, binary: 'nova-compute', disabled_reason: 'maintenance' });
    assert.deepEqual(off.body.service, { host: compute.host, binary: 'nova-compute', status: 'disabled', disabled_reason: 'maintenance' });
    novaError(await nova(c.admin, 'PUT', '/os-services/disable', { host: compute.host, binary: 'nova-scheduler' }), 400, 'badRequest', /Only nova-compute/);
    novaError(await nova(c.admin, 'PUT', '/os-services/disable', { host: 'nowhere', binary: 'nova-compute' }), 404, 'itemNotFound');
    novaError(await nova(c.admin, 'PUT', '/os-services/explode', { host: compute.host, binary: 'nova-compute' }), 404, 'itemNotFound', /Unknown action/);
    const v253 = (await nova(c.admin, 'GET', '/os-services?binary=nova-compute', undefined, '2.53')).body.services[0];
    assert.equal(v253.status, 'disabled');
    assert.match(v253.id, /^[0-9a-f-]{36}$/);
    const on = await nova(c.admin, 'PUT', `/os-services/${v253.id}`, { status: 'enabled' }, '2.53');
    assert.equal(on.body.service.status, 'enabled');
    assert.equal(on.body.service.disabled_reason, null);
    novaError(await nova(c.admin, 'PUT', '/os-services/not-a-uuid', { status: 'enabled' }, '2.53'), 400, 'badRequest', /Invalid uuid/);
    novaError(await nova(c.admin, 'PUT', `/os-services/${v253.id}`, { status: 'sleeping' }, '2.53'), 400, 'badRequest');
  });

  test('os-hypervisors, os-hosts and availability zones describe this host honestly', async () => {
    const s = await boot();
    const [h] = (await nova(c.admin, 'GET', '/os-hypervisors/detail')).body.hypervisors;
    assert.equal(h.hypervisor_type, 'fake');
    assert.equal(h.state, 'up');
    assert.ok(h.vcpus >= 1 && h.memory_mb > 0);
    assert.ok(h.running_vms >= 1 && h.vcpus_used >= 1);
    assert.equal(typeof h.cpu_info, 'string');
    assert.equal(typeof (await nova(c.admin, 'GET', `/os-hypervisors/${h.id}`, undefined, '2.28')).body.hypervisor.cpu_info, 'object');
    const stats = (await nova(c.admin, 'GET', '/os-hypervisors/statistics')).body.hypervisor_statistics;
    assert.equal(stats.count, 1);
    assert.equal(stats.running_vms, h.running_vms);
    const on = (await nova(c.admin, 'GET', `/os-hypervisors/${h.hypervisor_hostname}/servers`)).body.hypervisors[0];
    assert.ok(on.servers.some((x: any) => x.uuid === s.id));
    assert.match((await nova(c.admin, 'GET', `/os-hypervisors/${h.id}/uptime`)).body.hypervisor.uptime, / up /);
    novaError(await nova(c.admin, 'GET', '/os-hypervisors/9999'), 404, 'itemNotFound');
    novaError(await nova(c.admin, 'GET', '/os-hypervisors/9999', undefined, '2.53'), 400, 'badRequest', /Invalid uuid/);
    novaError(await nova(c.demo, 'GET', '/os-hypervisors'), 403, 'forbidden');
    const host = (await nova(c.admin, 'GET', `/os-hosts/${h.hypervisor_hostname}`)).body.host;
    assert.deepEqual(host.slice(0, 3).map((r: any) => r.resource.project), ['(total)', '(used_now)', '(used_max)']);
    novaError(await nova(c.admin, 'PUT', `/os-hosts/${h.hypervisor_hostname}`, { status: 'sleep' }), 400, 'badRequest');
    assert.deepEqual((await nova(c.admin, 'PUT', `/os-hosts/${h.hypervisor_hostname}`, { status: 'disable' })).body, { host: h.hypervisor_hostname, status: 'disabled' });
    assert.equal((await nova(c.admin, 'GET', '/os-hypervisors')).body.hypervisors[0].status, 'disabled');
    await nova(c.admin, 'PUT', `/os-hosts/${h.hypervisor_hostname}`, { status: 'enable' });
    novaError(await nova(c.admin, 'GET', `/os-hosts/${h.hypervisor_hostname}/reboot`), 400, 'badRequest', /does not switch hosts off/);
    novaError(await nova(c.admin, 'GET', '/os-hosts', undefined, '2.43'), 404, 'itemNotFound');
    const detail = (await nova(c.admin, 'GET', '/os-availability-zone/detail')).body.availabilityZoneInfo;
    assert.ok(detail.find((z: any) => z.zoneName === 'nova').hosts[h.hypervisor_hostname]['nova-compute'].available);
    novaError(await nova(c.demo, 'GET', '/os-availability-zone/detail'), 403, 'forbidden');
    await remove(s.id);
  });

  test('aggregates: create, zone, hosts and metadata; a server boots into the host\'s zone', async () => {
    const host = (await nova(c.admin, 'GET', '/os-hypervisors')).body.hypervisors[0].hypervisor_hostname;
    const made = await nova(c.admin, 'POST', '/os-aggregates', { aggregate: { name: 'agg1', availability_zone: 'zone-a' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const id = made.body.aggregate.id;
    assert.equal('hosts' in made.body.aggregate, false);
    novaError(await nova(c.admin, 'POST', '/os-aggregates', { aggregate: { name: 'agg1' } }), 409, 'conflictingRequest', /already exists/);
    novaError(await nova(c.admin, 'POST', '/os-aggregates', { aggregate: { name: '' } }), 400, 'badRequest');
    novaError(await nova(c.admin, 'GET', '/os-aggregates/abc'), 400, 'badRequest');
    novaError(await nova(c.admin, 'GET', '/os-aggregates/9999'), 404, 'itemNotFound');
    novaError(await nova(c.admin, 'POST', `/os-aggregates/${id}/action`, { add_host: { host: 'nowhere' } }), 404, 'itemNotFound');
    const added = await nova(c.admin, 'POST', `/os-aggregates/${id}/action`, { add_host: { host } });
    assert.deepEqual(added.body.aggregate.hosts, [host]);
    novaError(await nova(c.admin, 'POST', `/os-aggregates/${id}/action`, { add_host: { host } }), 409, 'conflictingRequest');
    const meta = await nova(c.admin, 'POST', `/os-aggregates/${id}/action`, { set_metadata: { metadata: { ssd: 'true' } } });
    assert.deepEqual(meta.body.aggregate.metadata, { availability_zone: 'zone-a', ssd: 'true' });
    assert.ok((await nova(c.demo, 'GET', '/os-availability-zone')).body.availabilityZoneInfo.some((z: any) => z.zoneName === 'zone-a'));
    const s = await boot({ availability_zone: 'zone-a' });
    assert.equal(s['OS-EXT-AZ:availability_zone'], 'zone-a');
    const refused = await nova(c.demo, 'POST', '/servers', { server: { name: 'x', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }], availability_zone: 'nova' } });
    novaError(refused, 400, 'badRequest', /availability zone/);
    await remove(s.id);
    novaError(await nova(c.admin, 'DELETE', `/os-aggregates/${id}`), 400, 'badRequest', /not empty/);
    await nova(c.admin, 'POST', `/os-aggregates/${id}/action`, { remove_host: { host } });
    assert.equal((await nova(c.admin, 'DELETE', `/os-aggregates/${id}`)).status, 200);
    novaError(await nova(c.demo, 'GET', '/os-aggregates'), 403, 'forbidden');
  });

  test('server groups: policies per microversion, members from the group hint, hard anti-affinity on one host', async () => {
    const g = (await nova(c.demo, 'POST', '/os-server-groups', { server_group: { name: 'g1', policies: ['affinity'] } })).body.server_group;
    assert.deepEqual(g.policies, ['affinity']);
    assert.deepEqual(g.members, []);
    const g264 = (await nova(c.demo, 'POST', '/os-server-groups', { server_group: { name: 'g2', policy: 'anti-affinity' } }, '2.64')).body.server_group;
    assert.equal(g264.policy, 'anti-affinity');
    assert.deepEqual(g264.rules, {});
    novaError(await nova(c.demo, 'POST', '/os-server-groups', { server_group: { name: 'g3', policies: ['sideways'] } }), 400, 'badRequest');
    novaError(await nova(c.demo, 'POST', '/os-server-groups', { server_group: { name: 'g3', policy: 'affinity', rules: { max_server_per_host: 2 } } }, '2.64'), 400, 'badRequest', /Only anti-affinity/);
    const s = await boot({}, { 'os:scheduler_hints': { group: g.id } });
    assert.deepEqual((await nova(c.demo, 'GET', `/os-server-groups/${g.id}`)).body.server_group.members, [s.id]);
    assert.deepEqual((await nova(c.demo, 'GET', `/servers/${s.id}`, undefined, '2.71')).body.server.server_groups, [g.id]);
    const a = await boot({}, { 'os:scheduler_hints': { group: g264.id } });
    const second = await nova(c.demo, 'POST', '/servers', { server: { name: 'b', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }] }, 'os:scheduler_hints': { group: g264.id } });
    novaError(second, 409, 'conflictingRequest', /No valid host/);
    assert.equal((await nova(c.demo, 'GET', '/os-server-groups')).body.server_groups.length, 2);
    assert.equal((await nova(c.demo, 'GET', '/limits')).body.limits.absolute.totalServerGroupsUsed, 2);
    novaError(await nova(c.demo, 'GET', '/os-server-groups/00000000-0000-4000-8000-000000000000'), 404, 'itemNotFound');
    await remove(s.id); await remove(a.id);
    assert.deepEqual((await nova(c.demo, 'GET', `/os-server-groups/${g.id}`)).body.server_group.members, []);
    assert.equal((await nova(c.demo, 'DELETE', `/os-server-groups/${g.id}`)).status, 204);
    assert.equal((await nova(c.demo, 'DELETE', `/os-server-groups/${g264.id}`)).status, 204);
  });

  test('simple tenant usage, limits per microversion and lenient booleans', async () => {
    const s = await boot();
    const now = Date.now();
    const period = `start=${new Date(now - 3_600_000).toISOString().slice(0, 19)}&end=${new Date(now + 3_600_000).toISOString().slice(0, 19)}`;
    const mine = (await nova(c.demo, 'GET', `/os-simple-tenant-usage/${c.demo.projectId}?${period}`)).body.tenant_usage;
    assert.ok(mine.server_usages.some((u: any) => u.instance_id === s.id && u.flavor === 'm1.tiny' && u.state === 'active'));
    assert.ok(mine.total_hours > 0);
    const all = (await nova(c.admin, 'GET', `/os-simple-tenant-usage?${period}&detailed=1`)).body.tenant_usages;
    assert.ok(all.some((u: any) => u.tenant_id === c.demo.projectId));
    novaError(await nova(c.demo, 'GET', `/os-simple-tenant-usage?${period}`), 403, 'forbidden');
    novaError(await nova(c.admin, 'GET', `/os-simple-tenant-usage?start=${new Date(now).toISOString().slice(0, 19)}&end=${new Date(now - 60_000).toISOString().slice(0, 19)}`), 400, 'badRequest', /start time/);
    novaError(await nova(c.admin, 'GET', '/os-simple-tenant-usage?start=yesterday'), 400, 'badRequest', /Invalid datetime/);
    const old = (await nova(c.demo, 'GET', '/limits')).body.limits.absolute;
    assert.equal(old.maxImageMeta, 128);
    assert.equal(old.totalSecurityGroupsUsed, 0);
    const newer = (await nova(c.demo, 'GET', '/limits', undefined, '2.57')).body.limits.absolute;
    assert.equal('maxImageMeta' in newer || 'maxPersonality' in newer || 'maxSecurityGroups' in newer, false);
    const f = await nova(c.admin, 'POST', '/flavors', { flavor: { name: 'lenient', ram: 64, vcpus: 1, disk: 0, 'os-flavor-access:is_public': 'False' } });
    assert.equal(f.body.flavor['os-flavor-access:is_public'], false);
    novaError(await nova(c.admin, 'POST', '/flavors', { flavor: { name: 'strict', ram: 64, vcpus: 1, disk: 0, 'os-flavor-access:is_public': 'maybe' } }), 400, 'badRequest');
    await nova(c.admin, 'DELETE', `/flavors/${f.body.flavor.id}`);
    await remove(s.id);
  });

  test('2.1 proxies: security groups and rules, images and their metadata; gone at 2.36', async () => {
    const g = (await nova(c.demo, 'POST', '/os-security-groups', { security_group: { name: 'web', description: 'w' } })).body.security_group;
    assert.equal(g.name, 'web');
    assert.deepEqual(g.rules, []);
    const rule = await nova(c.demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.0.0.0/8' } });
    assert.equal(rule.status, 200, JSON.stringify(rule.body));
    assert.deepEqual(rule.body.security_group_rule.ip_range, { cidr: '10.0.0.0/8' });
    novaError(await nova(c.demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.0.0.0/8' } }), 400, 'badRequest', /already exists/);
    novaError(await nova(c.demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 30, to_port: 20 } }), 400, 'badRequest', /Invalid port range/);
    novaError(await nova(c.demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'gre', from_port: 1, to_port: 2 } }), 400, 'badRequest', /Invalid IP protocol/);
    novaError(await nova(c.demo, 'GET', '/os-security-groups/not-a-uuid'), 400, 'badRequest');
    assert.equal((await nova(c.demo, 'GET', `/os-security-groups/${g.id}`)).body.security_group.rules.length, 1);
    const def = (await nova(c.demo, 'GET', '/os-security-groups')).body.security_groups.find((x: any) => x.name === 'default');
    novaError(await nova(c.demo, 'DELETE', `/os-security-groups/${def.id}`), 400, 'badRequest');
    assert.equal((await nova(c.demo, 'DELETE', `/os-security-groups/${g.id}`)).status, 202);
    novaError(await nova(c.demo, 'GET', '/os-security-groups', undefined, '2.36'), 404, 'itemNotFound');

    const images = (await nova(c.demo, 'GET', '/images/detail')).body.images;
    const bb = images.find((i: any) => i.id === busybox);
    assert.equal(bb.status, 'ACTIVE');
    assert.equal(bb.progress, 100);
    novaError(await nova(c.demo, 'GET', '/images/00000000-0000-4000-8000-000000000000'), 404, 'itemNotFound');
    const mine = await call(c.t.url, 'POST', '/image/v2/images', { token: c.demo.token, body: { name: 'meta-img', disk_format: 'raw', container_format: 'bare' } });
    const iid = mine.body.id;
    assert.deepEqual((await nova(c.demo, 'POST', `/images/${iid}/metadata`, { metadata: { os: 'busybox' } })).body.metadata, { os: 'busybox' });
    assert.deepEqual((await nova(c.demo, 'GET', `/images/${iid}/metadata/os`)).body.meta, { os: 'busybox' });
    novaError(await nova(c.demo, 'PUT', `/images/${iid}/metadata/os`, { meta: { other: 'x' } }), 400, 'badRequest', /mismatch/);
    assert.equal((await nova(c.demo, 'DELETE', `/images/${iid}/metadata/os`)).status, 204);
    assert.equal((await nova(c.demo, 'DELETE', `/images/${iid}`)).status, 204);
    novaError(await nova(c.demo, 'GET', '/images', undefined, '2.36'), 404, 'itemNotFound');
  });

  test('server tags, lock and reset state', async () => {
    const s = await boot();
    novaError(await nova(c.demo, 'GET', `/servers/${s.id}/tags`), 404, 'itemNotFound');
    assert.deepEqual((await nova(c.demo, 'PUT', `/servers/${s.id}/tags`, { tags: ['a', 'b'] }, '2.26')).body.tags, ['a', 'b']);
    assert.equal((await nova(c.demo, 'PUT', `/servers/${s.id}/tags/c`, undefined, '2.26')).status, 201);
    assert.equal((await nova(c.demo, 'GET', `/servers/${s.id}/tags/c`, undefined, '2.26')).status, 204);
    novaError(await nova(c.demo, 'GET', `/servers/${s.id}/tags/zz`, undefined, '2.26'), 404, 'itemNotFound');
    novaError(await nova(c.demo, 'PUT', `/servers/${s.id}/tags`, { tags: ['a/b'] }, '2.26'), 400, 'badRequest');
    assert.equal((await nova(c.demo, 'DELETE', `/servers/${s.id}/tags`, undefined, '2.26')).status, 204);
    assert.equal((await nova(c.demo, 'POST', `/servers/${s.id}/action`, { lock: null })).status, 202);
    novaError(await nova(c.demo, 'POST', `/servers/${s.id}/action`, { 'os-stop': null }), 409, 'conflictingRequest', /locked/);
    assert.equal((await nova(c.demo, 'POST', `/servers/${s.id}/action`, { unlock: null })).status, 202);
    novaError(await nova(c.demo, 'POST', `/servers/${s.id}/action`, { 'os-resetState': { state: 'error' } }), 403, 'forbidden');
    assert.equal((await nova(c.admin, 'POST', `/servers/${s.id}/action`, { 'os-resetState': { state: 'error' } })).status, 202);
    assert.equal((await nova(c.demo, 'GET', `/servers/${s.id}`)).body.server.status, 'ERROR');
    novaError(await nova(c.demo, 'POST', `/servers/${s.id}/action`, { restore: null }), 409, 'conflictingRequest');
    const updated = (await nova(c.demo, 'PUT', `/servers/${s.id}`, { server: { name: 'renamed' } })).body.server;
    assert.equal(updated.name, 'renamed');
    assert.equal('OS-EXT-STS:vm_state' in updated, false);
    assert.equal('OS-EXT-STS:vm_state' in (await nova(c.demo, 'PUT', `/servers/${s.id}`, { server: { name: 'again' } }, '2.75')).body.server, true);
    await remove(s.id);
  });
});

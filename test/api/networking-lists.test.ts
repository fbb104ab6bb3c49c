// The list machinery on networks and ports over real HTTP: filters (a repeated key means OR),
// fields=, sort_key/sort_dir, limit/marker with <collection>_links, the tag filters and tag
// routes, and what each caller sees (a member: its own, shared and external networks; the
// admin: everything). Every answer was checked against a real Neutron (Zed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores } from '../support/pier.js';
import { NOWHERE, idsOf, neutronError, startCloud, type Client, type Cloud } from '../support/networking.js';

for (const store of testStores()) describe(`networking: lists on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  /** A demo network with `tags` (set through the tag route: Neutron takes no tags in POST). */
  async function tagged(name: string, tags: readonly string[]) {
    const n = await c.demo.network({ name });
    assert.equal((await c.demo.put(`/networks/${n.id}/tags`, { tags })).status, 200);
    return n;
  }
  const names = (who: Client, query: string) => who.read(`/networks?${query}`).then((b) => b.networks.map((n: any) => n.name).sort());

  /** Follows `next` links from `first`, returning every page. */
  async function walk(who: Client, collection: string, first: string): Promise<any[][]> {
    const pages: any[][] = [];
    let path = `/networking/v2.0/${collection}?${first}`;
    for (let i = 0; i < 50; i++) {
      const r = await call(who.url, 'GET', path, { token: who.token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      pages.push(r.body[collection]);
      const links: { rel: string; href: string }[] = r.body[`${collection}_links`] ?? [];
      const next = links.find((l) => l.rel === 'next');
      if (!next) return pages;
      assert.ok(next.href.startsWith(`${who.url}/networking/v2.0/${collection}?`), next.href);
      const u = new URL(next.href);
      path = u.pathname + u.search;
    }
    assert.fail('more than 50 pages');
  }

  describe('networks', () => {
    test('filters: a repeated key is OR, different keys AND, booleans', async () => {
      for (const name of ['f-alpha', 'f-beta', 'f-gamma']) await c.demo.network({ name, admin_state_up: name !== 'f-gamma' });
      assert.deepEqual(await names(c.demo, 'name=f-alpha&name=f-beta'), ['f-alpha', 'f-beta']);
      assert.deepEqual(await names(c.demo, 'name=f-alpha&name=f-gamma&admin_state_up=false'), ['f-gamma']);
      assert.deepEqual(await names(c.demo, 'name=f-alpha&name=f-gamma&admin_state_up=true'), ['f-alpha']);
      assert.deepEqual(await names(c.demo, 'name=f-nothing'), []);
    });

    test('fields= narrows each item; a field that does not exist gives empty items', async () => {
      const n = await c.demo.network({ name: 'f-fields' });
      const r = await c.demo.read('/networks?name=f-fields&fields=id&fields=name');
      assert.deepEqual(r.networks, [{ id: n.id, name: 'f-fields' }]);
      const one = await c.demo.read(`/networks/${n.id}?fields=status&fields=tenant_id`);
      assert.deepEqual(one.network, { status: 'ACTIVE', tenant_id: c.demo.projectId });
      assert.deepEqual((await c.demo.read('/networks?name=f-fields&fields=bogus')).networks, [{}]);
    });

    test('sort_key/sort_dir, several keys', async () => {
      for (const [name, up] of [['s-b', true], ['s-a', false], ['s-c', true], ['s-a', true]] as const) await c.demo.network({ name, admin_state_up: up });
      const sorted = await c.demo.read('/networks?name=s-a&name=s-b&name=s-c&sort_key=name&sort_dir=desc&sort_key=admin_state_up&sort_dir=asc');
      assert.deepEqual(sorted.networks.map((n: any) => [n.name, n.admin_state_up]), [['s-c', true], ['s-b', true], ['s-a', false], ['s-a', true]]);
      const asc = await c.demo.read('/networks?name=s-a&name=s-b&name=s-c&sort_key=name&sort_dir=asc&sort_key=id&sort_dir=asc&fields=name');
      assert.deepEqual(asc.networks.map((n: any) => n.name), ['s-a', 's-a', 's-b', 's-c']);
    });

    test('limit and marker: walking the next links gives every item exactly once, in order', async () => {
      const made = [];
      for (const name of ['p-e', 'p-b', 'p-g', 'p-a', 'p-d', 'p-c', 'p-f']) made.push(await tagged(name, ['paged']));
      const pages = await walk(c.demo, 'networks', 'tags=paged&limit=3&sort_key=name&sort_dir=asc&fields=id&fields=name');
      for (const page of pages) assert.ok(page.length <= 3);
      const all = pages.flat();
      assert.deepEqual(all.map((n) => n.name), ['p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f', 'p-g']);
      assert.deepEqual(new Set(all.map((n) => n.id)), idsOf(made));
      // The default order (by id) pages the same way.
      const byId = (await walk(c.demo, 'networks', 'tags=paged&limit=2')).flat();
      assert.equal(byId.length, 7);
      assert.deepEqual(new Set(byId.map((n) => n.id)), idsOf(made));
      assert.deepEqual(byId.map((n) => n.id), [...byId.map((n) => n.id)].sort());
    });

    test('tags, tags-any, not-tags, not-tags-any', async () => {
      for (const [name, tags] of [['t-1', ['red', 'big']], ['t-2', ['red']], ['t-3', ['blue']], ['t-4', []], ['t-5', ['big']]] as const) {
        await tagged(name, [...tags, 'tagged']);
      }
      const q = (filter: string) => names(c.demo, `tags=tagged&${filter}`);
      assert.deepEqual(await q('tags=red,big'), ['t-1']);
      assert.deepEqual(await q('tags=red&tags=big'), ['t-1']);
      assert.deepEqual(await q('tags-any=blue,big'), ['t-1', 't-3', 't-5']);
      assert.deepEqual(await q('not-tags=red,big'), ['t-2', 't-3', 't-4', 't-5']);
      assert.deepEqual(await q('not-tags-any=red,blue'), ['t-4', 't-5']);
    });

    test('bad list requests: unknown filter or sort key, bad sort direction', async () => {
      neutronError(await c.demo.get('/networks?bogus=1'), 400, 'HTTPBadRequest');
      neutronError(await c.demo.get('/networks?sort_key=bogus&sort_dir=asc'), 400, 'HTTPBadRequest');
      neutronError(await c.demo.get('/networks?sort_key=tags&sort_dir=asc'), 400, 'HTTPBadRequest');
      neutronError(await c.demo.get('/networks?sort_key=name&sort_dir=sideways'), 400, 'HTTPBadRequest');
    });

    test('a sort_key needs its sort_dir: HTTPBadRequest', async () => {
      neutronError(await c.demo.get('/networks?sort_key=name'), 400, 'HTTPBadRequest');
      neutronError(await c.demo.get('/networks?sort_key=name&sort_key=id&sort_dir=asc'), 400, 'HTTPBadRequest');
    });

    test('a filter value that does not convert is InvalidInput', async () => {
      neutronError(await c.demo.get('/networks?shared=maybe'), 400, 'InvalidInput');
      neutronError(await c.demo.get('/networks?mtu=abc'), 400, 'InvalidInput');
    });

    test('a bad limit is BadRequest; an unknown marker is NetworkNotFound', async () => {
      neutronError(await c.demo.get('/networks?limit=abc'), 400, 'BadRequest');
      neutronError(await c.demo.get('/networks?limit=-1'), 400, 'BadRequest');
      neutronError(await c.demo.get(`/networks?limit=2&marker=${NOWHERE}`), 404, 'NetworkNotFound');
    });
  });

  describe('project scoping', () => {
    test('a member sees its own, shared and external networks; the admin sees all', async () => {
      const own = await c.demo.network({ name: 'v-own' });
      const theirs = await c.other.network({ name: 'v-theirs' });
      const adminPrivate = await c.admin.network({ name: 'v-admin' });
      const shared = await c.admin.network({ name: 'v-shared', shared: true });
      const external = await c.admin.network({ name: 'v-external', 'router:external': true });
      const visible = async (who: Client) => idsOf((await who.read('/networks')).networks);
      const demo = await visible(c.demo);
      for (const n of [own, shared, external]) assert.ok(demo.has(n.id), n.name);
      for (const n of [theirs, adminPrivate]) assert.ok(!demo.has(n.id), n.name);
      const admin = await visible(c.admin);
      for (const n of [own, theirs, adminPrivate, shared, external]) assert.ok(admin.has(n.id), n.name);
      assert.deepEqual(await names(c.demo, `tenant_id=${c.other.projectId}`), []);
      assert.deepEqual(await names(c.admin, `tenant_id=${c.other.projectId}&name=v-theirs`), ['v-theirs']);
      assert.deepEqual(await names(c.demo, 'shared=true&name=v-shared&name=v-own'), ['v-shared']);
      assert.deepEqual(await names(c.demo, 'router:external=true&name=v-external&name=v-own'), ['v-external']);
    });

    test('ports: a member sees its own, not another member\'s on the same shared network', async () => {
      const shared = await c.admin.network({ shared: true });
      await c.admin.subnet(shared.id, '10.90.0.0/24');
      const mine = await c.demo.port(shared.id);
      const theirs = await c.other.port(shared.id);
      assert.deepEqual([...idsOf((await c.demo.read(`/ports?network_id=${shared.id}`)).ports)], [mine.id]);
      assert.deepEqual([...idsOf((await c.other.read(`/ports?network_id=${shared.id}`)).ports)], [theirs.id]);
      assert.deepEqual(idsOf((await c.admin.read(`/ports?network_id=${shared.id}`)).ports), new Set([mine.id, theirs.id]));
    });
  });

  describe('ports', () => {
    let net: any;
    let a: any;
    let b: any;
    const portNames = (query: string) => c.demo.read(`/ports?network_id=${net.id}&${query}`).then((r) => r.ports.map((p: any) => p.name).sort());

    before(async () => {
      net = await c.demo.network({ name: 'port-lists' });
      a = await c.demo.subnet(net.id, '10.80.0.0/24');
      b = await c.demo.subnet(net.id, '10.81.0.0/24');
      const make = (name: string, ip: string, device_owner = '') => c.demo.port(net.id, { name, fixed_ips: [{ ip_address: ip }], device_owner });
      await make('q0', '10.80.0.11');
      await make('q1', '10.80.0.12', 'compute:nova');
      await make('q2', '10.81.0.11');
      await make('q3', '10.80.0.111', 'compute:nova');
    });

    test('fixed_ips filters: ip_address (repeated = OR), subnet_id, ip_address_substr', async () => {
      assert.deepEqual(await portNames('fixed_ips=ip_address%3D10.80.0.11'), ['q0']);
      assert.deepEqual(await portNames('fixed_ips=ip_address%3D10.80.0.11&fixed_ips=ip_address%3D10.81.0.11'), ['q0', 'q2']);
      assert.deepEqual(await portNames(`fixed_ips=subnet_id%3D${a.id}`), ['q0', 'q1', 'q3']);
      assert.deepEqual(await portNames(`fixed_ips=subnet_id%3D${b.id}`), ['q2']);
      assert.deepEqual(await portNames('fixed_ips=ip_address_substr%3D.11'), ['q0', 'q2', 'q3']);
    });

    test('plain filters, fields and sorting', async () => {
      assert.deepEqual(await portNames('device_owner=compute:nova'), ['q1', 'q3']);
      assert.deepEqual(await portNames('device_owner='), ['q0', 'q2']);
      assert.deepEqual(await portNames('name=q0&name=q3'), ['q0', 'q3']);
      const q0 = (await c.demo.read(`/ports?network_id=${net.id}&name=q0`)).ports[0];
      assert.deepEqual(await portNames(`mac_address=${q0.mac_address}`), ['q0']);
      const narrow = await c.demo.read(`/ports?network_id=${net.id}&name=q0&fields=fixed_ips&fields=name`);
      assert.deepEqual(narrow.ports, [{ name: 'q0', fixed_ips: [{ subnet_id: a.id, ip_address: '10.80.0.11' }] }]);
      const sorted = await c.demo.read(`/ports?network_id=${net.id}&sort_key=name&sort_dir=desc&fields=name`);
      assert.deepEqual(sorted.ports, [{ name: 'q3' }, { name: 'q2' }, { name: 'q1' }, { name: 'q0' }]);
      neutronError(await c.demo.get('/ports?bogus=1'), 400, 'HTTPBadRequest');
    });

    test('pages: each port exactly once', async () => {
      const pages = await walk(c.demo, 'ports', `network_id=${net.id}&limit=1&sort_key=name&sort_dir=asc&fields=name`);
      assert.deepEqual(pages.flat().map((p) => p.name), ['q0', 'q1', 'q2', 'q3']);
    });
  });

  describe('tag routes', () => {
    test('replace, add, check, remove one, remove all; each change bumps revision_number', async () => {
      const n = await c.demo.network({ name: 'tag-routes' });
      const rev = async () => (await c.demo.read(`/networks/${n.id}`)).network.revision_number;
      const r0 = await rev();
      const put = await c.demo.put(`/networks/${n.id}/tags`, { tags: ['x', 'y'] });
      assert.equal(put.status, 200);
      assert.deepEqual(put.body.tags.sort(), ['x', 'y']);
      assert.equal(await rev(), r0 + 1);
      assert.equal((await c.demo.put(`/networks/${n.id}/tags/z`)).status, 201);
      assert.deepEqual((await c.demo.read(`/networks/${n.id}/tags`)).tags.sort(), ['x', 'y', 'z']);
      assert.equal((await c.demo.get(`/networks/${n.id}/tags/z`)).status, 204);
      neutronError(await c.demo.get(`/networks/${n.id}/tags/nope`), 404, 'TagNotFound');
      neutronError(await c.demo.del(`/networks/${n.id}/tags/nope`), 404, 'TagNotFound');
      assert.equal((await c.demo.del(`/networks/${n.id}/tags/z`)).status, 204);
      assert.deepEqual((await c.demo.read(`/networks/${n.id}`)).network.tags.sort(), ['x', 'y']);
      assert.equal((await c.demo.del(`/networks/${n.id}/tags`)).status, 204);
      assert.deepEqual((await c.demo.read(`/networks/${n.id}`)).network.tags, []);
      neutronError(await c.demo.put(`/networks/${n.id}/tags`, { tags: 'x' }), 400, 'InvalidInput');
      assert.deepEqual((await c.demo.read(`/networks/${n.id}`)).network.tags, []);
    });

    test('tags on a network the caller cannot see: TagResourceNotFound', async () => {
      const theirs = await c.other.network({ name: 'tag-theirs' });
      neutronError(await c.demo.put(`/networks/${theirs.id}/tags/q`), 404, 'TagResourceNotFound');
      neutronError(await c.demo.put(`/networks/${NOWHERE}/tags/q`), 404, 'TagResourceNotFound');
      assert.deepEqual((await c.other.read(`/networks/${theirs.id}`)).network.tags, []);
    });
  });
});

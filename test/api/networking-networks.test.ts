// Networks over real HTTP (embedded store, or PostgreSQL when PIER_TEST_DATABASE_URL is set):
// defaults and standard attributes, revision_number and If-Match, bad bodies, policy and
// project scoping, NetworkInUse and quotas. Every error answer was checked against a real
// Neutron (Zed) with its default policy; each failed request must leave the networks unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { NOWHERE, TIMESTAMP, neutronError, startCloud, unchanged, type Client, type Cloud } from '../support/networking.js';

for (const store of testStores()) describe(`networking: networks on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  /** Every network `who` can see, as the API shows it. */
  const networks = (who: Client = c.admin) => who.read('/networks').then((b) => b.networks);

  describe('create and show', () => {
    test('defaults, standard attributes, and provider attributes for the admin only', async () => {
      const n = await c.demo.network({ name: 'plain' });
      assert.equal(n.name, 'plain');
      assert.equal(n.project_id, c.demo.projectId);
      assert.equal(n.tenant_id, c.demo.projectId);
      assert.equal(n.admin_state_up, true);
      assert.equal(n.status, 'ACTIVE');
      assert.equal(n.shared, false);
      assert.equal(n['router:external'], false);
      assert.equal(n.port_security_enabled, true);
      assert.equal(n.mtu, 1450);
      assert.deepEqual(n.subnets, []);
      assert.deepEqual(n.tags, []);
      assert.equal(n.description, '');
      assert.match(n.created_at, TIMESTAMP);
      assert.match(n.updated_at, TIMESTAMP);
      assert.ok(Number.isInteger(n.revision_number) && n.revision_number >= 0);
      // Neutron's default policy shows provider attributes to the admin only.
      assert.equal('provider:network_type' in n, false);
      assert.equal('provider:segmentation_id' in n, false);
      const seen = (await c.admin.read(`/networks/${n.id}`)).network;
      assert.equal(seen['provider:network_type'], 'vxlan');
      assert.equal(typeof seen['provider:segmentation_id'], 'number');
      assert.equal(seen['provider:physical_network'], null);
      assert.deepEqual((await c.demo.read(`/networks/${n.id}`)).network, n);
    });

    test('revision_number counts updates; If-Match guards updates and deletes with 412', async () => {
      const n = await c.demo.network({ name: 'rev' });
      const renamed = await c.demo.put(`/networks/${n.id}`, { network: { name: 'rev2' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.network.revision_number, n.revision_number + 1);
      assert.ok(renamed.body.network.updated_at >= n.updated_at);
      assert.equal(renamed.body.network.created_at, n.created_at);
      const current = renamed.body.network.revision_number;
      const read = () => c.demo.read(`/networks/${n.id}`);
      await unchanged(read, async () => {
        neutronError(await c.demo.put(`/networks/${n.id}`, { network: { name: 'stale' } }, { 'if-match': `revision_number=${current - 1}` }), 412, 'RevisionNumberConstraintFailed');
        neutronError(await c.demo.del(`/networks/${n.id}`, { 'if-match': `revision_number=${current + 5}` }), 412, 'RevisionNumberConstraintFailed');
      });
      const ok = await c.demo.put(`/networks/${n.id}`, { network: { name: 'fresh' } }, { 'if-match': `revision_number=${current}` });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.network.revision_number, current + 1);
      assert.equal((await c.demo.del(`/networks/${n.id}`, { 'if-match': `revision_number=${current + 1}` })).status, 204);
    });

    test('an empty update changes nothing, not even revision_number (as Neutron)', async () => {
      const n = await c.demo.network({ name: 'idle' });
      const r = await c.demo.put(`/networks/${n.id}`, { network: {} });
      assert.equal(r.status, 200);
      assert.equal(r.body.network.revision_number, n.revision_number);
    });

    test('an If-Match header without revision_number is ignored (as Neutron)', async () => {
      const n = await c.demo.network({ name: 'loose' });
      const r = await c.demo.put(`/networks/${n.id}`, { network: { name: 'loose2' } }, { 'if-match': 'foo' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.network.name, 'loose2');
    });
  });

  describe('bad requests change nothing', () => {
    test('malformed JSON and mis-shaped bodies are HTTPBadRequest', async () => {
      await unchanged(networks, async () => {
        for (const body of ['{"network": {"name": ', { name: 'unwrapped' }, { network: 'x' }, '']) {
          neutronError(await c.demo.post('/networks', body), 400, 'HTTPBadRequest');
        }
      });
    });

    test('unknown and read-only attributes in POST are HTTPBadRequest', async () => {
      await unchanged(networks, async () => {
        const bad = async (network: Record<string, unknown>) => neutronError(await c.demo.post('/networks', { network }), 400, 'HTTPBadRequest');
        await bad({ name: 'x', bogus: 1 });
        await bad({ name: 'x', id: NOWHERE });
        await bad({ name: 'x', status: 'DOWN' });
        await bad({ name: 'x', subnets: [] });
        await bad({ name: 'x', revision_number: 3 });
        await bad({ name: 'x', created_at: '2020-01-01T00:00:00Z' });
        // A member may not create in another project.
        await bad({ name: 'x', tenant_id: c.other.projectId });
        await bad({ name: 'x', project_id: c.other.projectId });
      });
    });

    test('values that do not convert are InvalidInput', async () => {
      await unchanged(networks, async () => {
        neutronError(await c.demo.post('/networks', { network: { admin_state_up: 'maybe' } }), 400, 'InvalidInput');
        neutronError(await c.demo.post('/networks', { network: { mtu: 'abc' } }), 400, 'InvalidInput');
        neutronError(await c.demo.post('/networks', { network: { port_security_enabled: 'perhaps' } }), 400, 'InvalidInput');
      });
    });

    test('values that fail validation are HTTPBadRequest ("Invalid input for name")', async () => {
      await unchanged(networks, async () => {
        neutronError(await c.demo.post('/networks', { network: { name: 5 } }), 400, 'HTTPBadRequest');
        neutronError(await c.demo.post('/networks', { network: { name: 'x'.repeat(256) } }), 400, 'HTTPBadRequest');
      });
    });

    test('PUT of read-only, unknown or malformed input is HTTPBadRequest', async () => {
      const n = await c.demo.network({ name: 'fixed' });
      await unchanged(() => c.demo.read(`/networks/${n.id}`), async () => {
        for (const network of [{ id: NOWHERE }, { status: 'DOWN' }, { tenant_id: c.other.projectId }, { bogus: 1 }]) {
          neutronError(await c.demo.put(`/networks/${n.id}`, { network }), 400, 'HTTPBadRequest');
        }
        neutronError(await c.demo.put(`/networks/${n.id}`, '{"network":'), 400, 'HTTPBadRequest');
        neutronError(await c.demo.put(`/networks/${n.id}`, { network: { admin_state_up: 'maybe' } }), 400, 'InvalidInput');
      });
    });

    test('provider attributes of an existing network cannot be updated: InvalidInput', async () => {
      const n = await c.admin.network({ name: 'segmented' });
      await unchanged(() => c.admin.read(`/networks/${n.id}`), async () => {
        neutronError(await c.admin.put(`/networks/${n.id}`, { network: { 'provider:segmentation_id': 5 } }), 400, 'InvalidInput');
      });
    });

    test('unknown ids are NetworkNotFound on show, update and delete', async () => {
      await unchanged(networks, async () => {
        for (const id of [NOWHERE, 'not-a-uuid']) {
          neutronError(await c.demo.get(`/networks/${id}`), 404, 'NetworkNotFound');
          neutronError(await c.demo.put(`/networks/${id}`, { network: { name: 'x' } }), 404, 'NetworkNotFound');
          neutronError(await c.demo.del(`/networks/${id}`), 404, 'NetworkNotFound');
        }
      });
    });

    test('a failing bulk create creates none of its networks', async () => {
      await unchanged(networks, async () => {
        neutronError(await c.demo.post('/networks', { networks: [{ name: 'bulk-ok' }, { name: 'bulk-bad', bogus: 1 }] }), 400, 'HTTPBadRequest');
      });
    });
  });

  describe('policy and project scoping', () => {
    test('provider, shared, external and is_default are the admin\'s: 403 for a member', async () => {
      await unchanged(networks, async () => {
        for (const network of [{ 'provider:network_type': 'vlan' }, { 'provider:physical_network': 'physnet1' }, { 'provider:segmentation_id': 7 }, { shared: true }, { 'router:external': true }, { is_default: true }]) {
          neutronError(await c.demo.post('/networks', { network: { name: 'x', ...network } }), 403, 'PolicyNotAuthorized');
        }
      });
      const own = await c.demo.network({ name: 'mine' });
      await unchanged(networks, async () => {
        neutronError(await c.demo.put(`/networks/${own.id}`, { network: { shared: true } }), 403, 'PolicyNotAuthorized');
        neutronError(await c.demo.put(`/networks/${own.id}`, { network: { 'router:external': true } }), 403, 'PolicyNotAuthorized');
      });
      // As Neutron: given with its default value, an admin-only attribute is not set at all.
      const plain = await c.demo.network({ name: 'defaults-given', shared: false, 'router:external': false });
      assert.equal(plain.shared, false);
      assert.equal(plain['router:external'], false);
      neutronError(await c.demo.put(`/networks/${plain.id}`, { network: { shared: false } }), 403, 'PolicyNotAuthorized');
    });

    test('another project\'s network is NetworkNotFound; a shared one is readable but 403 to change', async () => {
      const theirs = await c.other.network({ name: 'theirs' });
      const shared = await c.admin.network({ name: 'everyone', shared: true });
      await unchanged(networks, async () => {
        neutronError(await c.demo.get(`/networks/${theirs.id}`), 404, 'NetworkNotFound');
        neutronError(await c.demo.put(`/networks/${theirs.id}`, { network: { name: 'hijack' } }), 404, 'NetworkNotFound');
        neutronError(await c.demo.del(`/networks/${theirs.id}`), 404, 'NetworkNotFound');
        assert.equal((await c.demo.read(`/networks/${shared.id}`)).network.name, 'everyone');
        neutronError(await c.demo.put(`/networks/${shared.id}`, { network: { name: 'hijack' } }), 403, 'PolicyNotAuthorized');
        neutronError(await c.demo.del(`/networks/${shared.id}`), 403, 'PolicyNotAuthorized');
      });
    });

    test('the admin creates in any project; the owner then manages it', async () => {
      const n = await c.admin.network({ name: 'given', tenant_id: c.other.projectId });
      assert.equal(n.project_id, c.other.projectId);
      assert.equal((await c.other.put(`/networks/${n.id}`, { network: { name: 'taken' } })).status, 200);
      assert.equal((await c.other.del(`/networks/${n.id}`)).status, 204);
    });
  });

  describe('deletion and quotas', () => {
    test('NetworkInUse while a port remains; deleting the network deletes its subnets', async () => {
      const n = await c.demo.network({ name: 'busy' });
      const s = await c.demo.subnet(n.id, '10.61.0.0/24');
      const p = await c.demo.port(n.id);
      await unchanged(networks, async () => {
        const r = await c.demo.del(`/networks/${n.id}`);
        neutronError(r, 409, 'NetworkInUse');
        assert.ok(r.body.NeutronError.message.includes(p.id));
      });
      assert.equal((await c.demo.del(`/ports/${p.id}`)).status, 204);
      assert.equal((await c.demo.del(`/networks/${n.id}`)).status, 204);
      neutronError(await c.demo.get(`/networks/${n.id}`), 404, 'NetworkNotFound');
      neutronError(await c.demo.get(`/subnets/${s.id}`), 404, 'SubnetNotFound');
    });

    test('past the network quota: 409 OverQuota, for single and bulk creates', async () => {
      const project = c.other.projectId;
      const used = (await c.admin.read(`/quotas/${project}/details`)).quota.network.used;
      assert.equal((await c.admin.put(`/quotas/${project}`, { quota: { network: used } })).status, 200);
      try {
        await unchanged(() => networks(c.other), async () => {
          neutronError(await c.other.post('/networks', { network: { name: 'one-too-many' } }), 409, 'OverQuota');
          neutronError(await c.other.post('/networks', { networks: [{ name: 'bulk-too-many' }] }), 409, 'OverQuota');
        });
      } finally {
        assert.equal((await c.admin.del(`/quotas/${project}`)).status, 204);
      }
      await c.other.network({ name: 'fits-again' });
    });

    test('quota usage follows every way rows come and go (cascades and internal ports too)', async () => {
      const project = c.other.projectId;
      const plural: Record<string, string> = {
        network: 'networks', subnet: 'subnets', port: 'ports', router: 'routers', security_group: 'security-groups', security_group_rule: 'security-group-rules',
      };
      // `used` is a counter; the listings count the rows themselves.
      const agrees = async (when: string) => {
        const details = (await c.admin.read(`/quotas/${project}/details`)).quota;
        for (const [resource, path] of Object.entries(plural)) {
          const rows = Object.values(await c.admin.read(`/${path}?project_id=${project}`))[0] as unknown[];
          assert.equal(details[resource].used, rows.length, `${resource} used, ${when}`);
        }
      };
      await agrees('at the start');
      const n = await c.other.network({ name: 'counted' });
      const s = await c.other.subnet(n.id, '10.62.0.0/24');
      const bulk = (await c.other.post('/ports', { ports: [{ network_id: n.id }, { network_id: n.id }] })).body.ports;
      const r = await c.other.router({ name: 'counted' });
      assert.equal((await c.other.put(`/routers/${r.id}/add_router_interface`, { subnet_id: s.id })).status, 200);
      await agrees('after creates, a bulk create and a router interface');
      neutronError(await c.other.post('/ports', { ports: [{ network_id: n.id }, { network_id: NOWHERE }] }), 404, 'NetworkNotFound');
      await agrees('after a failed bulk create');
      for (const p of bulk) assert.equal((await c.other.del(`/ports/${p.id}`)).status, 204);
      assert.equal((await c.other.put(`/routers/${r.id}/remove_router_interface`, { subnet_id: s.id })).status, 200);
      assert.equal((await c.other.del(`/routers/${r.id}`)).status, 204);
      assert.equal((await c.other.del(`/networks/${n.id}`)).status, 204); // its subnet goes with it
      await agrees('after deletes and cascades');
    });

    test('quotas: a member reads its own, not another\'s, and cannot set them', async () => {
      assert.equal((await c.demo.read(`/quotas/${c.demo.projectId}`)).quota.network, 100);
      neutronError(await c.demo.get(`/quotas/${c.other.projectId}`), 403, 'PolicyNotAuthorized');
      await unchanged(() => c.admin.read(`/quotas/${c.demo.projectId}`), async () => {
        neutronError(await c.demo.put(`/quotas/${c.demo.projectId}`, { quota: { network: 1 } }), 403, 'PolicyNotAuthorized');
        neutronError(await c.admin.put(`/quotas/${c.demo.projectId}`, { quota: { bogus: 1 } }), 400, 'HTTPBadRequest');
        neutronError(await c.admin.put(`/quotas/${c.demo.projectId}`, { quota: { network: 'x' } }), 400, 'InvalidInput');
        neutronError(await c.admin.put(`/quotas/${c.demo.projectId}`, { quota: { network: -2 } }), 400, 'HTTPBadRequest');
      });
    });
  });
});

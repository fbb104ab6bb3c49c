// Security groups and rules over real HTTP: each project's `default` group (made once, with
// Neutron's four default rules), the two egress rules of a new group, rule validation and
// duplicates, and the in-use and default-group protections. Every error answer was checked
// against a real Neutron (Zed); each failed request must leave the groups and rules unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { NOWHERE, TIMESTAMP, neutronError, startCloud, unchanged, type Client, type Cloud } from '../support/networking.js';

/** A rule as a comparable tuple, with `self` standing for the group's own id. */
const shape = (r: any, self: string) => [r.direction, r.ethertype, r.protocol, r.port_range_min, r.port_range_max, r.remote_ip_prefix, r.remote_group_id === self ? 'self' : r.remote_group_id].join(' ');

for (const store of testStores()) describe(`networking: security groups on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  const groups = (who: Client) => who.read('/security-groups').then((b) => b.security_groups);
  const rules = (who: Client) => who.read('/security-group-rules').then((b) => b.security_group_rules);
  const group = (who: Client, name: string) => who.create('security-groups', 'security_group', { name });

  describe('the default group', () => {
    test('is made once per project, on first listing, with Neutron\'s four default rules', async () => {
      const first = await groups(c.demo);
      const again = await groups(c.demo);
      assert.deepEqual(again, first);
      assert.deepEqual(first.map((g: any) => g.name), ['default']);
      const d = first[0];
      assert.equal(d.description, 'Default security group');
      assert.equal(d.project_id, c.demo.projectId);
      assert.equal(d.stateful, true);
      assert.match(d.created_at, TIMESTAMP);
      assert.deepEqual(d.security_group_rules.map((r: any) => shape(r, d.id)).sort(), [
        'egress IPv4     ', 'egress IPv6     ', 'ingress IPv4     self', 'ingress IPv6     self',
      ]);
      for (const r of d.security_group_rules) {
        assert.equal(r.security_group_id, d.id);
        assert.equal(r.project_id, c.demo.projectId);
      }
      assert.equal((await rules(c.demo)).length, 4);
    });

    test('is made by a project\'s first port, which gets it, and only once', async () => {
      const n = await c.other.network();
      const p = await c.other.port(n.id);
      const after = await groups(c.other);
      assert.deepEqual(after.map((g: any) => g.name), ['default']);
      assert.deepEqual(p.security_groups, [after[0].id]);
      assert.deepEqual((await c.other.port(n.id)).security_groups, [after[0].id]);
      assert.equal((await groups(c.other)).length, 1);
      // Another project's default group is not visible.
      neutronError(await c.demo.get(`/security-groups/${after[0].id}`), 404, 'SecurityGroupNotFound');
    });

    test('cannot be deleted by a member; its description may change', async () => {
      const d = (await groups(c.demo)).find((g: any) => g.name === 'default');
      await unchanged(() => groups(c.demo), async () => {
        neutronError(await c.demo.del(`/security-groups/${d.id}`), 409, 'SecurityGroupCannotRemoveDefault');
      });
      const r = await c.demo.put(`/security-groups/${d.id}`, { security_group: { description: 'ours' } });
      assert.equal(r.status, 200);
      assert.equal(r.body.security_group.description, 'ours');
    });

    test('cannot be renamed: SecurityGroupCannotUpdateDefault', async () => {
      const d = (await groups(c.demo)).find((g: any) => g.name === 'default');
      await unchanged(() => groups(c.demo), async () => {
        neutronError(await c.demo.put(`/security-groups/${d.id}`, { security_group: { name: 'renamed' } }), 409, 'SecurityGroupCannotUpdateDefault');
      });
    });

    test('a second group named default is SecurityGroupDefaultAlreadyExists', async () => {
      await groups(c.demo);
      await unchanged(() => groups(c.demo), async () => {
        neutronError(await c.demo.post('/security-groups', { security_group: { name: 'default' } }), 409, 'SecurityGroupDefaultAlreadyExists');
      });
    });
  });

  describe('groups and rules', () => {
    test('a new group has the two egress rules; a rule can be added, shown and deleted', async () => {
      const g = await group(c.demo, 'web');
      assert.deepEqual(g.security_group_rules.map((r: any) => shape(r, g.id)).sort(), ['egress IPv4     ', 'egress IPv6     ']);
      const r = await c.demo.create('security-group-rules', 'security_group_rule', {
        security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '10.0.0.0/8',
      });
      assert.equal(shape(r, g.id), 'ingress IPv4 tcp 22 22 10.0.0.0/8 ');
      assert.equal(r.normalized_cidr, '10.0.0.0/8');
      assert.equal((await c.demo.read(`/security-group-rules/${r.id}`)).security_group_rule.id, r.id);
      assert.equal((await c.demo.read(`/security-groups/${g.id}`)).security_group.security_group_rules.length, 3);
      assert.equal((await c.demo.del(`/security-group-rules/${r.id}`)).status, 204);
      neutronError(await c.demo.get(`/security-group-rules/${r.id}`), 404, 'SecurityGroupRuleNotFound');
    });

    test('a duplicate rule is SecurityGroupRuleExists, naming the rule it repeats', async () => {
      const g = await group(c.demo, 'dup');
      const rule = { security_group_id: g.id, direction: 'ingress', protocol: 'udp', port_range_min: 53, port_range_max: 53, remote_ip_prefix: '192.168.0.0/16' };
      const first = await c.demo.create('security-group-rules', 'security_group_rule', rule);
      await unchanged(() => rules(c.demo), async () => {
        const r = await c.demo.post('/security-group-rules', { security_group_rule: rule });
        neutronError(r, 409, 'SecurityGroupRuleExists');
        assert.ok(r.body.NeutronError.message.includes(first.id));
      });
    });

    test('rule checks shared with Neutron', async () => {
      const g = await group(c.demo, 'checks');
      const bad = async (body: Record<string, unknown>, status: number, type: string) => {
        neutronError(await c.demo.post('/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', ...body } }), status, type);
      };
      await unchanged(() => rules(c.demo), async () => {
        await bad({ port_range_min: 22, port_range_max: 22 }, 400, 'SecurityGroupProtocolRequiredWithPorts');
        await bad({ protocol: 'tcp', port_range_min: 30, port_range_max: 22 }, 400, 'SecurityGroupInvalidPortRange');
        await bad({ protocol: 'tcp', port_range_min: 0, port_range_max: 22 }, 400, 'SecurityGroupInvalidPortValue');
        await bad({ protocol: 'icmp', port_range_min: 300 }, 400, 'SecurityGroupInvalidIcmpValue');
        await bad({ security_group_id: NOWHERE }, 404, 'SecurityGroupNotFound');
        await bad({ remote_group_id: NOWHERE }, 404, 'SecurityGroupNotFound');
        await bad({ bogus: 1 }, 400, 'HTTPBadRequest');
        neutronError(await c.demo.post('/security-group-rules', { security_group_rule: { security_group_id: g.id } }), 400, 'HTTPBadRequest');
      });
    });

    test('rule checks with Neutron\'s own error types', async () => {
      const g = await group(c.demo, 'types');
      const bad = async (body: Record<string, unknown>, type: string) => {
        neutronError(await c.demo.post('/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', ...body } }), 400, type);
      };
      await unchanged(() => rules(c.demo), async () => {
        await bad({ protocol: 'tcp', remote_ip_prefix: '10.0.0.0/8', remote_group_id: g.id }, 'SecurityGroupMultipleRemoteEntites');
        await bad({ protocol: 'bogus' }, 'SecurityGroupRuleInvalidProtocol');
        await bad({ protocol: 'tcp', port_range_min: 1, port_range_max: 70000 }, 'SecurityGroupInvalidPortValue');
        await bad({ ethertype: 'IPv6', remote_ip_prefix: '10.0.0.0/8' }, 'SecurityGroupRuleParameterConflict');
        await bad({ ethertype: 'IPv5' }, 'SecurityGroupRuleInvalidEtherType');
        await bad({ remote_ip_prefix: 'nope' }, 'InvalidCIDR');
        await bad({ protocol: 'gre', port_range_min: 1, port_range_max: 2 }, 'SecurityGroupInvalidProtocolForPort');
        await bad({ direction: 'sideways' }, 'HTTPBadRequest');
      });
    });

    test('SecurityGroupInUse while a port uses the group; deletable afterwards', async () => {
      const g = await group(c.demo, 'used');
      const n = await c.demo.network();
      const p = await c.demo.port(n.id, { security_groups: [g.id] });
      assert.deepEqual(p.security_groups, [g.id]);
      await unchanged(() => groups(c.demo), async () => {
        neutronError(await c.demo.del(`/security-groups/${g.id}`), 409, 'SecurityGroupInUse');
      });
      const cleared = await c.demo.put(`/ports/${p.id}`, { port: { security_groups: [] } });
      assert.deepEqual(cleared.body.port.security_groups, []);
      assert.equal((await c.demo.del(`/security-groups/${g.id}`)).status, 204);
      neutronError(await c.demo.get(`/security-groups/${g.id}`), 404, 'SecurityGroupNotFound');
    });

    test('another project\'s group is SecurityGroupNotFound: not shown, not usable, not changeable', async () => {
      const theirs = await group(c.other, 'private');
      const n = await c.demo.network();
      await unchanged(() => groups(c.other), async () => {
        neutronError(await c.demo.get(`/security-groups/${theirs.id}`), 404, 'SecurityGroupNotFound');
        neutronError(await c.demo.put(`/security-groups/${theirs.id}`, { security_group: { name: 'x' } }), 404, 'SecurityGroupNotFound');
        neutronError(await c.demo.del(`/security-groups/${theirs.id}`), 404, 'SecurityGroupNotFound');
        neutronError(await c.demo.post('/security-group-rules', { security_group_rule: { security_group_id: theirs.id, direction: 'ingress' } }), 404, 'SecurityGroupNotFound');
        neutronError(await c.demo.post('/ports', { port: { network_id: n.id, security_groups: [theirs.id] } }), 404, 'SecurityGroupNotFound');
      });
    });

    test('past the security group quota: 409 OverQuota', async () => {
      const project = c.other.projectId;
      const used = (await c.admin.read(`/quotas/${project}/details`)).quota.security_group.used;
      assert.equal((await c.admin.put(`/quotas/${project}`, { quota: { security_group: used } })).status, 200);
      try {
        await unchanged(() => groups(c.other), async () => {
          neutronError(await c.other.post('/security-groups', { security_group: { name: 'one-too-many' } }), 409, 'OverQuota');
        });
      } finally {
        assert.equal((await c.admin.del(`/quotas/${project}`)).status, 204);
      }
    });
  });
});

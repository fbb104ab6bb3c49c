// OS::Heat::AutoScalingGroup and OS::Heat::ScalingPolicy over real HTTP on both stores: a group of
// real networks resized by signals POSTed to its policies' signal_url (change, exact and percent
// adjustments clamped to min/max, oldest members removed first, cooldown), and its checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

const template = (cooldown = 0) => ({
  heat_template_version: '2018-08-31',
  resources: {
    asg: { type: 'OS::Heat::AutoScalingGroup', properties: { min_size: 1, max_size: 4, desired_capacity: 2, resource: { type: 'OS::Neutron::Net', properties: { admin_state_up: true } } } },
    up: { type: 'OS::Heat::ScalingPolicy', properties: { auto_scaling_group_id: { get_resource: 'asg' }, adjustment_type: 'change_in_capacity', scaling_adjustment: 1, cooldown } },
    down: { type: 'OS::Heat::ScalingPolicy', properties: { auto_scaling_group_id: { get_resource: 'asg' }, adjustment_type: 'exact_capacity', scaling_adjustment: 1 } },
    half: { type: 'OS::Heat::ScalingPolicy', properties: { auto_scaling_group_id: { get_resource: 'asg' }, adjustment_type: 'percent_change_in_capacity', scaling_adjustment: 50 } },
  },
  outputs: {
    size: { value: { get_attr: ['asg', 'current_size'] } },
    refs: { value: { get_attr: ['asg', 'refs'] } },
    names: { value: { get_attr: ['asg', 'outputs', 'name'] } },
    up_url: { value: { get_attr: ['up', 'signal_url'] } },
  },
});

for (const store of testStores()) describe(`orchestration: autoscaling on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  const outputs = async (name: string, id: string) =>
    Object.fromEntries((await c.settle(name, id)).outputs.map((o: any) => [o.output_key, o.output_value]));

  /** The group's nested stack (name, id), from its resource's "nested" link. */
  async function nestedOf(name: string, id: string): Promise<[string, string]> {
    const list = (await c.heat('GET', `/stacks/${name}/${id}/resources`)).body.resources;
    const href: string = list.find((r: any) => r.resource_name === 'asg').links.find((l: any) => l.rel === 'nested').href;
    const [n, i] = href.split('/stacks/')[1]!.split('/');
    return [n!, i!];
  }

  /** Waits for the group's nested stack to settle at `size` members; returns their network ids. */
  async function sized(name: string, id: string, size: number): Promise<string[]> {
    const [childName, childId] = await nestedOf(name, id);
    const child = await c.settle(childName, childId);
    assert.equal(child.stack_status.endsWith('COMPLETE'), true, child.stack_status_reason);
    const members = (await c.heat('GET', `/stacks/${childName}/${childId}/resources`)).body.resources;
    assert.equal(members.length, size);
    const ids = members.map((m: any) => m.physical_resource_id);
    for (const n of ids) assert.equal((await c.neutron('GET', `/networks/${n}`)).status, 200);
    assert.equal((await outputs(name, id)).size, size);
    return ids;
  }

  const signal = (name: string, id: string, policy: string, body?: unknown) => c.heat('POST', `/stacks/${name}/${id}/resources/${policy}/signal`, body);

  test('policies resize the group of real networks: change, clamp at max, percent, exact (oldest removed)', async () => {
    const s = await c.stack('scaler', template());
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const out = await outputs('scaler', s.id);
    assert.equal(out.size, 2);
    assert.equal(out.refs.length, 2);
    assert.equal(Object.keys(out.names).length, 2, 'outputs: each member\'s attribute by member name');
    assert.equal(out.up_url, `${c.t.url}/orchestration/v1/${c.project}/stacks/scaler/${s.id}/resources/up/signal`);
    const first = await sized('scaler', s.id, 2);

    // The signal_url itself, POSTed as an alarm or a user would.
    const u = new URL(out.up_url);
    assert.equal((await call(u.origin, 'POST', u.pathname, { token: c.token, body: {} })).status, 200);
    const three = await sized('scaler', s.id, 3);
    assert.deepEqual(first.every((n) => three.includes(n)), true, 'scaling up keeps the members there were');

    assert.equal((await signal('scaler', s.id, 'up')).status, 200);
    await sized('scaler', s.id, 4);
    assert.equal((await signal('scaler', s.id, 'up')).status, 200, 'at max_size a signal is accepted and does nothing');
    assert.equal((await signal('scaler', s.id, 'half')).status, 200);
    const four = await sized('scaler', s.id, 4);

    assert.equal((await signal('scaler', s.id, 'down')).status, 200);
    const one = await sized('scaler', s.id, 1);
    assert.equal(four.includes(one[0]!), true);
    assert.equal(first.includes(one[0]!), false, 'scaling down removes the oldest members first');
    assert.equal((await c.neutron('GET', '/networks')).body.networks.length, 1);

    const events = (await c.heat('GET', `/stacks/scaler/${s.id}/resources/up/events`)).body.events;
    assert.equal(events.filter((e: any) => e.resource_status === 'SIGNAL_COMPLETE').length, 2, 'a signal that changes nothing writes no event');

    await c.heat('DELETE', `/stacks/scaler/${s.id}`);
    assert.equal((await c.settle('scaler', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual((await c.neutron('GET', '/networks')).body.networks, []);
  });

  test('after a policy with a cooldown scales it, the group rests for that long, whatever policy signals', async () => {
    const s = await c.stack('cool', template(600));
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    assert.equal((await signal('cool', s.id, 'up')).status, 200);
    await sized('cool', s.id, 3);
    assert.equal((await signal('cool', s.id, 'up')).status, 200);
    await new Promise((res) => setTimeout(res, 100));
    await sized('cool', s.id, 3);
    assert.equal((await signal('cool', s.id, 'down', { previous: 'ok', current: 'alarm', reason: 'busy' })).status, 200);
    await sized('cool', s.id, 3);
    const events = (await c.heat('GET', `/stacks/cool/${s.id}/events`)).body.events.filter((e: any) => e.resource_status === 'SIGNAL_COMPLETE');
    assert.deepEqual(events.map((e: any) => [e.resource_name, e.resource_status_reason]), [['up', 'No signal details provided']], 'signals that change nothing write no event');
    await c.heat('DELETE', `/stacks/cool/${s.id}`);
    assert.equal((await c.settle('cool', s.id)).stack_status, 'DELETE_COMPLETE');
  });

  test('min_size above max_size, or desired_capacity outside them, is refused before anything is made', async () => {
    for (const [props, message] of [
      [{ min_size: 3, max_size: 2 }, 'min_size can not be greater than max_size'],
      [{ min_size: 1, max_size: 2, desired_capacity: 5 }, 'desired_capacity must be between min_size and max_size'],
    ] as const) {
      const r = await c.heat('POST', '/stacks', { stack_name: 'badasg', template: { heat_template_version: '2018-08-31', resources: { g: { type: 'OS::Heat::AutoScalingGroup', properties: { ...props, resource: { type: 'OS::Heat::None' } } } } } });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.type, 'StackValidationFailed');
      assert.equal(r.body.error.message, `Failed to validate: resources.g: ${message}`);
    }
    assert.deepEqual((await c.heat('GET', '/stacks')).body.stacks.filter((x: any) => x.stack_name === 'badasg'), []);
  });
});

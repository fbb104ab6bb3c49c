// Resource signals over real HTTP on both stores: a WaitCondition completed by POSTs to its
// handle's endpoint with the handle's own token, failed by a FAILURE signal or its timeout, and
// signals refused as Heat refuses them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

const waitTemplate = (count: number, timeout: number) => ({
  heat_template_version: '2018-08-31',
  resources: {
    handle: { type: 'OS::Heat::WaitConditionHandle' },
    wait: { type: 'OS::Heat::WaitCondition', properties: { handle: { get_resource: 'handle' }, count, timeout } },
    after_wait: { type: 'OS::Heat::None', depends_on: 'wait' },
  },
  outputs: {
    curl: { value: { get_attr: ['handle', 'curl_cli'] } },
    data: { value: { get_attr: ['wait', 'data'] } },
  },
});

/** POSTs to an absolute URL (the handle's endpoint), as a server's curl would. */
function post(url: string, token: string, body?: unknown) {
  const u = new URL(url);
  return call(u.origin, 'POST', u.pathname, { token, ...(body === undefined ? {} : { body }) });
}

for (const store of testStores()) describe(`orchestration: signals on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  /** Waits until the stack's resource is CREATE_COMPLETE; returns it with its attributes. */
  async function created(name: string, id: string, resource: string): Promise<any> {
    for (let i = 0; i < 400; i++) {
      const r = await c.heat('GET', `/stacks/${name}/${id}/resources/${resource}`);
      if (r.status === 200 && r.body.resource.resource_status === 'CREATE_COMPLETE') return r.body.resource;
      await new Promise((res) => setTimeout(res, 25));
    }
    assert.fail(`${resource} never created`);
  }

  const start = async (name: string, template: unknown) => {
    const r = await c.heat('POST', '/stacks', { stack_name: name, template, disable_rollback: true });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.stack.id as string;
  };

  test('a WaitCondition completes once its handle got `count` SUCCESS signals, posted with the handle token', async () => {
    const id = await start('waiter', waitTemplate(2, 60));
    const handle = await created('waiter', id, 'handle');
    const { token, endpoint, curl_cli } = handle.attributes;
    assert.equal(endpoint, `${c.t.url}/orchestration/v1/${c.project}/stacks/waiter/${id}/resources/handle/signal`);
    assert.ok(typeof token === 'string' && token.length > 20 && token !== c.token);
    assert.equal(curl_cli, `curl -i -X POST -H 'X-Auth-Token: ${token}' -H 'Content-Type: application/json' -H 'Accept: application/json' ${endpoint}`);
    // The token is a real Keystone token for the stack owner, scoped to the stack's project.
    const who = await call(c.t.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } });
    assert.equal(who.status, 200);
    assert.equal(who.body.token.project.id, c.project);
    assert.equal(who.body.token.user.name, 'demo');

    // A malformed signal is refused and changes nothing.
    const bad = await post(endpoint, token, { status: 'MAYBE' });
    assert.equal(bad.status, 400);
    assert.deepEqual([bad.body.error.type, bad.body.error.message], ['ValueError', 'Metadata format invalid']);

    assert.equal((await post(endpoint, token, { status: 'SUCCESS', reason: 'first up', data: 'hello', id: 'web1' })).status, 200);
    await new Promise((res) => setTimeout(res, 200));
    const mid = await c.heat('GET', `/stacks/waiter/${id}/resources/wait`);
    assert.equal(mid.body.resource.resource_status, 'CREATE_IN_PROGRESS', 'one of two signals is not enough');
    assert.equal((await post(endpoint, token)).status, 200, 'a bodiless signal is a SUCCESS');

    const s = await c.settle('waiter', id);
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const out = Object.fromEntries(s.outputs.map((o: any) => [o.output_key, o.output_value]));
    assert.deepEqual(JSON.parse(out.data), { web1: 'hello', 2: null });
    const meta = await c.heat('GET', `/stacks/waiter/${id}/resources/handle/metadata`);
    assert.deepEqual(meta.body.metadata, {
      web1: { status: 'SUCCESS', reason: 'first up', data: 'hello' }, 2: { status: 'SUCCESS', reason: 'Signal 2 received', data: null },
    });
    const events = (await c.heat('GET', `/stacks/waiter/${id}/resources/handle/events`)).body.events;
    const signals = events.filter((e: any) => e.resource_status === 'SIGNAL_COMPLETE').map((e: any) => e.resource_status_reason);
    assert.deepEqual(signals, ['Signal: status:SUCCESS reason:first up', 'Signal: status:SUCCESS reason:Signal 2 received']);
  });

  test('signals arriving at once are all counted', async () => {
    const id = await start('crowd', waitTemplate(6, 60));
    const { token, endpoint } = (await created('crowd', id, 'handle')).attributes;
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => post(endpoint, token, { id: `s${i}`, data: i })));
    assert.deepEqual(replies.map((r) => r.status), Array(6).fill(200));
    const s = await c.settle('crowd', id);
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    assert.deepEqual(JSON.parse(s.outputs.find((o: any) => o.output_key === 'data').output_value), { s0: 0, s1: 1, s2: 2, s3: 3, s4: 4, s5: 5 });
    // After the create too (the stack idle, the store read afresh), none is lost.
    await Promise.all(Array.from({ length: 4 }, (_, i) => post(endpoint, token, { id: `late${i}` })));
    const events = (await c.heat('GET', `/stacks/crowd/${id}/resources/handle/events`)).body.events;
    assert.equal(events.filter((e: any) => e.resource_status === 'SIGNAL_COMPLETE').length, 10);
    const data = JSON.parse((await c.heat('GET', `/stacks/crowd/${id}/resources/wait`)).body.resource.attributes.data);
    assert.equal(Object.keys(data).length, 10);
  });

  test('a wait condition outlives a restart: its handle token and URL still work on the new Pier', async () => {
    const id = await start('durable', waitTemplate(1, 60));
    const { token, endpoint } = (await created('durable', id, 'handle')).attributes;
    await c.t.restart();
    assert.equal((await c.heat('GET', `/stacks/durable/${id}`)).body.stack.stack_status, 'CREATE_IN_PROGRESS');
    assert.equal((await post(endpoint, token, { data: 'after restart' })).status, 200);
    const s = await c.settle('durable', id);
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    assert.deepEqual(JSON.parse(s.outputs.find((o: any) => o.output_key === 'data').output_value), { 1: 'after restart' });
  });

  test('a FAILURE signal fails the WaitCondition (and the stack) with its reason', async () => {
    const id = await start('failer', waitTemplate(1, 60));
    const { token, endpoint } = (await created('failer', id, 'handle')).attributes;
    assert.equal((await post(endpoint, token, { status: 'FAILURE', reason: 'disk full' })).status, 200);
    const s = await c.settle('failer', id);
    assert.equal(s.stack_status, 'CREATE_FAILED');
    assert.equal(s.stack_status_reason, 'Resource CREATE failed: WaitConditionFailure: resources.wait: disk full');
    const after = (await c.heat('GET', `/stacks/failer/${id}/resources/after_wait`)).body.resource;
    assert.equal(after.resource_status, 'INIT_COMPLETE', 'what depends on the wait is never created');
  });

  test('a WaitCondition with too few signals fails at its timeout', async () => {
    const t0 = Date.now();
    const id = await start('timer', waitTemplate(1, 1));
    const s = await c.settle('timer', id);
    assert.equal(s.stack_status, 'CREATE_FAILED');
    assert.equal(s.stack_status_reason, 'Resource CREATE failed: WaitConditionTimeout: resources.wait: 0 of 1 received');
    // With some signals in, the timeout names their reasons.
    const id2 = await start('timer2', waitTemplate(2, 2));
    const { token, endpoint } = (await created('timer2', id2, 'handle')).attributes;
    assert.equal((await post(endpoint, token, { reason: 'web up' })).status, 200);
    const s2 = await c.settle('timer2', id2);
    assert.equal(s2.stack_status_reason, 'Resource CREATE failed: WaitConditionTimeout: resources.wait: 1 of 2 received - web up');
    assert.ok(Date.now() - t0 >= 1000);
  });

  test('signals are refused by resources without a handler and for unknown resources', async () => {
    const s = await c.stack('plain', { heat_template_version: '2018-08-31', resources: { none: { type: 'OS::Heat::None' } } });
    const r = await c.heat('POST', `/stacks/plain/${s.id}/resources/none/signal`, { status: 'SUCCESS' });
    assert.equal(r.status, 400);
    assert.deepEqual([r.body.error.type, r.body.error.message], ['ResourceActionNotSupported', 'signal is not supported for resource.']);
    const handle = await c.heat('POST', '/stacks', { stack_name: 'unmade', disable_rollback: true, template: { heat_template_version: '2018-08-31', resources: {
      boom: { type: 'OS::Heat::TestResource', properties: { fail: true } },
      handle: { type: 'OS::Heat::WaitConditionHandle', depends_on: 'boom' },
    } } });
    assert.equal((await c.settle('unmade', handle.body.stack.id)).stack_status, 'CREATE_FAILED');
    const unmade = await c.heat('POST', `/stacks/unmade/${handle.body.stack.id}/resources/handle/signal`, {});
    assert.equal(unmade.status, 404);
    assert.deepEqual([unmade.body.error.type, unmade.body.error.message], ['ResourceNotAvailable', 'The Resource (handle) is not available.']);
    const missing = await c.heat('POST', `/stacks/plain/${s.id}/resources/nothing/signal`, {});
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.type, 'ResourceNotFound');
  });
});

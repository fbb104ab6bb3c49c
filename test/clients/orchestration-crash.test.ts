// Crash test: `pier up` killed with SIGKILL in the middle of creating a 100-resource stack, then
// started again on the same store — the stack resumes and reaches CREATE_COMPLETE, and Neutron
// holds exactly the stack's networks and subnets (nothing orphaned, nothing made twice).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, DEMO_PASSWORD, testStores, tokenFor } from '../support/pier.js';
import { startPierProcess, type PierProcess } from '../support/process.js';

/** 25 nets + subnets, a resource that waits a second, then 25 more nets + subnets after it. */
function template(): unknown {
  const resources: Record<string, unknown> = { pause: { type: 'OS::Heat::TestResource', properties: { wait_secs: 1 } } };
  for (let i = 0; i < 50; i++) {
    resources[`net${i}`] = { type: 'OS::Neutron::Net', ...(i >= 25 ? { depends_on: 'pause' } : {}) };
    resources[`subnet${i}`] = { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: `net${i}` }, cidr: `10.9.${i}.0/24` } };
  }
  return { heat_template_version: '2018-08-31', resources };
}

for (const store of testStores()) describe(`orchestration: kill -9 mid-create on ${store}`, () => {
  let p: PierProcess;
  before(async () => { p = await startPierProcess(store); });
  after(() => p.cleanup());

  async function client() {
    const token = await tokenFor(p.url, 'demo', DEMO_PASSWORD, 'demo');
    const project = (await call(p.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
    return {
      heat: (method: string, path: string, body?: unknown) => call(p.url, method, `/orchestration/v1/${project}${path}`, { token, body }),
      neutron: (path: string) => call(p.url, 'GET', `/networking/v2.0${path}`, { token }),
    };
  }

  async function killAndResume(name: string, kill: (c: Awaited<ReturnType<typeof client>>, id: string) => Promise<void>) {
    let c = await client();
    const r = await c.heat('POST', '/stacks', { stack_name: name, template: template() });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = r.body.stack.id;
    await kill(c, id);
    const child = p.child;
    child.kill('SIGKILL');
    // The child is unref'd: poll (which keeps this process alive) rather than wait for 'exit'.
    while (child.exitCode === null && child.signalCode === null) await new Promise((res) => setTimeout(res, 10));
    await p.restart();
    c = await client();
    let s: any;
    for (let i = 0; i < 400; i++) {
      s = (await c.heat('GET', `/stacks/${name}/${id}`)).body.stack;
      if (!s.stack_status.endsWith('IN_PROGRESS')) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const resources = (await c.heat('GET', `/stacks/${name}/${id}/resources`)).body.resources;
    assert.equal(resources.length, 101);
    assert.ok(resources.every((x: any) => x.resource_status === 'CREATE_COMPLETE'));
    const ids = (type: string) => resources.filter((x: any) => x.resource_type === type).map((x: any) => x.physical_resource_id).sort();
    const nets = (await c.neutron('/networks')).body.networks.map((n: any) => n.id).sort();
    const subnets = (await c.neutron('/subnets')).body.subnets.map((n: any) => n.id).sort();
    assert.deepEqual(nets, ids('OS::Neutron::Net'));
    assert.deepEqual(subnets, ids('OS::Neutron::Subnet'));
    // A deleted stack leaves nothing either.
    await c.heat('DELETE', `/stacks/${name}/${id}`);
    for (let i = 0; i < 200 && !(await c.heat('GET', `/stacks/${name}/${id}`)).body.stack.stack_status.startsWith('DELETE_COMPLETE'); i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.deepEqual((await c.neutron('/networks')).body.networks, []);
  }

  test('killed while a resource waits: the rest is created after the restart', () => killAndResume('waiting', async (c, id) => {
    for (;;) {
      const res = (await c.heat('GET', `/stacks/waiting/${id}/resources/pause`)).body.resource;
      if (res?.resource_status === 'CREATE_IN_PROGRESS') return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }));

  test('killed while Neutron creates are in flight', () => killAndResume('inflight', async (c, id) => {
    await new Promise((r) => setTimeout(r, 40));
    const s = (await c.heat('GET', `/stacks/inflight/${id}`)).body.stack;
    assert.equal(s.stack_status, 'CREATE_IN_PROGRESS', 'the kill must come mid-create');
  }));
});

// Several Pier processes on one PostgreSQL: a stack whose process dies is taken over by another
// once the dead engine's claim lapses, and a live engine's stack is never taken from it.
if (testStores().includes('postgres')) describe('orchestration: two processes on postgres, one killed', () => {
  let a: PierProcess;
  let b: PierProcess;
  before(async () => {
    a = await startPierProcess('postgres');
    b = await startPierProcess('postgres', [], { dataDir: a.dataDir, databaseUrl: a.databaseUrl });
  });
  after(async () => { await b.cleanup(); await a.cleanup(); });

  test('the survivor finishes the stack; nothing is orphaned or made twice', async () => {
    const token = await tokenFor(a.url, 'demo', DEMO_PASSWORD, 'demo');
    const project = (await call(a.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
    const heat = (base: string, method: string, path: string, body?: unknown) => call(base, method, `/orchestration/v1/${project}${path}`, { token, body });
    const r = await heat(a.url, 'POST', '/stacks', { stack_name: 'shared', template: template() });
    assert.equal(r.status, 201);
    const id = r.body.stack.id;
    for (;;) {
      const res = (await heat(a.url, 'GET', `/stacks/shared/${id}/resources/pause`)).body.resource;
      if (res?.resource_status === 'CREATE_IN_PROGRESS') break;
      await new Promise((res2) => setTimeout(res2, 10));
    }
    // B sees the stack busy with A's live engine: it may not delete it from under A.
    assert.equal((await heat(b.url, 'DELETE', `/stacks/shared/${id}`)).status, 409);
    const child = a.child;
    child.kill('SIGKILL');
    while (child.exitCode === null && child.signalCode === null) await new Promise((res) => setTimeout(res, 10));
    let s: any;
    for (let i = 0; i < 600; i++) {
      s = (await heat(b.url, 'GET', `/stacks/shared/${id}`)).body.stack;
      if (!s.stack_status.endsWith('IN_PROGRESS')) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const resources = (await heat(b.url, 'GET', `/stacks/shared/${id}/resources`)).body.resources;
    const nets = (await call(b.url, 'GET', '/networking/v2.0/networks', { token })).body.networks.map((n: any) => n.id).sort();
    assert.deepEqual(nets, resources.filter((x: any) => x.resource_type === 'OS::Neutron::Net').map((x: any) => x.physical_resource_id).sort());
    assert.equal(nets.length, 50);
  });
});


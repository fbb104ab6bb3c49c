// Heat's software configuration API over real HTTP on both stores: configs, deployments of
// them to a server, the server's deployment metadata (inputs with the deployment's values), a
// status update, and Heat's errors (a missing config, a config still deployed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

for (const store of testStores()) describe(`orchestration: software configs and deployments on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  test('configs, deployments, metadata, update and delete', async () => {
    const made = await c.heat('POST', '/software_configs', { name: 'hello', group: 'script', config: '#!/bin/sh\necho $who', inputs: [{ name: 'who', default: 'x' }] });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const config = made.body.software_config;
    assert.equal(config.group, 'script');
    assert.deepEqual((await c.heat('GET', '/software_configs')).body.software_configs.map((s: any) => [s.id, s.name, 'config' in s]), [[config.id, 'hello', false]]);
    const missing = await c.heat('POST', '/software_deployments', { config_id: '00000000-0000-4000-8000-000000000000', server_id: 's1' });
    assert.deepEqual([missing.status, missing.body.error.type], [404, 'EntityNotFound']);
    assert.equal((await c.heat('POST', '/software_deployments', { config_id: config.id })).status, 400);
    const d = (await c.heat('POST', '/software_deployments', { config_id: config.id, server_id: 's1', action: 'CREATE', status: 'IN_PROGRESS', input_values: { who: 'pier' } })).body.software_deployment;
    assert.deepEqual([d.action, d.status, d.server_id], ['CREATE', 'IN_PROGRESS', 's1']);
    const meta = (await c.heat('GET', '/software_deployments/metadata/s1')).body.metadata;
    assert.deepEqual(meta.map((m: any) => [m.group, m.inputs[0].value]), [['script', 'pier']]);
    const done = (await c.heat('PUT', `/software_deployments/${d.id}`, { status: 'COMPLETE', status_reason: 'ok', output_values: { deploy_stdout: 'pier' } })).body.software_deployment;
    assert.deepEqual([done.status, done.output_values.deploy_stdout], ['COMPLETE', 'pier']);
    assert.deepEqual((await c.heat('GET', '/software_deployments?server_id=s1')).body.software_deployments.map((x: any) => x.id), [d.id]);
    const inUse = await c.heat('DELETE', `/software_configs/${config.id}`);
    assert.equal(inUse.status, 409);
    assert.equal((await c.heat('DELETE', `/software_deployments/${d.id}`)).status, 204);
    assert.equal((await c.heat('DELETE', `/software_configs/${config.id}`)).status, 204);
    assert.equal((await c.heat('GET', `/software_configs/${config.id}`)).status, 404);
  });
});

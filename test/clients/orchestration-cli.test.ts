// The Debian `openstack` CLI with python3-heatclient against `pier up`, unmodified: stack create
// --wait / show / list / update --dry-run / update --wait / delete --wait, event list, resource
// list --nested-depth, output show and template validate, on a network + subnet + router +
// interface + security group + ports stack; a ResourceGroup of 10 ports; a nested stack through
// resource_registry; a template failing midway whose rollback leaves no Neutron resource behind;
// a wait condition completed by `stack resource signal`; stack suspend / resume / check.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStores } from '../support/pier.js';
import { openstack, openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';

const NETWORK_STACK = `
heat_template_version: 2018-08-31
description: network, subnet, router, interface, security group and ports
parameters:
  cidr: {type: string, default: 10.80.0.0/24}
  port_name: {type: string, default: web-port}
resources:
  net: {type: OS::Neutron::Net, properties: {name: web-net}}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: {get_param: cidr}}
  router: {type: OS::Neutron::Router}
  iface:
    type: OS::Neutron::RouterInterface
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  sg:
    type: OS::Neutron::SecurityGroup
    properties:
      rules: [{protocol: icmp}, {protocol: tcp, port_range_min: 80, port_range_max: 80}]
  web:
    type: OS::Neutron::Port
    properties:
      name: {get_param: port_name}
      network: {get_resource: net}
      fixed_ips: [{subnet: {get_resource: subnet}}]
      security_groups: [{get_resource: sg}]
  db:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}}]}
outputs:
  web_ip:
    description: the web port's address
    value: {get_attr: [web, fixed_ips, 0, ip_address]}
`;
const GROUP = `
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  ports:
    type: OS::Heat::ResourceGroup
    properties:
      count: 10
      resource_def:
        type: OS::Neutron::Port
        properties: {name: port-%index%, network: {get_resource: net}}
outputs:
  names: {value: {get_attr: [ports, name]}}
`;
const CHILD = `
heat_template_version: 2018-08-31
parameters:
  cidr: {type: string}
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: {get_param: cidr}}
outputs:
  network_id: {value: {get_resource: net}}
`;
const PARENT = `
heat_template_version: 2018-08-31
resources:
  lan: {type: My::Lan, properties: {cidr: 10.81.0.0/24}}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_attr: [lan, network_id]}}
outputs:
  lan_network: {value: {get_attr: [lan, network_id]}}
`;
const FAILING = `
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.82.0.0/24}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
    depends_on: subnet
  boom:
    type: OS::Heat::TestResource
    properties: {fail: true}
    depends_on: port
`;
const WAITER = `
heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, timeout: 60}
  net: {type: OS::Neutron::Net}
outputs:
  data: {value: {get_attr: [wait, data]}}
`;

for (const store of testStores().slice(0, 1)) describe(`openstack CLI, orchestration, on ${store}`, () => {
  let p: PierProcess;
  let dir: string;
  before(async () => {
    p = await startPierProcess(store);
    dir = mkdtempSync(join(tmpdir(), 'pier-heat-cli-'));
    for (const [name, text] of Object.entries({ 'network.yaml': NETWORK_STACK, 'group.yaml': GROUP, 'lan.yaml': CHILD, 'parent.yaml': PARENT, 'failing.yaml': FAILING, 'waiter.yaml': WAITER })) {
      writeFileSync(join(dir, name), text);
    }
    writeFileSync(join(dir, 'env.yaml'), 'resource_registry:\n  My::Lan: lan.yaml\n');
  });
  after(async () => { await p.cleanup(); rmSync(dir, { recursive: true, force: true }); });

  const cli = (args: string[]) => openstack(p, args, 'pier-demo');
  const json = <T = any>(args: string[]) => openstackJson<T>(p, args, 'pier-demo');
  const ok = (args: string[]) => openstackOk(p, args, 'pier-demo');
  const file = (n: string) => join(dir, n);
  const neutron = async () => ({
    networks: (await json<any[]>(['network', 'list'])).length, ports: (await json<any[]>(['port', 'list'])).length,
    routers: (await json<any[]>(['router', 'list'])).length,
  });

  test('network stack: create --wait, show, list, resources, events, outputs, validate, update --dry-run, update --wait, delete --wait', async () => {
    const empty = await neutron();
    // --wait prints the events as they come, then the stack.
    const created = await ok(['stack', 'create', '--wait', '-t', file('network.yaml'), 'web']);
    assert.match(created.stdout, /\[web\]: CREATE_COMPLETE {2}Stack CREATE completed successfully/);
    assert.match(created.stdout, /\[web\.iface\]: CREATE_COMPLETE {2}state changed/);
    const shown = await json(['stack', 'show', 'web']);
    assert.deepEqual([shown.stack_name, shown.stack_status, shown.stack_status_reason, shown.stack_owner], ['web', 'CREATE_COMPLETE', 'Stack CREATE completed successfully', 'demo']);
    assert.equal(shown.parameters.cidr, '10.80.0.0/24');
    assert.deepEqual((await json<any[]>(['stack', 'list'])).map((s) => [s['Stack Name'], s['Stack Status']]), [['web', 'CREATE_COMPLETE']]);

    const resources = await json<any[]>(['stack', 'resource', 'list', 'web']);
    assert.deepEqual(resources.map((r) => r.resource_name).sort(), ['db', 'iface', 'net', 'router', 'sg', 'subnet', 'web']);
    assert.ok(resources.every((r) => r.resource_status === 'CREATE_COMPLETE'));
    const id = (n: string) => resources.find((r) => r.resource_name === n).physical_resource_id as string;
    const port = await json(['port', 'show', id('web')]);
    assert.deepEqual([port.name, port.network_id, port.security_group_ids], ['web-port', id('net'), [id('sg')]]);
    assert.equal((await json(['network', 'show', id('net')])).name, 'web-net');
    const routerPorts = await json<any[]>(['port', 'list', '--router', id('router')]);
    assert.equal(routerPorts.length, 1);

    const output = await json(['stack', 'output', 'show', 'web', 'web_ip']);
    assert.match(output.output_value, /^10\.80\.0\.\d+$/);
    assert.equal(output.description, "the web port's address");

    const events = await json<any[]>(['stack', 'event', 'list', 'web']);
    assert.deepEqual([events[0].resource_name, events[0].resource_status], ['web', 'CREATE_IN_PROGRESS']);
    assert.deepEqual([events.at(-1).resource_name, events.at(-1).resource_status], ['web', 'CREATE_COMPLETE']);
    assert.equal(events.filter((e) => e.resource_status === 'CREATE_COMPLETE').length, 8);

    const validated = await ok(['orchestration', 'template', 'validate', '-t', file('network.yaml')]);
    assert.match(validated.stdout, /Description: network, subnet, router, interface, security group and ports/);
    assert.match(validated.stdout, /cidr:\s+Default: 10\.80\.0\.0\/24/);

    const update = ['-t', file('network.yaml'), '--parameter', 'cidr=10.90.0.0/24', '--parameter', 'port_name=web-port-2', 'web'];
    const dry = await ok(['stack', 'update', '--dry-run', '-f', 'json', ...update]);
    const changes = JSON.parse(dry.stdout) as Record<string, string>;
    const names = (k: string) => (JSON.parse(changes[k] ?? '[]') as any[]).map((r) => r.resource_name).sort();
    assert.deepEqual(names('replaced'), ['subnet']);
    // The port's name changes (in place); what refers to the subnet is seen to change only once it is replaced.
    assert.deepEqual(names('updated'), ['web']);
    assert.deepEqual(names('unchanged'), ['db', 'iface', 'net', 'router', 'sg']);
    assert.deepEqual(names('added'), []);
    assert.equal((await json(['stack', 'show', 'web'])).stack_status, 'CREATE_COMPLETE', 'a dry run changes nothing');

    const updated = await ok(['stack', 'update', '--wait', ...update]);
    assert.match(updated.stdout, /\[web\]: UPDATE_COMPLETE {2}Stack UPDATE completed successfully/);
    assert.equal((await json(['stack', 'show', 'web'])).stack_status, 'UPDATE_COMPLETE');
    const after = await json<any[]>(['stack', 'resource', 'list', 'web']);
    const afterId = (n: string) => after.find((r) => r.resource_name === n).physical_resource_id as string;
    assert.notEqual(afterId('subnet'), id('subnet'), 'the subnet is replaced');
    assert.equal(afterId('web'), id('web'), 'the port is updated in place');
    const port2 = await json(['port', 'show', afterId('web')]);
    assert.equal(port2.name, 'web-port-2');
    assert.match(JSON.stringify(port2.fixed_ips), /10\.90\.0\./);
    assert.notEqual((await cli(['subnet', 'show', id('subnet')])).code, 0, 'the old subnet is gone');

    await ok(['stack', 'delete', '--wait', '--yes', 'web']);
    assert.deepEqual(await json<any[]>(['stack', 'list']), []);
    assert.deepEqual(await neutron(), empty);
  });

  test('a ResourceGroup of 10 ports; resource list --nested-depth', async () => {
    const empty = await neutron();
    await ok(['stack', 'create', '--wait', '-t', file('group.yaml'), 'group']);
    const top = await json<any[]>(['stack', 'resource', 'list', 'group']);
    assert.deepEqual(top.map((r) => [r.resource_name, r.resource_type]).sort(), [['net', 'OS::Neutron::Net'], ['ports', 'OS::Heat::ResourceGroup']]);
    const nested = await json<any[]>(['stack', 'resource', 'list', '--nested-depth', '1', 'group']);
    const members = nested.filter((r) => r.resource_type === 'OS::Neutron::Port');
    assert.deepEqual(members.map((r) => r.resource_name).sort((a, b) => Number(a) - Number(b)), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.ok(members.every((r) => r.stack_name !== 'group' && r.resource_status === 'CREATE_COMPLETE'));
    assert.deepEqual((await json(['stack', 'output', 'show', 'group', 'names'])).output_value, Array.from({ length: 10 }, (_, i) => `port-${i}`));
    assert.equal((await json<any[]>(['port', 'list'])).length, empty.ports + 10);
    await ok(['stack', 'delete', '--wait', '--yes', 'group']);
    assert.deepEqual(await neutron(), empty);
  });

  test('a nested stack through resource_registry', async () => {
    const empty = await neutron();
    await ok(['stack', 'create', '--wait', '-t', file('parent.yaml'), '-e', file('env.yaml'), 'parent']);
    const all = await json<any[]>(['stack', 'resource', 'list', '-n', '1', 'parent']);
    assert.deepEqual(all.map((r) => r.resource_name).sort(), ['lan', 'net', 'port', 'subnet']);
    const net = all.find((r) => r.resource_name === 'net');
    assert.equal((await json(['stack', 'output', 'show', 'parent', 'lan_network'])).output_value, net.physical_resource_id);
    const port = all.find((r) => r.resource_name === 'port');
    assert.equal((await json(['port', 'show', port.physical_resource_id])).network_id, net.physical_resource_id);
    await ok(['stack', 'delete', '--wait', '--yes', 'parent']);
    assert.deepEqual(await neutron(), empty);
  });

  test('a template failing midway: create --wait fails, the rollback leaves nothing behind', async () => {
    const empty = await neutron();
    const r = await cli(['stack', 'create', '--wait', '--enable-rollback', '-t', file('failing.yaml'), 'failing']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /ROLLBACK_COMPLETE|CREATE_FAILED/);
    let s = await json(['stack', 'show', 'failing']);
    for (let i = 0; s.stack_status.endsWith('IN_PROGRESS') && i < 100; i++) { await new Promise((res) => setTimeout(res, 100)); s = await json(['stack', 'show', 'failing']); }
    assert.equal(s.stack_status, 'ROLLBACK_COMPLETE');
    const events = await json<any[]>(['stack', 'event', 'list', 'failing']);
    const failed = events.find((e) => e.resource_name === 'boom' && e.resource_status === 'CREATE_FAILED');
    assert.equal(failed.resource_status_reason, 'ValueError: resources.boom: Test Resource failed boom');
    assert.deepEqual(await neutron(), empty);
    await ok(['stack', 'delete', '--wait', '--yes', 'failing']);
  });

  test('stack resource signal completes a wait condition; stack suspend / resume / check --wait', async () => {
    await ok(['stack', 'create', '-t', file('waiter.yaml'), 'waiter']);
    const status = async (n: string) => (await json<any>(['stack', 'resource', 'show', 'waiter', n])).resource_status as string;
    for (let i = 0; (await status('handle')) !== 'CREATE_COMPLETE' && i < 100; i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(await status('wait'), 'CREATE_IN_PROGRESS');
    await ok(['stack', 'resource', 'signal', '--data', '{"status": "SUCCESS", "data": "ready", "id": "web"}', 'waiter', 'handle']);
    let s = await json(['stack', 'show', 'waiter']);
    for (let i = 0; s.stack_status.endsWith('IN_PROGRESS') && i < 100; i++) { await new Promise((res) => setTimeout(res, 100)); s = await json(['stack', 'show', 'waiter']); }
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    assert.deepEqual(JSON.parse((await json(['stack', 'output', 'show', 'waiter', 'data'])).output_value), { web: 'ready' });
    for (const [verb, state] of [['suspend', 'SUSPEND_COMPLETE'], ['resume', 'RESUME_COMPLETE'], ['check', 'CHECK_COMPLETE']]) {
      await ok(['stack', verb!, '--wait', 'waiter']);
      assert.equal((await json(['stack', 'show', 'waiter'])).stack_status, state);
      assert.equal(await status('net'), state);
    }
    await ok(['stack', 'delete', '--wait', '--yes', 'waiter']);
  });

  test('errors the CLI shows: a bad template, an unknown stack', async () => {
    writeFileSync(file('bad.yaml'), 'heat_template_version: 2018-08-31\nresources:\n  s: {type: OS::Neutron::Subnet, properties: {cidr: 10.0.0.0/24}}\n');
    const bad = await cli(['orchestration', 'template', 'validate', '-t', file('bad.yaml')]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Property error: resources\.s\.properties: Property network not assigned/);
    const missing = await cli(['stack', 'show', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Stack not found: nope|The Stack \(nope\) could not be found/);
  });
});

// The Debian `openstack` CLI with python3-heatclient against `pier up` (fake compute runtime),
// unmodified: a keypair + network + server stack through stack create --wait, output show,
// resource show and server show, then stack delete --wait leaving no server, port or keypair.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStores } from '../support/pier.js';
import { openstack, openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';

const SERVER_STACK = `
heat_template_version: 2018-08-31
parameters:
  flavor: {type: string, default: m1.tiny, constraints: [{custom_constraint: nova.flavor}]}
  image: {type: string, default: busybox, constraints: [{custom_constraint: glance.image}]}
resources:
  key: {type: OS::Nova::KeyPair, properties: {name: cli-key}}
  net: {type: OS::Neutron::Net, properties: {name: app-net}}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.90.0.0/24}
  app:
    type: OS::Nova::Server
    depends_on: subnet
    properties:
      name: app-1
      image: {get_param: image}
      flavor: {get_param: flavor}
      key_name: {get_resource: key}
      networks: [{network: {get_resource: net}}]
      user_data_format: RAW
      user_data: "#!/bin/sh\\necho hello\\n"
outputs:
  ip: {value: {get_attr: [app, first_address]}}
  ips: {value: {get_attr: [app, networks, app-net]}}
`;

for (const store of testStores().slice(0, 1)) describe(`openstack CLI, Nova resources in stacks, on ${store}`, () => {
  let p: PierProcess;
  let dir: string;
  before(async () => {
    p = await startPierProcess(store);
    dir = mkdtempSync(join(tmpdir(), 'pier-heatnova-cli-'));
    writeFileSync(join(dir, 'server.yaml'), SERVER_STACK);
  });
  after(async () => { await p.cleanup(); rmSync(dir, { recursive: true, force: true }); });

  const cli = (args: string[]) => openstack(p, args, 'pier-demo');
  const json = <T = any>(args: string[]) => openstackJson<T>(p, args, 'pier-demo');
  const ok = (args: string[]) => openstackOk(p, args, 'pier-demo');

  test('server stack: create --wait, outputs, server show, delete --wait', async () => {
    const created = await ok(['stack', 'create', '--wait', '-t', join(dir, 'server.yaml'), 'app']);
    assert.match(created.stdout, /\[app\.app\]: CREATE_COMPLETE {2}state changed/);
    assert.match(created.stdout, /\[app\]: CREATE_COMPLETE {2}Stack CREATE completed successfully/);
    const ip = (await json(['stack', 'output', 'show', 'app', 'ip'])).output_value;
    assert.match(ip, /^10\.90\.0\.\d+$/);
    assert.deepEqual((await json(['stack', 'output', 'show', 'app', 'ips'])).output_value, [ip]);
    const res = await json(['stack', 'resource', 'show', 'app', 'app']);
    assert.deepEqual([res.resource_type, res.resource_status], ['OS::Nova::Server', 'CREATE_COMPLETE']);
    const server = await json(['server', 'show', res.physical_resource_id]);
    assert.deepEqual([server.name, server.status, server.key_name], ['app-1', 'ACTIVE', 'cli-key']);
    assert.match(JSON.stringify(server.addresses), new RegExp(`app-net.*${ip.replace(/\./g, '\\.')}`));
    assert.equal((await json<any[]>(['keypair', 'list'])).map((k) => k.Name).join(), 'cli-key');

    const bad = await cli(['stack', 'create', '-t', join(dir, 'server.yaml'), '--parameter', 'flavor=m1.nope', 'bad']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Parameter 'flavor' is invalid: Error validating value 'm1\.nope'/);

    await ok(['stack', 'delete', '--yes', '--wait', 'app']);
    assert.deepEqual(await json<any[]>(['server', 'list']), []);
    assert.deepEqual(await json<any[]>(['port', 'list']), []);
    assert.deepEqual(await json<any[]>(['keypair', 'list']), []);
    assert.deepEqual(await json<any[]>(['stack', 'list']), []);
  });
});

// Kuryr's nested mode (root): a Pier server on the runc runtime stands in for a Kubernetes node
// (metadata kuryr:nested=true), a plain server is its peer on the same Neutron network. The
// `pier` plugin runs inside the node (nsenter into its mount and network namespaces, as kubelet's
// containerd would run it) for pod namespaces made inside the node; it reaches Pier through the
// socket Pier serves in the node. Pods get ports on the node's network (pairs on the node's port,
// veths the node routes), ping the peer both ways and their node, are filtered by their own groups, leave nothing
// on DEL, keep each other's pairs when added at once, and go with their node. Each driver's test
// file runs it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { installCniPlugin, invokeCni, type CniInvocation } from '../support/cni.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { kuryrModule, NESTED_METADATA } from '../../src/kuryr/index.js';
import { attachedName, closeSandbox } from '../../src/kuryr/cni/sandbox.js';

export function runNestedSuite(driver: 'linuxbridge' | 'routed'): void {
requireRoot();

describe(`nested CNI (pods inside a container-host server) on ${driver}`, () => {
  const prefix = uniquePrefix();
  const octet = randomInt(10, 250); // suites may run side by side (and routed networks must not overlap)
  const work = mkdtempSync(join(tmpdir(), 'pier-nested-'));
  const hostSocket = join(work, 'cni.sock');
  const made = new Set<string>();
  let t: TestPier;
  let admin: string;
  let netId: string;
  let nodeId: string;
  let peerId: string;
  let peerIp: string;
  let pid: number;
  let plugin: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await call(t.url, method, path, { token: admin, body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const port = async (id: string) => (await api('GET', `/networking/v2.0/ports/${id}`)).port;
  const nodePort = async () => (await api('GET', `/networking/v2.0/ports?device_id=${nodeId}`)).ports[0];
  const podPorts = async () => ((await api('GET', '/networking/v2.0/ports?device_owner=compute:kuryr')).ports as any[]);
  const conf = (extra: Record<string, unknown> = {}) => ({ cniVersion: '1.0.0', name: `${prefix}-pods`, type: 'pier', ...extra });
  /** Runs a command inside the node (its mount, network and pid namespaces: its own binaries and /proc). */
  const inNode = (...cmd: string[]) => sh('nsenter', ['-t', String(pid), '-m', '-n', '-p', '--', ...cmd]);
  /** A pod namespace made inside the node, as containerd makes one; the host reaches it through the node's root. */
  const podNs = async (name: string) => {
    const r = await inNode('/bin/sh', '-c', `mkdir -p /run/netns && touch /run/netns/${name} && unshare --net=/run/netns/${name} ip link set lo up`);
    assert.equal(r.code, 0, r.stderr);
    return { inside: `/run/netns/${name}`, host: `/proc/${pid}/root/run/netns/${name}` };
  };
  const inPod = (hostPath: string, ...cmd: string[]) => sh('nsenter', [`--net=${hostPath}`, ...cmd]);
  const podPings = async (hostPath: string, ip: string) => (await inPod(hostPath, 'ping', '-c', '1', '-W', '1', ip)).code === 0;
  const peerPings = async (ip: string) => (await sh('runc', ['--root', join(t.dataDir, 'runc', 'state'), 'exec', peerId, 'ping', '-c', '1', '-W', '1', ip])).code === 0;
  const links = async (hostPath: string) => (JSON.parse((await inPod(hostPath, 'ip', '-j', 'link', 'show')).stdout) as { ifname: string }[]).map((l) => l.ifname).sort();
  const run = (inv: CniInvocation, config: unknown) => {
    if (inv.command === 'ADD' && inv.containerId) made.add(`${inv.containerId} ${inv.ifname ?? 'eth0'}`);
    return invokeCni(plugin, inv, config);
  };
  const add = (name: string, netns: string, config = conf()) =>
    run({ command: 'ADD', containerId: `${prefix}-${name}`, netns, ifname: 'eth0', args: `IgnoreUnknown=1;K8S_POD_NAMESPACE=testns;K8S_POD_NAME=${name}` }, config);
  const del = (name: string, netns?: string) => run({ command: 'DEL', containerId: `${prefix}-${name}`, ifname: 'eth0', ...(netns ? { netns } : {}) }, conf());
  const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stdout} ${r.stderr}`);
  const pairs = async () => ((await nodePort()).allowed_address_pairs as { ip_address: string; mac_address: string }[]);
  const boot = async (name: string, metadata: Record<string, string> = {}) => {
    const image = (await api('GET', '/image/v2/images?name=busybox')).images[0].id;
    const r = await api('POST', '/compute/v2.1/servers', { server: { name, imageRef: image, flavorRef: '1', networks: [{ uuid: netId }], metadata } });
    return r.server.id as string;
  };
  const active = (id: string) => waitFor(`server ${id} ACTIVE`, async () => (await api('GET', `/compute/v2.1/servers/${id}`)).server.status === 'ACTIVE', 60_000);

  before(async () => {
    const installed = installCniPlugin(join(work, 'bin'));
    assert.equal(installed.code, 0, `pier cni install: ${installed.stderr}`);
    t = await startTestPier({
      dataplane: { driver, namespace: `${prefix}-dp`, hostId: 'nested-test', vtep: '127.0.0.1', physnets: {} },
      compute: { driver: 'runc' },
      kuryr: { cni: { socket: hostSocket } },
    });
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    netId = (await api('POST', '/networking/v2.0/networks', { network: { name: `${prefix}-net` } })).network.id;
    await api('POST', '/networking/v2.0/subnets', { subnet: { network_id: netId, cidr: `10.${octet}.0.0/24`, ip_version: 4 } });
    await api('POST', '/networking/v2.0/security-groups', { security_group: { name: `${prefix}-noicmp` } });
    nodeId = await boot('node', { [NESTED_METADATA]: 'true' });
    peerId = await boot('peer');
    await active(nodeId);
    await active(peerId);
    peerIp = (await api('GET', `/networking/v2.0/ports?device_id=${peerId}`)).ports[0].fixed_ips[0].ip_address;
    pid = t.pier.get(computeModule).driver.initPid!(nodeId)!;
    assert.ok(pid, 'the node runs');
    // The plugin, where a node's kubelet finds it; a host wrapper runs it inside the node.
    mkdirSync(`/proc/${pid}/root/opt/cni/bin`, { recursive: true });
    copyFileSync(join(work, 'bin', 'pier'), `/proc/${pid}/root/opt/cni/bin/pier`);
    chmodSync(`/proc/${pid}/root/opt/cni/bin/pier`, 0o755);
    plugin = join(work, 'in-node');
    writeFileSync(plugin, `#!/bin/sh\nexec nsenter -t ${pid} -m -n -- /opt/cni/bin/pier\n`, { mode: 0o755 });
    await waitFor('the node\'s CNI socket', async () => existsSync(`/proc/${pid}/root/run/pier/cni.sock`), 10_000);
  });
  after(async () => {
    if (t) {
      for (const a of made) {
        const [containerId, ifname] = a.split(' ');
        if (existsSync(`/proc/${pid}/root`)) await invokeCni(plugin, { command: 'DEL', containerId, ifname }, conf()).catch(() => {});
      }
      for (const id of [nodeId, peerId]) if (id) await call(t.url, 'DELETE', `/compute/v2.1/servers/${id}`, { token: admin });
      const compute = t.pier.get(computeModule);
      await compute.controller.idle();
      for (const id of [nodeId, peerId]) if (id) await compute.driver.remove(id).catch(() => {});
      await t.pier.get(kuryrModule).nodeSockets?.idle();
      for (const p of await podPorts().catch(() => [])) await closeSandbox(p.id);
      await t.pier.get(dataplaneModule).driver.destroy();
      await t.close();
    }
    rmSync(work, { recursive: true, force: true });
  });

  test('ADD inside the node: a port on the node\'s network, a pair on the node\'s port, a veth the node routes; pod, peer and node ping each other', async () => {
    const ns = await podNs('a');
    const r = await add('a', ns.inside);
    ok(r, 'ADD');
    const [pod] = (await podPorts()).filter((p) => p.device_id === `${prefix}-a`);
    assert.ok(pod, 'the pod has a port');
    assert.equal(pod.network_id, netId);
    assert.equal(pod.name, 'testns/a');
    assert.equal(pod.project_id, (await nodePort()).project_id, 'the node\'s project');
    assert.ok(pod.tags.includes(`kuryr.cni.node:${nodeId}`), String(pod.tags));
    const ip = pod.fixed_ips[0].ip_address as string;
    assert.deepEqual(r.json.interfaces, [{ name: 'eth0', mac: pod.mac_address, sandbox: ns.inside }]);
    assert.equal(r.json.ips[0].address, `${ip}/32`, 'the pod\'s address alone, the node its next hop');
    assert.deepEqual(await pairs(), [{ ip_address: ip, mac_address: (await nodePort()).mac_address }]);
    const link = JSON.parse((await inPod(ns.host, 'ip', '-j', '-d', 'link', 'show', 'dev', 'eth0')).stdout)[0];
    assert.equal(link.linkinfo.info_kind, 'veth');
    assert.equal(link.address, pod.mac_address);
    await waitFor('the pod\'s port ACTIVE', async () => (await port(pod.id)).status === 'ACTIVE');
    await waitFor('the pod pings the peer', () => podPings(ns.host, peerIp), 10_000);
    assert.ok(await peerPings(ip), 'the peer pings the pod');
    assert.equal((await inNode('ping', '-c', '1', '-W', '1', ip)).code, 0, 'the node pings its pod (kubelet\'s probes, kube-proxy)');
    ok(await run({ command: 'CHECK', containerId: `${prefix}-a`, netns: ns.inside, ifname: 'eth0' }, conf({ prevResult: r.json })), 'CHECK');
  });

  test('the pod\'s own groups apply: a group without icmp blocks it; an address the node port does not allow gets nowhere', async () => {
    await podNs('b');
    // A path through the node's own symlink (Debian's /var/run → /run), resolved in the node.
    ok(await inNode('/bin/sh', '-c', 'mkdir -p /var && ln -sfn /run /var/run'), 'ln');
    ok(await add('b', '/var/run/netns/b', conf({ securityGroups: [`${prefix}-noicmp`] })), 'ADD');
    const [pod] = (await podPorts()).filter((p) => p.device_id === `${prefix}-b`);
    const ip = pod.fixed_ips[0].ip_address as string;
    await waitFor('b\'s port ACTIVE', async () => (await port(pod.id)).status === 'ACTIVE');
    assert.ok(!(await peerPings(ip)), 'the peer cannot ping a pod whose group has no icmp');
    const a = (await podPorts()).find((p) => p.device_id === `${prefix}-a`).fixed_ips[0].ip_address;
    assert.ok(await peerPings(a), 'the pod in the default group still answers');
    ok(await del('b'), 'DEL b');
    // A macvlan of the node's eth0 that Pier did not make, with an address and MAC no pair names: dropped at the node's port.
    const rogue = `${prefix}-rogue`;
    const nodeNs = t.pier.get(computeModule).driver.netns!(nodeId);
    try {
      ok(await sh('ip', ['netns', 'add', rogue]), 'rogue namespace');
      ok(await sh('ip', ['-n', nodeNs, 'link', 'add', 'link', 'eth0', 'name', 'rogue0', 'type', 'macvlan', 'mode', 'bridge']), 'rogue macvlan');
      ok(await sh('ip', ['-n', nodeNs, 'link', 'set', 'rogue0', 'netns', rogue]), 'rogue moved');
      ok(await sh('ip', ['-n', rogue, '-batch', '-'], `addr add 10.${octet}.0.250/24 dev rogue0\nlink set rogue0 up\n`), 'rogue address');
      assert.ok(!(await podPings(`/run/netns/${rogue}`, peerIp)), 'an unpaired address does not reach the peer');
    } finally {
      await sh('ip', ['netns', 'del', rogue]);
    }
  });

  test('a pod namespace named like one of the host\'s is still the node\'s own', async () => {
    const peerNs = t.pier.get(computeModule).driver.netns!(peerId);
    const ns = await podNs(peerNs);
    const peerLinks = await links(`/run/netns/${peerNs}`);
    ok(await add('same', ns.inside), 'ADD');
    assert.deepEqual(await links(ns.host), ['eth0', 'lo']);
    assert.deepEqual(await links(`/run/netns/${peerNs}`), peerLinks, 'the peer server\'s namespace is untouched');
    ok(await del('same'), 'DEL');
    ok(await inNode('/bin/sh', '-c', `umount /run/netns/${peerNs} && rm /run/netns/${peerNs}`), 'pod namespace removed');
  });

  test('DEL frees the port and the pair and leaves no link; again, and without the namespace, is fine', async () => {
    const ns = `/proc/${pid}/root/run/netns/a`;
    const [pod] = (await podPorts()).filter((p) => p.device_id === `${prefix}-a`);
    assert.ok(existsSync(`/run/netns/${attachedName(pod.id)}`), 'the pod\'s namespace is attached on the host for the plug');
    ok(await del('a', '/run/netns/a'), 'DEL');
    assert.deepEqual((await podPorts()).filter((p) => p.device_id === `${prefix}-a`), []);
    assert.deepEqual(await pairs(), []);
    assert.deepEqual(await links(ns), ['lo']);
    assert.doesNotMatch((await inNode('ip', '-o', 'link', 'show')).stdout, /pv-/, 'the node\'s end of the veth is gone');
    assert.ok(!existsSync(`/run/netns/${attachedName(pod.id)}`), 'the attached name is gone');
    ok(await del('a', '/run/netns/a'), 'DEL again');
    ok(await inNode('/bin/sh', '-c', 'umount /run/netns/a && rm /run/netns/a'), 'pod namespace removed');
    ok(await del('a', '/run/netns/a'), 'DEL without the namespace');
  });

  test('a mode the socket does not serve is refused; nothing is made', async () => {
    const ns = await podNs('m');
    const r = await add('m', ns.inside, conf({ mode: 'host' }));
    assert.equal(r.json?.code, 7, r.stdout);
    assert.deepEqual((await podPorts()).filter((p) => p.device_id === `${prefix}-m`), []);
    const hostCall = await invokeCni(join(work, 'bin', 'pier'), { command: 'ADD', containerId: `${prefix}-h`, netns: ns.host, ifname: 'eth0' }, conf({ mode: 'nested', network: `${prefix}-net`, socket: hostSocket }));
    assert.equal(hostCall.json?.code, 7, hostCall.stdout);
  });

  test('two ADDs at once keep both pairs on the node\'s port', async () => {
    const [c, d] = [await podNs('c'), await podNs('d')];
    const [rc, rd] = await Promise.all([add('c', c.inside), add('d', d.inside)]);
    ok(rc, 'ADD c');
    ok(rd, 'ADD d');
    const ips = [rc, rd].map((r) => r.json.ips[0].address.split('/')[0]).sort();
    assert.deepEqual((await pairs()).map((p) => p.ip_address).sort(), ips);
    for (const ns of [c, d]) await waitFor('the pod pings the peer', () => podPings(ns.host, peerIp), 10_000);
    ok(await del('d'), 'DEL d');
    assert.deepEqual((await pairs()).map((p) => p.ip_address), [rc.json.ips[0].address.split('/')[0]]);
  });

  test('STATUS and GC from the node: GC releases the node\'s pods that no attachment names, and only those', async () => {
    const gcConf = (valid: { containerID: string; ifname: string }[]) => ({ ...conf(), cniVersion: '1.1.0', 'cni.dev/valid-attachments': valid });
    ok(await run({ command: 'STATUS' }, { ...conf(), cniVersion: '1.1.0' }), 'STATUS');
    const f = await podNs('f');
    ok(await add('f', f.inside), 'ADD f');
    const [pf] = (await podPorts()).filter((p) => p.device_id === `${prefix}-f`);
    ok(await run({ command: 'GC', env: { CNI_PATH: '/opt/cni/bin' } }, gcConf([{ containerID: `${prefix}-c`, ifname: 'eth0' }])), 'GC');
    const left = (await podPorts()).map((p) => p.device_id);
    assert.ok(!left.includes(`${prefix}-f`), 'the unnamed pod is released');
    assert.ok(left.includes(`${prefix}-c`), 'the named pod stays');
    assert.deepEqual((await pairs()).map((p) => p.ip_address), [(await podPorts()).find((p) => p.device_id === `${prefix}-c`).fixed_ips[0].ip_address]);
    assert.ok(!existsSync(`/run/netns/${attachedName(pf.id)}`), 'its namespace is detached');
    assert.deepEqual(await links(f.host), ['lo']);
  });

  test('Pier restarts under a running pod: its pings hold, and the node\'s socket answers again', { timeout: 120_000 }, async () => {
    const c = `/proc/${pid}/root/run/netns/c`;
    const pinging = inPod(c, 'ping', '-i', '0.1', '-c', '50', '-W', '1', peerIp);
    await new Promise((r) => setTimeout(r, 1000));
    await t.restart();
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const out = (await pinging).stdout;
    const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[1]) - Number(m[2]) <= 1, m[0]);
    const e = await podNs('e');
    ok(await add('e', e.inside), 'ADD after the restart');
    await waitFor('the new pod pings the peer', () => podPings(e.host, peerIp), 10_000);
    ok(await del('e'), 'DEL e');
  });

  test('deleting the node server releases its pods\' ports and what held their namespaces', async () => {
    const left = (await podPorts()).filter((p) => p.tags.includes(`kuryr.cni.node:${nodeId}`));
    assert.equal(left.length, 1, 'pod c is still there');
    await api('DELETE', `/compute/v2.1/servers/${nodeId}`);
    await waitFor('the pods\' ports gone', async () => (await podPorts()).every((p) => !p.tags.includes(`kuryr.cni.node:${nodeId}`)), 30_000);
    await t.pier.get(kuryrModule).nodeSockets?.idle();
    assert.ok(!existsSync(`/run/netns/${attachedName(left[0].id)}`), 'its namespace is detached');
    made.clear();
  });
});
}

// Docker on Pier networks (root): `docker run` to the first ping reply on a Kuryr network (Pier's
// linuxbridge dataplane, Docker finding Pier's plugin), against Docker's own default bridge
// network in the same run — a second private dockerd with its bridge and iptables, all inside a
// namespace of its own. Each side pings from a namespace on the container's network; they take turns.
import { spawnSync } from 'node:child_process';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor } from '../test/support/pier.js';
import { BUSYBOX_IMAGE, startDockerd, type PrivateDocker } from '../test/support/docker.js';
import { Namespaces, uniquePrefix } from '../test/support/system.js';
import { dataplaneModule } from '../src/dataplane/index.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pingOnce = (ns: string, ip: string) => spawnSync('nsenter', [`--net=/run/netns/${ns}`, 'ping', '-c', '1', '-W', '1', ip]).status === 0;
const untilPing = (ns: string, ip: string) => { for (let i = 0; i < 200 && !pingOnce(ns, ip); i++); };

/** `docker run -d` on `net` to the first reply from `probeNs`, in ms; the container goes afterwards. */
async function runToPing(d: PrivateDocker, net: string, probeNs: string, name: string): Promise<number> {
  const t0 = performance.now();
  await d.ok(['run', '-d', '--name', name, '--net', net, BUSYBOX_IMAGE, 'sleep', '600']);
  const ip = (await d.ok(['inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, name])).trim();
  untilPing(probeNs, ip);
  const ms = performance.now() - t0;
  await d.ok(['rm', '-f', name]);
  return ms;
}

export async function benchKuryrDocker(): Promise<Record<string, number>> {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const plugin = `${prefix}k`;
  const t = await startTestPier({
    dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'bench', vtep: '127.0.0.1', vxlanPeers: [], physnets: {} },
    kuryr: { docker: { name: plugin } },
  });
  let kuryr: PrivateDocker | undefined;
  let bridged: PrivateDocker | undefined;
  try {
    kuryr = await startDockerd();
    const refNs = await nss.add('ref');
    bridged = await startDockerd({ bridged: { netns: refNs, bip: '10.92.0.1/24' } });
    await kuryr.ok(['network', 'create', '-d', plugin, '--ipam-driver', plugin, '--subnet', '10.95.0.0/24', 'bench']);
    // Kuryr's probe: a namespace with a port of the Docker network's Neutron network.
    const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const api = (m: string, p: string, body?: unknown) => call(t.url, m, p, { token: admin, body });
    const id = (await kuryr.ok(['network', 'inspect', '-f', '{{.Id}}', 'bench'])).trim();
    const net = (await api('GET', `/networking/v2.0/networks?tags=kuryr.net.uuid.lh:${id.slice(0, 32)}`)).body.networks[0];
    const port = (await api('POST', '/networking/v2.0/ports', { port: { network_id: net.id } })).body.port;
    const probe = await nss.add('probe');
    const plugged = await api('PUT', `/pier/v1/ports/${port.id}/plug`, { netns: probe });
    if (plugged.status !== 204) throw new Error(`probe plug: ${JSON.stringify(plugged.body)}`);

    // One of each first (the image's first unpack, the plugin's activation), then turns.
    await runToPing(kuryr, 'bench', probe, 'warm');
    await runToPing(bridged, 'bridge', refNs, 'warm');
    const pier: number[] = [];
    const docker: number[] = [];
    for (let i = 0; i < 9; i++) {
      pier.push(await runToPing(kuryr, 'bench', probe, `k${i}`));
      docker.push(await runToPing(bridged, 'bridge', refNs, `b${i}`));
    }
    return {
      'docker run to first ping, Kuryr network, ms (median of 9)': Math.round(median(pier)),
      'docker run to first ping, Docker bridge, ms (median of 9)': Math.round(median(docker)),
      'docker run ratio Kuryr/bridge': Math.round((median(pier) / median(docker)) * 100) / 100,
    };
  } finally {
    await kuryr?.cleanup();
    await bridged?.cleanup();
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await nss.cleanup();
  }
}

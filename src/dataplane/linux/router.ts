// A router namespace's own configuration: forwarding, the default route out of the gateway,
// static routes, and NAT (SNAT for the subnets behind it, DNAT/SNAT for floating IPs).
import type { RouterSpec } from '../driver.js';
import { ipBatch, ipJson, nft, sysctl } from './exec.js';

export async function configureRouter(ns: string, r: RouterSpec, gatewayIf: string | undefined, gatewayIp: string | undefined): Promise<void> {
  await sysctl(ns, 'net.ipv4.ip_forward', r.adminUp ? '1' : '0');
  await sysctl(ns, 'net.ipv6.conf.all.forwarding', r.adminUp ? '1' : '0');
  // Routes: drop Pier's static ones (proto static), then add what is wanted.
  const routes = await ipJson<{ dst: string; protocol?: string }[]>(ns, ['route', 'show', 'proto', 'static']);
  const lines = routes.map((x) => `route del ${x.dst === 'default' ? 'default' : x.dst} proto static`);
  if (gatewayIf && r.gatewayNexthop) lines.push(`route replace default via ${r.gatewayNexthop} dev ${gatewayIf} proto static`);
  for (const s of r.routes) lines.push(`route replace ${s.destination} via ${s.nexthop} proto static`);
  if (gatewayIf) {
    const have = await ipJson<{ addr_info?: { local: string; prefixlen: number }[] }[]>(ns, ['addr', 'show', 'dev', gatewayIf]);
    const fips = new Set(r.floatingIps.map((f) => f.floatingIp));
    for (const a of have[0]?.addr_info ?? []) if (a.prefixlen === 32 && !fips.has(a.local)) lines.push(`addr del ${a.local}/32 dev ${gatewayIf}`);
    for (const f of fips) lines.push(`addr replace ${f}/32 dev ${gatewayIf}`);
  }
  await ipBatch(ns, lines);
  const pre: string[] = [];
  const post: string[] = [];
  if (gatewayIf) {
    for (const f of r.floatingIps) {
      pre.push(`    ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`);
      post.push(`    ip saddr ${f.fixedIp} oifname "${gatewayIf}" snat to ${f.floatingIp}`);
    }
    if (r.snat && gatewayIp) post.push(`    oifname "${gatewayIf}" snat to ${gatewayIp}`);
  }
  const body = `table ip pier {\n  chain prerouting {\n    type nat hook prerouting priority -100; policy accept;\n${pre.join('\n')}\n  }\n  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n${post.join('\n')}\n  }\n}\n`;
  await nft(ns, `table ip pier\ndelete table ip pier\n${body}`);
}

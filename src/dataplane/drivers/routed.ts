// The routed driver (Calico style): no L2 between containers. Each port is a veth whose
// container end holds its address as /32 (/128) with the host as next hop — the host end owns
// the subnet's gateway address (proxy ARP on) and a /32 route points back at the port. All of
// this lives in Pier's dataplane namespace, which routes for every network: isolation is
// policy (a zone per group of networks joined by routers, marked on the way in and checked on
// the way out), security groups match the port's own interface, a router is NAT there (SNAT
// out of its gateway, DNAT/SNAT for floating IPs), and the external network is the physical
// network's uplink to the host. Address ranges must not overlap between networks here, as in Calico.
// A full sync reads the kernel's links; a hinted sync wires or unwires only the hinted ports,
// then re-renders routes and rules from what this process wired (each applied only if changed).
import type { Logger } from 'pino';
import type { AddressSpec, DesiredState, FarEndSpec, NetworkDriver, PortObserved, PortSpec, SyncHint, SyncResult } from '../driver.js';
import { LINK_LOCAL_GW6, renderFarEnd, routedFarEnd } from '../far-end.js';
import { ipBatch, ipJson, nft, sysctl } from '../linux/exec.js';
import { IpSession } from '../linux/ip-session.js';
import { deleteNetns, ensureNetns, hostNetnsArg, netnsExists } from '../linux/netns.js';
import { renderSecurityGroups, replaceTable, type SecuredPort } from '../linux/security-rules.js';
import type { LinuxbridgeConfig } from './linuxbridge.js';
import { createUplink, deleteHostLinks, hostLinks, instanceTag, tapName, wireOrRemove, uplinkName } from '../linux/uplinks.js';
import { forgetWired, nestedLast, wireNested, type NestedAttachment, type WiredPort } from '../linux/nested.js';

export class RoutedDriver implements NetworkDriver {
  readonly name = 'routed';
  readonly segmentTypes = ['flat', 'vlan', 'vxlan', 'local'] as const;
  private readonly tag: string;
  private prepared = false;
  /** The hot path's `ip` in the dataplane namespace (a port plugged or unplugged); restarted by every full sync. */
  private readonly session: IpSession;
  /** Ports wired by this process, with where and to what; `nested`: its veth to remove. */
  private readonly configured = new Map<string, WiredPort>();
  private lastRules = '';
  private lastRoutes: string[] = [];
  /** The last full sync completed: a hinted one may build on it. */
  private synced = false;

  constructor(readonly config: LinuxbridgeConfig, readonly log: Logger) {
    this.tag = instanceTag(config.namespace);
    this.session = new IpSession(config.namespace);
  }

  tap = tapName;
  uplink = uplinkName;

  private async prepare(): Promise<void> {
    const ns = this.config.namespace;
    if (this.prepared && netnsExists(ns)) return;
    await ensureNetns(ns);
    await sysctl(ns, 'net.ipv4.ip_forward', '1');
    await sysctl(ns, 'net.ipv6.conf.all.forwarding', '1');
    await ipBatch(ns, ['link set lo up']);
    this.prepared = true;
  }

  async sync(desired: DesiredState, hint?: SyncHint): Promise<SyncResult> {
    const ns = this.config.namespace;
    if (!desired.networks.length && !desired.routers.length && !desired.ports.some((p) => p.attachment.kind !== 'bound')) {
      if (netnsExists(ns)) await this.destroy();
      return { ports: new Map(desired.ports.filter((p) => !hint || hint.ports.has(p.id)).map((p) => [p.id, { status: 'DOWN' as const }])), vifType: 'tap', vifDetails: {} };
    }
    const canPatch = hint && this.synced && netnsExists(ns)
      && desired.ports.every((p) => !hint.ports.has(p.id) || p.attachment.kind !== 'router');
    const ports = canPatch ? await this.wireHinted(desired, hint.ports) : await this.wireAll(desired);
    await this.converge(desired);
    if (!canPatch) this.synced = true;
    return { ports, vifType: 'tap', vifDetails: { port_filter: true, routed: true, namespace: ns } };
  }

  /** Hinted: wires the hinted ports that are wanted, removes the veths of the others; no kernel scan. */
  private async wireHinted(desired: DesiredState, hinted: ReadonlySet<string>): Promise<Map<string, PortObserved>> {
    const ports = new Map<string, PortObserved>();
    const wanted = new Set<string>();
    for (const p of nestedLast(desired.ports)) {
      if (!hinted.has(p.id)) continue;
      const unwired = this.unwirable(p);
      if (unwired) { ports.set(p.id, unwired); continue; }
      wanted.add(p.id);
      ports.set(p.id, await this.wirePort(p, this.configured.has(p.id)));
    }
    const gone = [...hinted].filter((id) => !wanted.has(id) && this.configured.has(id));
    const veths = gone.filter((id) => !this.configured.get(id)!.nested);
    for (const id of gone) await forgetWired(this.configured, id);
    await this.session.run(veths.map((id) => `link del ${this.tap(id)}`)).catch(() => {});
    return ports;
  }


  private unwirable(p: PortSpec): PortObserved | undefined {
    if (p.attachment.kind === 'bound') return { status: 'DOWN' };
    if (p.attachment.kind === 'router') return { status: p.adminUp ? 'ACTIVE' : 'DOWN' }; // routing is the namespace's own
    if ((p.attachment.kind === 'netns' || p.attachment.kind === 'nested') && !netnsExists(p.attachment.netns)) return { status: 'ERROR', reason: `network namespace ${p.attachment.netns} does not exist` };
    if (p.attachment.kind === 'nested' && !p.attachment.parent) return { status: 'ERROR', reason: 'the port it is nested on is not plugged on this host' };
    return undefined;
  }

  private async wirePort(p: PortSpec, exists: boolean): Promise<PortObserved> {
    const seen = await wireOrRemove(this.config.namespace, p, this.log, () => this.ensurePort(p, exists));
    if (seen.status === 'ERROR') this.configured.delete(p.id);
    return seen;
  }

  /** Full: reads the namespace's links, removes stale ones, makes the uplinks and wires every port. */
  private async wireAll(desired: DesiredState): Promise<Map<string, PortObserved>> {
    this.synced = false;
    this.session.close(); // the namespace may be new: the next hinted sync starts a fresh `ip` in it
    const ns = this.config.namespace;
    const ports = new Map<string, PortObserved>();
    await this.prepare();
    const links = new Set((await ipJson<{ ifname: string }[]>(ns, ['link', 'show'])).map((l) => l.ifname));
    const wired: PortSpec[] = [];
    for (const p of desired.ports) {
      const unwired = this.unwirable(p);
      if (unwired) ports.set(p.id, unwired); else wired.push(p);
    }
    const physnets = this.physnets(desired);
    const wantLinks = new Set([...wired.filter((p) => p.attachment.kind !== 'nested').map((p) => this.tap(p.id)), ...[...physnets].map((p) => this.uplink(p))]);
    const stale = [...links].filter((l) => /^(tp|up)-/.test(l) && !wantLinks.has(l));
    await ipBatch(ns, stale.map((l) => `link del ${l}`));
    for (const l of stale) links.delete(l);
    for (const p of physnets) {
      if (links.has(this.uplink(p))) continue;
      await createUplink(ns, this.tag, p, this.config.physnets[p]?.hostAddress);
      this.lastRoutes = [];
    }
    // A nested port's interface is in a namespace this sync did not scan: looked at again.
    for (const p of nestedLast(wired)) ports.set(p.id, await this.wirePort(p, p.attachment.kind !== 'nested' && links.has(this.tap(p.id))));
    // What this process remembers as wired is exactly what this sync wired.
    const ok = new Set(wired.filter((p) => ports.get(p.id)?.status !== 'ERROR').map((p) => p.id));
    for (const id of [...this.configured.keys()]) if (!ok.has(id)) await forgetWired(this.configured, id);
    return ports;
  }

  /** The physical networks routers' gateways use: each needs its uplink. */
  private physnets(desired: DesiredState): Set<string> {
    const nets = new Map(desired.networks.map((n) => [n.id, n]));
    const physnets = new Set<string>();
    for (const g of desired.ports) {
      if (g.attachment.kind !== 'router' || g.attachment.role !== 'gateway') continue;
      const phys = nets.get(g.networkId)?.segment.physnet;
      if (phys) physnets.add(phys);
    }
    return physnets;
  }

  /** Routes, addresses, NAT and filtering for every wired port and router; each applied only when it changed. */
  private async converge(desired: DesiredState): Promise<void> {
    const ns = this.config.namespace;
    const nets = new Map(desired.networks.map((n) => [n.id, n]));
    const all = desired.ports.filter((p) => this.configured.has(p.id));
    // Nested ports are behind their parents' taps: routed there, filtered there by their addresses.
    const wired = all.filter((p) => p.attachment.kind !== 'nested');
    const nested = all.filter((p): p is PortSpec & { attachment: NestedAttachment } => p.attachment.kind === 'nested' && p.attachment.parent !== null);

    // Zones: networks joined by routers reach each other; a zone with a gateway reaches its uplink.
    const zoneOf = new Map<string, number>();
    desired.networks.forEach((n, i) => zoneOf.set(n.id, i + 1));
    const routerNets = new Map<string, string[]>();
    for (const p of desired.ports) {
      if (p.attachment.kind === 'router' && p.attachment.role === 'interface') routerNets.set(p.attachment.routerId, [...(routerNets.get(p.attachment.routerId) ?? []), p.networkId]);
    }
    for (const list of routerNets.values()) {
      const zone = Math.min(...list.map((n) => zoneOf.get(n) ?? Infinity));
      const old = new Set(list.map((n) => zoneOf.get(n)));
      for (const [n, z] of zoneOf) if (old.has(z)) zoneOf.set(n, zone);
    }

    const gateways = desired.ports.filter((p) => p.attachment.kind === 'router' && p.attachment.role === 'gateway');

    // Routes and addresses of the namespace: a /32 per port address (and address pair), the
    // external subnets on their uplinks, floating IPs and router gateway addresses answered there.
    const routes: string[] = [];
    for (const p of wired) {
      for (const a of p.addresses) routes.push(`route replace ${a.ip}/${a.version === 4 ? 32 : 128} dev ${this.tap(p.id)}`);
      for (const pair of p.allowedPairs) routes.push(`route replace ${pair.ip.includes('/') ? pair.ip : `${pair.ip}/${pair.ip.includes(':') ? 128 : 32}`} dev ${this.tap(p.id)}`);
    }
    for (const p of nested) for (const a of p.addresses) routes.push(`route replace ${a.ip}/${a.version === 4 ? 32 : 128} dev ${this.tap(p.attachment.parent!.port)}`);
    const nat: { pre: string[]; post: string[] } = { pre: [], post: [] };
    const uplinkZones: string[] = [];
    for (const r of desired.routers) {
      const gw = gateways.find((g) => g.attachment.kind === 'router' && g.attachment.routerId === r.id);
      const phys = gw && nets.get(gw.networkId)?.segment.physnet;
      if (!gw || !phys) continue;
      const up = this.uplink(phys);
      const gwIp = gw.addresses.find((a) => a.version === 4);
      if (gwIp) {
        routes.push(`route replace ${gwIp.cidr} dev ${up} proto static`, `addr replace ${gwIp.ip}/32 dev ${up}`);
        if (r.gatewayNexthop) routes.push(`route replace default via ${r.gatewayNexthop} dev ${up} proto static`);
      }
      const inside = desired.ports.filter((p) => p.attachment.kind === 'router' && p.attachment.routerId === r.id && p.attachment.role === 'interface');
      for (const f of r.floatingIps) {
        routes.push(`addr replace ${f.floatingIp}/32 dev ${up}`);
        nat.pre.push(`ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`);
        nat.post.push(`ip saddr ${f.fixedIp} oifname "${up}" snat to ${f.floatingIp}`);
      }
      for (const i of inside) {
        for (const a of i.addresses.filter((x) => x.version === 4)) if (r.snat && gwIp) nat.post.push(`ip saddr ${a.cidr} oifname "${up}" snat to ${gwIp.ip}`);
        uplinkZones.push(`"${up}" . ${zoneOf.get(i.networkId)}`);
      }
      for (const s of r.routes) routes.push(`route replace ${s.destination} via ${s.nexthop} proto static`);
    }
    if (routes.join('\n') !== this.lastRoutes.join('\n')) {
      // What was applied before and is no longer wanted goes first (a floating IP's address, a route).
      const gone = this.lastRoutes.filter((l) => !routes.includes(l)).map((l) => l.replace(/^(route|addr) replace (\S+)( dev \S+)?.*$/, (_, kind: string, what: string, dev?: string) => `${kind} del ${what}${kind === 'addr' ? dev ?? '' : ''}`));
      await this.session.run(gone).catch(() => {});
      await this.session.run(routes);
      this.lastRoutes = routes;
    }

    // Filtering: anti-spoofing and zone marks on the way in; zones, then security groups, on the way through.
    const secured: SecuredPort[] = [
      ...wired.filter((p) => p.secured).map((p) => ({ port: p, bridge: '', hostIf: this.tap(p.id) })),
      ...nested.filter((p) => p.secured).map((p) => ({ port: p, bridge: '', hostIf: this.tap(p.attachment.parent!.port), nested: true })),
    ];
    const marks = wired.map((p) => `"${this.tap(p.id)}" : ${zoneOf.get(p.networkId) ?? 0}`);
    const allowed = [...wired.map((p) => `"${this.tap(p.id)}" . ${zoneOf.get(p.networkId) ?? 0}`), ...uplinkZones];
    const spoof = secured.filter((x) => !x.nested).map(({ port, hostIf }, n) => {
      const v4 = [...port.addresses.filter((a) => a.version === 4).map((a) => a.ip), ...port.allowedPairs.filter((x) => !x.ip.includes(':')).map((x) => x.ip)];
      const v6 = [...port.addresses.filter((a) => a.version === 6).map((a) => a.ip), ...port.allowedPairs.filter((x) => x.ip.includes(':')).map((x) => x.ip), 'fe80::/10'];
      return { map: `"${hostIf}" : jump s${n}`, chain: `  chain s${n} {\n    meta nfproto ipv4 ip saddr != { ${[...v4, '0.0.0.0'].join(', ')} } drop\n    meta nfproto ipv6 ip6 saddr != { ${v6.join(', ')} } drop\n    return\n  }` };
    });
    const pre = [
      '    type filter hook prerouting priority -150; policy accept;',
      ...(spoof.length ? [`    iifname vmap { ${spoof.map((s) => s.map).join(', ')} }`] : []),
      ...(marks.length ? [`    meta mark set iifname map { ${marks.join(', ')} }`] : []),
    ];
    const extra = [
      `  set zones {\n    type ifname . mark\n${allowed.length ? `    elements = { ${allowed.join(', ')} }\n` : ''}  }`,
      `  chain prerouting {\n${pre.join('\n')}\n  }`,
      ...spoof.map((s) => s.chain),
    ];
    const inet = renderSecurityGroups('pier', secured, desired.securityGroups, {
      routed: true, extra, prelude: ['ct status ! dnat oifname . meta mark != @zones drop'],
    });
    const natText = `table ip pier {\n  chain prerouting {\n    type nat hook prerouting priority -100; policy accept;\n${nat.pre.map((l) => `    ${l}\n`).join('')}  }\n  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n${nat.post.map((l) => `    ${l}\n`).join('')}  }\n}\n`;
    const rules = replaceTable('inet', 'pier', inet) + replaceTable('ip', 'pier', natText);
    if (rules !== this.lastRules) {
      await nft(ns, rules);
      this.lastRules = rules;
    }
  }

  farEnd(addresses: readonly AddressSpec[]): FarEndSpec {
    return routedFarEnd(addresses);
  }

  /**
   * A port's veth: one batch in the dataplane namespace creates it (far end already in the
   * target namespace — or, handed off, in the host's — with the port's MAC and MTU) and
   * configures the host end, which holds the far end's next hops; then the far end's batch
   * (none when handed off: its runtime configures it) and the host end's proxy ARP, side by
   * side. Throws on failure, leaving the caller to delete the veth.
   */
  private async ensurePort(p: PortSpec, exists: boolean): Promise<void> {
    // Nested: a veth from the parent's namespace, which routes for it; `converge` routes the
    // port's /32 to the parent's tap.
    if (p.attachment.kind === 'nested') return wireNested(this.configured, p, p.attachment, exists);
    if (p.attachment.kind !== 'netns' && p.attachment.kind !== 'handoff') return;
    const ns = this.config.namespace;
    const tap = this.tap(p.id);
    const { ifname } = p.attachment;
    const netns = p.attachment.kind === 'netns' ? p.attachment.netns : undefined;
    const place = `${netns ?? '(host)'} ${ifname}`;
    const fingerprint = JSON.stringify([p.mac, p.mtu, p.adminUp, p.addresses]);
    const done = this.configured.get(p.id);
    if (exists && done?.place === place && done.fingerprint === fingerprint) return;
    const near: string[] = [];
    if (exists && done && done.place !== place) { near.push(`link del ${tap}`); exists = false; } // plugged elsewhere now: a new veth
    const created = !exists;
    if (created) near.push(`link add ${tap} mtu ${p.mtu} type veth peer name ${ifname} address ${p.mac} mtu ${p.mtu} netns ${netns ?? hostNetnsArg()}`);
    near.push(`link set ${tap} mtu ${p.mtu} ${p.adminUp ? 'up' : 'down'}`);
    const spec = this.farEnd(p.addresses);
    if (spec.gateway4) near.push(`addr replace ${spec.gateway4}/32 dev ${tap} noprefixroute`);
    if (spec.gateway6) near.push(`addr replace ${LINK_LOCAL_GW6}/64 dev ${tap} nodad`);
    const far = netns ? ['link set lo up', `link set ${ifname} address ${p.mac} mtu ${p.mtu} up`, ...renderFarEnd(ifname, spec, true)] : [];
    await this.session.run(near).catch(async (err) => {
      if (!created) throw err;
      // A veth of ours this process did not know of is in the way: remove it and try once more.
      await ipBatch(ns, [`link del ${tap}`]).catch(() => { throw err; });
      await ipBatch(ns, near);
    });
    // proxy_arp lives as long as the link: set on a new one, or when this process has not set it yet.
    await Promise.all([netns ? ipBatch(netns, far) : undefined, created || !done ? sysctl(ns, `net.ipv4.conf.${tap}.proxy_arp`, '1') : undefined]);
    this.configured.set(p.id, { place, fingerprint });
  }


  async destroy(): Promise<void> {
    this.session.close();
    await deleteHostLinks(await hostLinks(this.tag));
    await deleteNetns(this.config.namespace);
    this.prepared = false;
    this.synced = false;
    this.configured.clear();
    this.lastRules = '';
    this.lastRoutes = [];
  }
}

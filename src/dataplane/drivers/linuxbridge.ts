// The linuxbridge driver. Everything lives in one dataplane namespace of Pier's own (so a host's
// Docker — br_netfilter plus iptables FORWARD DROP — never sees Pier's bridges): a bridge per
// network; a VXLAN device on it for VXLAN segments; each physical network is a veth "uplink" to
// the host namespace (whose host side may carry an address: the external network's outside),
// joined to a flat network's bridge directly and to a VLAN network's bridge through an 802.1Q
// subinterface. A port is a veth from its network's bridge to a container's or a router's
// namespace, or to the host's for a runtime to take (handoff). Routers are namespaces. A full
// sync reads the kernel and trusts no memory; a hinted sync (only some ports changed) wires or
// unwires just those, from what this process remembers.
import type { Logger } from 'pino';
import type { AddressSpec, DesiredState, FarEndSpec, NetworkDriver, NetworkSpec, PortObserved, PortSpec, RouterSpec, SyncHint, SyncResult } from '../driver.js';
import { bridgedFarEnd, renderFarEnd } from '../far-end.js';
import { ipBatch, ipJson, nft, run, sysctl } from '../linux/exec.js';
import { IpSession } from '../linux/ip-session.js';
import { attachVlanFilters, vlanFiltersWork } from '../linux/vlan-tc.js';
import { deleteNetns, ensureNetns, hostNetnsArg, listNetns, netnsExists } from '../linux/netns.js';
import { renderAntiSpoofing, renderSecurityGroups, replaceTable, type SecuredPort } from '../linux/security-rules.js';
import { configureRouter } from '../linux/router.js';
import { createUplink, deleteHostLinks, hostUplinkName, hostLinks, hostVxlanName, instanceTag, shortId as short, tapName, wireOrRemove, uplinkName } from '../linux/uplinks.js';
import { forgetWired, nestedLast, wireNested, type WiredPort } from '../linux/nested.js';

export interface LinuxbridgeConfig {
  /** Pier's dataplane namespace; one per Pier instance on a host. */
  namespace: string;
  /** Physical networks: a trunk bridge each, linked to the host; `hostAddress` (CIDR) goes on the host side. */
  physnets: Record<string, { hostAddress?: string }>;
  /** Local VXLAN tunnel endpoint address (in the host namespace). */
  vtep: string;
  /** Other hosts' tunnel endpoints: every VXLAN segment floods to them (static FDB entries). */
  vxlanPeers?: string[];
}

interface Link { ifname: string; master?: string; address?: string; operstate?: string; flags?: string[]; linkinfo?: { info_kind?: string } }

/** How VLAN segments are made: 802.1Q subinterfaces of the uplink, or (no 8021q) tc-tagged veths on a trunk bridge. */
type VlanMode = 'subinterface' | 'tc';

export class LinuxbridgeDriver implements NetworkDriver {
  readonly name = 'linuxbridge';
  readonly segmentTypes = ['flat', 'vlan', 'vxlan', 'local'] as const;
  private readonly tag: string;
  private prepared = false;
  /** The hot path's `ip` in the dataplane namespace (a port plugged or unplugged); restarted by every full sync. */
  private readonly session: IpSession;
  /** Ports wired by this process (veth up, far side configured), with where and to what; `nested`: its veth to remove. */
  private readonly configured = new Map<string, WiredPort>();
  private lastRules = '';
  private readonly routerState = new Map<string, string>();
  /** From the last full sync, which must have completed for a hinted one: networks realised, and refused (with the reason). */
  private synced = false;
  private readonly realised = new Set<string>();
  private readonly refused = new Map<string, string>();

  constructor(readonly config: LinuxbridgeConfig, readonly log: Logger) {
    this.tag = instanceTag(config.namespace);
    this.session = new IpSession(config.namespace);
  }

  // Names. In the dataplane namespace they need only be unique there; on the host they carry
  // the instance tag so two Piers on one host never collide.
  bridge = (netId: string) => `br-${short(netId)}`;
  vxlan = (netId: string) => `vx-${short(netId)}`;
  vlan = (netId: string) => `vl-${short(netId)}`;
  /** tc mode: the VLAN veth's other end, on the trunk. */
  vlanTrunkPort = (netId: string) => `vt-${short(netId)}`;
  /** tc mode: a physical network's own trunk bridge, when no flat network's bridge holds its uplink. */
  trunk = (physnet: string) => `tk-${physnet.slice(0, 12)}`;
  uplink = uplinkName;
  hostUplink = (physnet: string) => hostUplinkName(this.tag, physnet);
  tap = tapName;
  routerNs = (routerId: string) => `${this.config.namespace}-r-${routerId}`;
  routerIf = (p: PortSpec) => `${p.attachment.kind === 'router' && p.attachment.role === 'gateway' ? 'qg' : 'qr'}-${short(p.id)}`;

  private async prepare(): Promise<void> {
    const ns = this.config.namespace;
    if (this.prepared && netnsExists(ns)) return;
    await ensureNetns(ns);
    try {
      await sysctl(ns, 'net.bridge.bridge-nf-call-iptables', '1');
      await sysctl(ns, 'net.bridge.bridge-nf-call-ip6tables', '1');
    } catch (err) {
      throw new Error(`br_netfilter is not available, so security groups cannot be enforced on bridged traffic: ${(err as Error).message}`);
    }
    await sysctl(ns, 'net.ipv6.conf.default.disable_ipv6', '1');
    await ipBatch(ns, ['link set lo up']);
    this.prepared = true;
  }

  async sync(desired: DesiredState, hint?: SyncHint): Promise<SyncResult> {
    // Nothing wanted: nothing of Pier's stays in the kernel, not even its namespace.
    if (!desired.networks.length && !desired.routers.length && !desired.ports.some((p) => p.attachment.kind !== 'bound')) {
      if (netnsExists(this.config.namespace)) await this.destroy();
      return { ports: new Map(desired.ports.filter((p) => !hint || hint.ports.has(p.id)).map((p) => [p.id, { status: 'DOWN' as const }])), vifType: 'bridge', vifDetails: {} };
    }
    if (hint && this.canPatch(desired, hint)) return this.syncPorts(desired, hint.ports);
    this.synced = false;
    this.session.close(); // the namespace may be new: the next hinted sync starts a fresh `ip` in it
    await this.prepare();
    const ns = this.config.namespace;
    const links = new Map((await ipJson<Link[]>(ns, ['-d', 'link', 'show'])).map((l) => [l.ifname, l]));
    const networks = new Map(desired.networks.map((n) => [n.id, n]));
    const ports = new Map<string, PortObserved>();

    // What should exist in the dataplane namespace, by name → master (or '' for none).
    const want = new Map<string, string>();
    const physnets = new Set(desired.networks.map((n) => n.segment.physnet).filter((p): p is string => Boolean(p)));
    const refused = new Map<string, string>();
    for (const p of physnets) want.set(this.uplink(p), '');
    for (const n of desired.networks) {
      want.set(this.bridge(n.id), '');
      if (n.segment.type === 'vxlan') want.set(this.vxlan(n.id), this.bridge(n.id));
      if (n.segment.type === 'flat') want.set(this.uplink(n.segment.physnet!), this.bridge(n.id));
    }
    for (const n of desired.networks) {
      if (n.segment.type !== 'vlan') continue;
      const mode = await this.vlanMode();
      if (!mode) { refused.set(n.id, 'this kernel has neither 802.1Q VLAN support (8021q) nor tc eBPF classifiers, so VLAN segments cannot be realised'); continue; }
      want.set(this.vlan(n.id), this.bridge(n.id));
      if (mode === 'tc') want.set(this.vlanTrunkPort(n.id), this.trunkOf(n.segment.physnet!, want));
    }
    this.refused.clear();
    for (const [id, why] of refused) this.refused.set(id, why);
    const wired: PortSpec[] = [];
    for (const p of desired.ports) {
      const unwired = this.unwirable(p, networks);
      if (unwired) { ports.set(p.id, unwired); continue; }
      if (p.attachment.kind !== 'nested') want.set(this.tap(p.id), this.bridge(p.networkId));
      wired.push(p);
    }

    // 1. Remove what Pier made and no longer wants (and anything whose master is wrong).
    const remove: string[] = [];
    for (const [name, l] of links) {
      // A VXLAN device not yet renamed, or without its bridge, is one a kill cut short: made anew.
      if (name.startsWith('pvx') || (name.startsWith('vx-') && l.master !== want.get(name))) { remove.push(name); continue; }
      if (!/^(br|vl|vt|tk|up|tp)-/.test(name)) continue;
      const master = want.get(name);
      if (master === undefined || (master !== '' && l.master !== undefined && l.master !== master)) remove.push(name);
    }
    await ipBatch(ns, remove.map((n) => `link del ${n}`));
    for (const n of remove) { links.delete(n); if (n.startsWith('tp-')) this.forgetPort(n); }
    const hostSide = new Set([...physnets].map((p) => this.hostUplink(p)));
    await deleteHostLinks((await hostLinks(this.tag)).filter((l) => !hostSide.has(l)));

    // 2. Bridges, uplinks, then what joins a network's bridge to the outside.
    const add: string[] = [];
    for (const [name] of want) if (!links.has(name) && /^(br|tk)-/.test(name)) add.push(`link add ${name} type bridge`, `link set ${name} up`);
    await ipBatch(ns, add);
    for (const p of physnets) if (!links.has(this.uplink(p))) await createUplink(ns, this.tag, p, this.config.physnets[p]?.hostAddress);
    for (const n of desired.networks) if (!refused.has(n.id)) await this.ensureSegment(n, links, want);

    // 3. Ports: a veth per port from its bridge to its container or router namespace.
    const routerIds = new Set(desired.routers.map((r) => r.id));
    for (const r of desired.routers) await ensureNetns(this.routerNs(r.id));
    // A nested port's interface is in a namespace this sync did not scan: looked at again.
    for (const p of nestedLast(wired)) ports.set(p.id, await this.wirePort(p, networks.get(p.networkId)!, p.attachment.kind !== 'nested' && links.has(this.tap(p.id))));
    // What this process remembers as wired is exactly what this sync wired.
    const wiredIds = new Set(wired.map((p) => p.id));
    for (const id of [...this.configured.keys()]) if (!wiredIds.has(id) || ports.get(id)?.status === 'ERROR') await forgetWired(this.configured, id);

    // 4. Routers: forwarding, routes, SNAT and floating IPs; stale router namespaces go.
    for (const r of desired.routers) await this.syncRouter(r, desired.ports.filter((p) => p.attachment.kind === 'router' && p.attachment.routerId === r.id));
    for (const name of listNetns()) {
      const prefix = `${ns}-r-`;
      if (name.startsWith(prefix) && !routerIds.has(name.slice(prefix.length))) { await deleteNetns(name); this.routerState.delete(name.slice(prefix.length)); }
    }

    // 5. Security: anti-spoofing and security groups, each table replaced whole when it changed.
    await this.syncRules(desired);
    this.realised.clear();
    for (const n of desired.networks) if (!refused.has(n.id)) this.realised.add(n.id);
    this.synced = true;
    return { ports, vifType: 'bridge', vifDetails: { port_filter: true, namespace: ns } };
  }

  /** A hinted sync can patch only when the last full sync completed and no hinted port touches a router or an unseen network. */
  private canPatch(desired: DesiredState, hint: SyncHint): boolean {
    if (!this.synced || !netnsExists(this.config.namespace)) return false;
    return desired.ports.every((p) => !hint.ports.has(p.id)
      || p.attachment.kind === 'bound' || ((p.attachment.kind === 'netns' || p.attachment.kind === 'handoff' || p.attachment.kind === 'nested') && (this.realised.has(p.networkId) || this.refused.has(p.networkId))));
  }

  /** The hinted sync: no kernel scan; wires the hinted ports that are wanted, unwires the others; networks and routers stay as they are. */
  private async syncPorts(desired: DesiredState, hinted: ReadonlySet<string>): Promise<SyncResult> {
    const ns = this.config.namespace;
    const networks = new Map(desired.networks.map((n) => [n.id, n]));
    const ports = new Map<string, PortObserved>();
    const wanted = new Set<string>();
    for (const p of nestedLast(desired.ports)) {
      if (!hinted.has(p.id)) continue;
      const unwired = this.unwirable(p, networks);
      if (unwired) { ports.set(p.id, unwired); continue; }
      wanted.add(p.id);
      ports.set(p.id, await this.wirePort(p, networks.get(p.networkId)!, this.configured.has(p.id)));
    }
    // Hinted ports no longer wired here: their veth goes (the far end with it). Only what this
    // process wired can exist; anything else is the next full sync's to find.
    const gone = [...hinted].filter((id) => !wanted.has(id) && this.configured.has(id));
    const veths = gone.filter((id) => !this.configured.get(id)!.nested);
    for (const id of gone) await forgetWired(this.configured, id);
    await this.session.run(veths.map((id) => `link del ${this.tap(id)}`)).catch(() => {});
    await this.syncRules(desired);
    return { ports, vifType: 'bridge', vifDetails: { port_filter: true, namespace: ns } };
  }

  /** Why `p` is not to be wired now (its status then), or undefined when it is. */
  private unwirable(p: PortSpec, networks: Map<string, NetworkSpec>): PortObserved | undefined {
    if (p.attachment.kind === 'bound') return { status: 'DOWN' };
    if (!networks.has(p.networkId) || this.refused.has(p.networkId)) {
      return { status: 'ERROR', reason: this.refused.get(p.networkId) ?? `network ${p.networkId} is not realised` };
    }
    if ((p.attachment.kind === 'netns' || p.attachment.kind === 'nested') && !netnsExists(p.attachment.netns)) {
      return { status: 'ERROR', reason: `network namespace ${p.attachment.netns} does not exist` };
    }
    if (p.attachment.kind === 'nested' && !p.attachment.parent) return { status: 'ERROR', reason: 'the port it is nested on is not plugged on this host' };
    return undefined;
  }


  /** Wires one port; on failure nothing of it stays (its veth is deleted) and it reports ERROR. */
  private async wirePort(p: PortSpec, net: NetworkSpec, exists: boolean): Promise<PortObserved> {
    const seen = await wireOrRemove(this.config.namespace, p, this.log, () => this.ensurePort(p, net, exists));
    if (seen.status === 'ERROR') this.configured.delete(p.id);
    return seen;
  }

  /** Anti-spoofing and security groups for every wired, secured port; the tables are replaced whole, and only when their text changed. */
  private async syncRules(desired: DesiredState): Promise<void> {
    // A nested port's frames are its parent's on the bridge (its MAC, its bridge port), admitted
    // by the parent's allowed address pairs; its own groups apply by its addresses.
    const macOf = new Map(desired.ports.map((p) => [p.id, p.mac]));
    const secured: SecuredPort[] = desired.ports.filter((p) => p.secured && this.configured.has(p.id)).map((p) => {
      const parent = p.attachment.kind === 'nested' ? p.attachment.parent!.port : undefined;
      return { port: p, bridge: this.bridge(p.networkId), hostIf: this.tap(parent ?? p.id), ...(parent ? { nested: true, parentMac: macOf.get(parent) } : {}) };
    });
    const rules = replaceTable('bridge', 'pier', renderAntiSpoofing('pier', secured.filter((x) => !x.nested))) + replaceTable('inet', 'pier', renderSecurityGroups('pier', secured, desired.securityGroups));
    if (rules !== this.lastRules) {
      await nft(this.config.namespace, rules);
      this.lastRules = rules;
    }
  }

  private forgetPort(tapName: string): void {
    for (const id of this.configured.keys()) if (this.tap(id) === tapName) this.configured.delete(id);
  }

  private vlanProbe: Promise<VlanMode | undefined> | undefined;
  /** How this kernel can make VLAN segments, if at all (probed once, on throwaway veths). */
  private vlanMode(): Promise<VlanMode | undefined> {
    this.vlanProbe ??= (async () => {
      const ns = this.config.namespace;
      try {
        await ipBatch(ns, ['link add pvprobe0 type veth peer name pvprobe1']);
        await ipBatch(ns, ['link add link pvprobe0 name pvprobe0.1 type vlan id 1']);
        return 'subinterface';
      } catch {
        return (await vlanFiltersWork(ns)) ? 'tc' : undefined;
      } finally {
        await ipBatch(ns, ['link del pvprobe0']).catch(() => {});
      }
    })();
    return this.vlanProbe;
  }

  /**
   * tc mode: the bridge a physical network's VLANs join, the one holding its uplink — a flat
   * network's bridge if it has one, else its own trunk bridge (then wanted here, uplink in it).
   */
  private trunkOf(physnet: string, want: Map<string, string>): string {
    const held = want.get(this.uplink(physnet));
    if (held) return held;
    want.set(this.trunk(physnet), '');
    want.set(this.uplink(physnet), this.trunk(physnet));
    return this.trunk(physnet);
  }

  private async ensureSegment(n: NetworkSpec, links: Map<string, Link>, want: ReadonlyMap<string, string>): Promise<void> {
    const ns = this.config.namespace;
    const br = this.bridge(n.id);
    if (n.segment.type === 'vxlan' && !links.has(this.vxlan(n.id))) {
      // Created in the host namespace so its UDP socket stays there (the underlay), then moved in.
      const tmp = hostVxlanName(this.tag, n.id);
      await run('ip', ['link', 'del', tmp]).catch(() => {});
      await run('ip', ['link', 'add', tmp, 'type', 'vxlan', 'id', String(n.segment.segmentationId), 'local', this.config.vtep, 'dstport', '4789', 'nolearning']);
      await run('ip', ['link', 'set', tmp, 'netns', ns]);
      for (const peer of this.config.vxlanPeers ?? []) {
        await run('bridge', ['-n', ns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', tmp, 'dst', peer]);
      }
      // Named and joined last, so a device under its own name is a whole one.
      await ipBatch(ns, [`link set ${tmp} name ${this.vxlan(n.id)}`, `link set ${this.vxlan(n.id)} master ${br} mtu ${n.mtu} up`]);
    }
    if (n.segment.type === 'flat') {
      const up = links.get(this.uplink(n.segment.physnet!));
      if (up?.master !== br) await ipBatch(ns, [`link set ${this.uplink(n.segment.physnet!)} master ${br} up`]);
    }
    if (n.segment.type === 'vlan' && await this.vlanMode() === 'tc') await this.ensureTaggedVlan(n, links, want);
    else if (n.segment.type === 'vlan' && !links.has(this.vlan(n.id))) {
      await ipBatch(ns, [
        `link add link ${this.uplink(n.segment.physnet!)} name ${this.vlan(n.id)} type vlan id ${n.segment.segmentationId}`,
        `link set ${this.vlan(n.id)} master ${br} up`,
      ]);
    }
  }

  /**
   * tc mode: a veth from the network's bridge to the trunk, whose trunk end tags what leaves the
   * network and admits only the network's tag back. That end goes up only once its filters are
   * on, so an end that is down (a sync cut short) is made anew.
   */
  private async ensureTaggedVlan(n: NetworkSpec, links: Map<string, Link>, want: ReadonlyMap<string, string>): Promise<void> {
    const ns = this.config.namespace;
    const [vl, vt, up] = [this.vlan(n.id), this.vlanTrunkPort(n.id), this.uplink(n.segment.physnet!)];
    const trunk = want.get(vt)!;
    // The physical network's own trunk holds its uplink (a flat network's bridge takes it itself).
    if (trunk === want.get(up) && links.get(up)?.master !== trunk) {
      await ipBatch(ns, [`link set ${up} master ${trunk} up`]);
      links.set(up, { ...links.get(up), ifname: up, master: trunk });
    }
    if (links.has(vl) && links.get(vt)?.flags?.includes('UP')) return;
    await ipBatch(ns, [`link del ${vl}`], true);
    await ipBatch(ns, [
      `link add ${vl} mtu ${n.mtu} type veth peer name ${vt} mtu ${n.mtu}`,
      `link set ${vl} master ${this.bridge(n.id)} up`,
      `link set ${vt} master ${trunk}`,
    ]);
    await attachVlanFilters(ns, vt, n.segment.segmentationId!, 'ingress');
    await ipBatch(ns, [`link set ${vt} up`]);
  }

  farEnd(addresses: readonly AddressSpec[]): FarEndSpec {
    return bridgedFarEnd(addresses);
  }

  /**
   * A port's veth, in two processes: one batch in the dataplane namespace creates it (its far
   * end already in the target namespace, with the port's MAC and MTU) and joins it to the
   * bridge; one batch in the target namespace configures the far end — unless the port is
   * handed off, when the far end waits in the host namespace for its runtime. `exists` says
   * whether the veth is already there. Throws on failure, leaving the caller to delete the veth.
   */
  private async ensurePort(p: PortSpec, net: NetworkSpec, exists: boolean): Promise<void> {
    if (p.attachment.kind === 'nested') return wireNested(this.configured, p, p.attachment, exists);
    const ns = this.config.namespace;
    const tap = this.tap(p.id);
    const [targetNs, ifname] = p.attachment.kind === 'netns' ? [p.attachment.netns, p.attachment.ifname]
      : p.attachment.kind === 'handoff' ? [undefined, p.attachment.ifname]
      : [this.routerNs((p.attachment as { routerId: string }).routerId), this.routerIf(p)];
    const place = `${targetNs ?? '(host)'} ${ifname}`;
    const fingerprint = JSON.stringify([p.mac, p.mtu, p.adminUp, p.addresses]);
    const done = this.configured.get(p.id);
    if (exists && done?.place === place && done.fingerprint === fingerprint) return;
    const near: string[] = [];
    if (exists && done && done.place !== place) { near.push(`link del ${tap}`); exists = false; } // plugged elsewhere now: a new veth
    if (!exists) near.push(`link add ${tap} mtu ${p.mtu} type veth peer name ${ifname} address ${p.mac} mtu ${p.mtu} netns ${targetNs ?? hostNetnsArg()}`);
    near.push(`link set ${tap} master ${this.bridge(net.id)} mtu ${p.mtu} ${p.adminUp ? 'up' : 'down'}`);
    await this.session.run(near).catch(async (err) => {
      if (exists) throw err;
      // A veth of ours this process did not know of is in the way: remove it and try once more.
      await ipBatch(ns, [`link del ${tap}`]).catch(() => { throw err; });
      await ipBatch(ns, near);
    });
    // The far side: MAC, MTU, addresses, default route and host routes (idempotent: replace).
    if (targetNs) {
      const far = ['link set lo up', `link set ${ifname} address ${p.mac} mtu ${p.mtu} up`, ...renderFarEnd(ifname, this.farEnd(p.addresses), p.attachment.kind === 'netns')];
      await ipBatch(targetNs, far);
    }
    this.configured.set(p.id, { place, fingerprint });
  }


  private async syncRouter(r: RouterSpec, routerPorts: PortSpec[]): Promise<void> {
    const state = JSON.stringify([r, routerPorts.map((p) => [p.id, p.addresses])]);
    if (this.routerState.get(r.id) === state) return;
    const gateway = routerPorts.find((p) => p.attachment.kind === 'router' && p.attachment.role === 'gateway');
    await configureRouter(this.routerNs(r.id), r, gateway ? this.routerIf(gateway) : undefined, gateway?.addresses.find((a) => a.version === 4)?.ip);
    this.routerState.set(r.id, state);
  }

  async destroy(): Promise<void> {
    const ns = this.config.namespace;
    this.session.close();
    for (const name of listNetns()) if (name.startsWith(`${ns}-r-`)) await deleteNetns(name);
    await deleteHostLinks(await hostLinks(this.tag));
    await deleteNetns(ns);
    this.prepared = false;
    this.synced = false;
    this.configured.clear();
    this.routerState.clear();
    this.realised.clear();
    this.refused.clear();
    this.lastRules = '';
  }
}

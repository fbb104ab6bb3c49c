// Security groups and anti-spoofing as nftables rule sets (pure: desired state in, text out).
// Anti-spoofing runs in the bridge family, where the bridge port is known: a port may send only
// from its MAC and addresses (and allowed address pairs). Security groups run in the inet
// family, which sees bridged traffic through br_netfilter and so has conntrack: once a sender
// is pinned to its MAC, the MAC names the port. A packet passes the sender's egress chain and
// then the receiver's ingress chain; each rule that matches returns, the end of a chain drops.
import type { PortSpec, RuleSpec, SecurityGroupSpec } from '../driver.js';

/**
 * A port whose traffic is filtered, where it is seen: `hostIf` is its host end. Bridged ports
 * are told apart by MAC, routed ones by interface. A nested port's traffic is its parent's on the
 * wire — the parent's host end (`hostIf`) and, bridged, the parent's MAC (`parentMac`) — and is
 * told apart from the parent's own by its addresses.
 */
export interface SecuredPort { port: PortSpec; bridge: string; hostIf: string; nested?: boolean; parentMac?: string }

export interface SecurityLayout {
  /** Routed ports are named by their own interface; bridged ones by bridge and MAC. */
  routed?: boolean;
  /** Lines that run first in the forward chain (after established traffic), e.g. isolation. */
  prelude?: string[];
  /** More chains or sets for the table. */
  extra?: string[];
}

const PORTED = new Set(['6', '17', '132', '33', '136']);
const ND_IN = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, nd-redirect, mld-listener-query, mld-listener-report, mld2-listener-report } return';
const ND_OUT = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, mld-listener-report, mld2-listener-report } return';

function ruleText(r: RuleSpec, groupSet: (id: string, v: 4 | 6) => string): string | undefined {
  const v6 = r.ethertype === 'IPv6';
  const ip = v6 ? 'ip6' : 'ip';
  const parts = [`meta nfproto ${v6 ? 'ipv6' : 'ipv4'}`];
  let proto = r.protocol;
  if (v6 && proto === '1') proto = '58'; // OpenStack: icmp on IPv6 means ICMPv6
  if (proto !== null) {
    parts.push(`meta l4proto ${proto}`);
    if (PORTED.has(proto) && (r.portMin !== null || r.portMax !== null)) {
      const lo = r.portMin ?? 1;
      const hi = r.portMax ?? 65535;
      parts.push(`th dport ${lo === hi ? lo : `${lo}-${hi}`}`);
    } else if ((proto === '1' || proto === '58') && r.portMin !== null) {
      const icmp = proto === '58' ? 'icmpv6' : 'icmp';
      parts.push(`${icmp} type ${r.portMin}`);
      if (r.portMax !== null) parts.push(`${icmp} code ${r.portMax}`);
    }
  }
  const peer = r.direction === 'ingress' ? 'saddr' : 'daddr';
  if (r.remoteIpPrefix) parts.push(`${ip} ${peer} ${r.remoteIpPrefix}`);
  if (r.remoteGroupId) {
    const set = groupSet(r.remoteGroupId, v6 ? 6 : 4);
    if (!set) return undefined;
    parts.push(`${ip} ${peer} @${set}`);
  }
  return `${parts.join(' ')} return`;
}

/** `table inet <name>`: the security-group rule set for the secured ports. */
export function renderSecurityGroups(table: string, ports: SecuredPort[], groups: SecurityGroupSpec[], layout: SecurityLayout = {}): string {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const sets: string[] = [];
  const setNames = new Map<string, string>();
  const groupSet = (id: string, v: 4 | 6): string => {
    const key = `${id}/${v}`;
    const known = setNames.get(key);
    if (known !== undefined) return known;
    const g = byId.get(id);
    const members = g ? (v === 4 ? g.members.v4 : g.members.v6) : [];
    const name = `g${setNames.size}v${v}`;
    setNames.set(key, name);
    sets.push(`  set ${name} {\n    type ${v === 4 ? 'ipv4_addr' : 'ipv6_addr'}\n    flags interval\n    auto-merge\n${members.length ? `    elements = { ${[...new Set(members)].join(', ')} }\n` : ''}  }`);
    return name;
  };
  const chains: string[] = [];
  const outMap: string[] = [];
  const inMap: string[] = [];
  ports.forEach(({ port }, n) => {
    const rules = port.securityGroups.flatMap((id) => byId.get(id)?.rules ?? []);
    const lines = (dir: 'ingress' | 'egress') => rules.filter((r) => r.direction === dir).map((r) => ruleText(r, groupSet)).filter((x): x is string => Boolean(x));
    chains.push(`  chain o${n} {\n    ${ND_OUT}\n${lines('egress').map((l) => `    ${l}\n`).join('')}    drop\n  }`);
    chains.push(`  chain i${n} {\n    ${ND_IN}\n${lines('ingress').map((l) => `    ${l}\n`).join('')}    drop\n  }`);
  });
  const key = (x: SecuredPort) => (layout.routed ? `"${x.hostIf}"` : `"${x.bridge}" . ${x.nested ? x.parentMac : x.port.mac}`);
  const { chains: dispatch, outMap: o, inMap: i } = dispatchByKey(ports, key);
  chains.push(...dispatch);
  outMap.push(...o);
  inMap.push(...i);
  const [inKey, outKey] = layout.routed ? ['iifname', 'oifname'] : ['iifname . ether saddr', 'oifname . ether daddr'];
  const forward = [
    '    type filter hook forward priority 0; policy accept;',
    '    ct state established,related accept',
    ...(layout.prelude ?? []).map((l) => `    ${l}`),
    ...(outMap.length ? [`    ${inKey} vmap { ${outMap.join(', ')} }`, `    ${outKey} vmap { ${inMap.join(', ')} }`] : []),
  ];
  const extra = layout.extra?.length ? `${layout.extra.join('\n')}\n` : '';
  return `table inet ${table} {\n${sets.join('\n')}${sets.length ? '\n' : ''}${extra}  chain forward {\n${forward.join('\n')}\n  }\n${chains.join('\n')}\n}\n`;
}

/**
 * Each port's chains by its map key (`key`). Where nested ports share their parent's key, the key
 * jumps to a dispatch chain that goes to a nested port's chain by its address (the sender's on
 * the way out, the receiver's on the way in) and to the parent's for the rest; a `goto` so the
 * chain's verdict returns to the forward chain, as a direct jump's would.
 */
function dispatchByKey(ports: SecuredPort[], key: (x: SecuredPort) => string): { chains: string[]; outMap: string[]; inMap: string[] } {
  const byIf = new Map<string, { own?: number; nested: { n: number; port: PortSpec }[] }>();
  ports.forEach((x, n) => {
    const k = key(x);
    const entry = byIf.get(k) ?? { nested: [] };
    if (x.nested) entry.nested.push({ n, port: x.port }); else entry.own = n;
    byIf.set(k, entry);
  });
  const chains: string[] = [];
  const outMap: string[] = [];
  const inMap: string[] = [];
  let d = 0;
  for (const [k, { own, nested }] of byIf) {
    if (!nested.length) {
      outMap.push(`${k} : jump o${own}`);
      inMap.push(`${k} : jump i${own}`);
      continue;
    }
    for (const [dir, peer, map] of [['o', 'saddr', outMap], ['i', 'daddr', inMap]] as const) {
      const lines = ([4, 6] as const).flatMap((v) => {
        const entries = nested.flatMap(({ n, port }) => port.addresses.filter((a) => a.version === v).map((a) => `${a.ip} : goto ${dir}${n}`));
        return entries.length ? [`    ${v === 4 ? 'ip' : 'ip6'} ${peer} vmap { ${entries.join(', ')} }`] : [];
      });
      if (own !== undefined) lines.push(`    goto ${dir}${own}`);
      chains.push(`  chain d${dir}${d} {\n${lines.join('\n')}\n  }`);
      map.push(`${k} : jump d${dir}${d}`);
    }
    d++;
  }
  return { chains, outMap, inMap };
}

/** `table bridge <name>`: per-port anti-spoofing on the bridge ports of secured ports. */
export function renderAntiSpoofing(table: string, ports: SecuredPort[]): string {
  const chains: string[] = [];
  const map: string[] = [];
  ports.forEach(({ port, hostIf }, n) => {
    const macs = [...new Set([port.mac, ...port.allowedPairs.map((p) => p.mac)])];
    const v4 = [...port.addresses.filter((a) => a.version === 4).map((a) => a.ip), ...port.allowedPairs.filter((p) => !p.ip.includes(':')).map((p) => p.ip)];
    const v6 = [...port.addresses.filter((a) => a.version === 6).map((a) => a.ip), ...port.allowedPairs.filter((p) => p.ip.includes(':')).map((p) => p.ip)];
    chains.push([
      `  chain s${n} {`,
      `    ether saddr != { ${macs.join(', ')} } drop`,
      `    ether type arp arp saddr ip != { ${[...v4, '0.0.0.0'].join(', ')} } drop`,
      `    ether type ip ip saddr != { ${[...v4, '0.0.0.0'].join(', ')} } drop`,
      `    ether type ip6 ip6 saddr != { ${[...v6, 'fe80::/10', '::'].join(', ')} } drop`,
      '    return',
      '  }',
    ].join('\n'));
    map.push(`"${hostIf}" : jump s${n}`);
  });
  const pre = ['    type filter hook prerouting priority 0; policy accept;', ...(map.length ? [`    iifname vmap { ${map.join(', ')} }`] : [])];
  return `table bridge ${table} {\n  chain prerouting {\n${pre.join('\n')}\n  }\n${chains.join('\n')}\n}\n`;
}

/** Replaces `family name` atomically with `body` (the add/delete/add idiom). */
export function replaceTable(family: string, name: string, body: string): string {
  return `table ${family} ${name}\ndelete table ${family} ${name}\n${body}`;
}

// A Docker network's address pools over Neutron (IpamDriver.RequestPool / ReleasePool): where a
// pool's addresses come from — an existing subnet the user named, a subnet pool the user named,
// Pier's own pool for the CIDR (`kuryrPool-<cidr>`, as kuryr-libnetwork makes), or the default
// subnet pool — and which subnet serves a PoolID once the network exists. A pool serves one
// Docker network: a CIDR already allocated from it is refused, as Docker's own IPAM does.
import { BadRequest, Conflict, NotFound } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import { canonicalCidr, firstFreePrefix, fromBig, parseNet, type Caller } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';
import { isTrue, namedFor, OPTIONS, type PoolRef } from './options.js';
import type { RequestPoolRequest } from './protocol.js';
import { derivedIds, poolName } from './tags.js';
import { byName, gone, ignore } from './lookups.js';

/** How long RequestPool's choice for a CIDR is kept for the CreateNetwork that follows (which gets the CIDR, not the PoolID). */
const RECALL_MS = 300_000;

export class DockerPools {
  private readonly recent = new Map<string, { ref: PoolRef; at: number }>();

  constructor(private readonly k: KuryrContext) {}

  /** RequestPool: the pool's reference and CIDR; makes Pier's own subnet pool when the user named none. */
  async request(caller: Caller, req: RequestPoolRequest): Promise<PoolRef> {
    const options = req.Options ?? {};
    const version = req.V6 ? 6 : 4;
    const named = namedFor(options, req.V6);
    const asked = req.Pool ? canonicalCidr(req.Pool) : undefined;
    let ref: PoolRef;
    if (named.subnetUuid || named.subnetName) {
      const subnet = named.subnetUuid ? await this.k.networking.show(caller, 'subnet', named.subnetUuid) : await byName(this.k, caller, 'subnet', named.subnetName!);
      if (Number(subnet.ip_version) !== version) throw new BadRequest(`Subnet ${String(subnet.id)} is IPv${String(subnet.ip_version)}, not IPv${version}.`);
      if (asked && asked !== subnet.cidr) throw new BadRequest(`Subnet ${String(subnet.id)} is ${String(subnet.cidr)}, not ${asked}.`);
      ref = { source: 'subnet', id: String(subnet.id), cidr: String(subnet.cidr) };
    } else {
      const pool = named.poolUuid || named.poolName
        ? (named.poolUuid ? await this.k.networking.show(caller, 'subnetpool', named.poolUuid) : await byName(this.k, caller, 'subnetpool', named.poolName!))
        : asked ? await this.ownPool(caller, asked, isTrue(options[OPTIONS.netShared])) : await this.defaultPool(caller, version);
      if (Number(pool.ip_version) !== version) throw new BadRequest(`Subnet pool ${String(pool.id)} is IPv${String(pool.ip_version)}, not IPv${version}.`);
      const taken = await this.k.networking.list(caller, 'subnet', { subnetpool_id: String(pool.id) });
      const cidr = asked ?? freeIn(pool, taken);
      if (taken.some((s) => s.cidr === cidr)) throw new Conflict(`Pool ${cidr} overlaps with another one: subnet ${String(taken.find((s) => s.cidr === cidr)!.id)} has it.`);
      ref = { source: 'pool', id: String(pool.id), cidr };
    }
    this.remember(ref);
    return ref;
  }

  /** What the latest RequestPool chose for `cidr`, if recent. */
  recall(cidr: string): PoolRef | undefined {
    const c = this.recent.get(cidr);
    return c && Date.now() - c.at < RECALL_MS ? c.ref : undefined;
  }

  /** The subnet serving `ref`, once its network exists. */
  async subnetOf(caller: Caller, ref: PoolRef): Promise<Values | undefined> {
    if (ref.source === 'subnet') return this.k.networking.show(caller, 'subnet', ref.id).catch(gone);
    const [tagged] = await this.k.networking.list(caller, 'subnet', { cidr: ref.cidr, tags: ref.id });
    return tagged ?? (await this.k.networking.list(caller, 'subnet', { cidr: ref.cidr, subnetpool_id: ref.id }))[0];
  }

  /**
   * ReleasePool (Docker calls it before DeleteNetwork): deletes the subnet Pier made for the
   * pool, lets go of an adopted one, and deletes Pier's own subnet pool. Docker only logs a
   * failure here, so what cannot go yet (a subnet still in use) is logged and left.
   */
  async release(caller: Caller, ref: PoolRef): Promise<void> {
    if (ref.source !== 'pool') return;
    for (const s of await this.k.networking.list(caller, 'subnet', { cidr: ref.cidr, tags: ref.id })) {
      const id = String(s.id);
      if (id === derivedIds.subnet(String(s.network_id), ref.cidr)) await this.k.networking.delete(caller, 'subnet', id).catch(gone).catch(ignore(this.k, `subnet ${id}`));
      else await this.k.networking.setTags(caller, 'subnet', id, (s.tags as string[]).filter((t) => t !== ref.id)).catch(gone);
    }
    if (ref.id === derivedIds.pool(caller.projectId, ref.cidr)) await this.k.networking.delete(caller, 'subnetpool', ref.id).catch(gone).catch(ignore(this.k, `subnet pool ${ref.id}`));
    this.recent.delete(ref.cidr);
  }

  private remember(ref: PoolRef): void {
    const now = Date.now();
    for (const [cidr, c] of this.recent) if (now - c.at >= RECALL_MS) this.recent.delete(cidr);
    this.recent.set(ref.cidr, { ref, at: now });
  }

  /** Pier's own subnet pool for `cidr` (its id derived, so a retry finds it). */
  private async ownPool(caller: Caller, cidr: string, shared: boolean): Promise<Values> {
    const id = derivedIds.pool(caller.projectId, cidr);
    const found = await this.k.networking.show(caller, 'subnetpool', id).catch(gone);
    if (found) return found;
    const prefix = parseNet(cidr).prefix;
    const body = { name: poolName(cidr), prefixes: [cidr], default_prefixlen: prefix, min_prefixlen: prefix, ...(shared ? { shared } : {}) };
    return this.k.networking.create(caller, 'subnetpool', body, id).catch(async (err) => {
      const again = await this.k.networking.show(caller, 'subnetpool', id).catch(gone);
      if (again) return again;
      throw err;
    });
  }

  /** The project's default subnet pool for `version` (Neutron's `is_default`), or kuryr-libnetwork's `kuryr` / `kuryr6`. */
  private async defaultPool(caller: Caller, version: 4 | 6): Promise<Values> {
    const [dflt] = await this.k.networking.list(caller, 'subnetpool', { is_default: 'true', ip_version: String(version) });
    const [kuryr] = dflt ? [dflt] : await this.k.networking.list(caller, 'subnetpool', { name: version === 4 ? 'kuryr' : 'kuryr6', ip_version: String(version) });
    if (!kuryr) throw new NotFound(`No --subnet given and no default IPv${version} subnet pool: give --subnet, or --ipam-opt neutron.pool.name=… (or neutron.subnet.name=…).`);
    return kuryr;
  }
}

/** The first free prefix of the pool's default length. */
function freeIn(pool: Values, taken: Values[]): string {
  const len = Number(pool.default_prefixlen);
  const free = firstFreePrefix((pool.prefixes as string[]).map(parseNet), taken.map((s) => parseNet(String(s.cidr))), len);
  if (!free) throw new Conflict(`Insufficient prefix space to allocate subnet size /${len}.`, 'SubnetAllocationError');
  return `${fromBig(free.first, free.version)}/${len}`;
}

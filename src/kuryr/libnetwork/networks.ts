// A Docker network's Neutron network and subnets (NetworkDriver.CreateNetwork / DeleteNetwork):
// adopted (`-o neutron.net.uuid=` / `neutron.net.name=`, or the network of a subnet an IPAM
// option named) and then never deleted, or made by Pier (`kuryr-net-<id>`, id derived from
// Docker's); a subnet per pool, existing or made (`kuryr-subnet-<cidr>`). Either way tagged with
// the Docker id, and found by those tags afterwards (cached: every endpoint call asks).
import { Conflict, NotFound } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import { canonicalCidr, parseNet, type Caller } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';
import { byName, gone } from './lookups.js';
import { genericOptions, isTrue, namedFor, OPTIONS, type PoolRef } from './options.js';
import type { DockerPools } from './pools.js';
import { LABELS, type CreateNetworkRequest, type IpamData } from './protocol.js';
import { derivedIds, existingNetTag, idTags, INTERNAL_TAG, networkName, subnetName } from './tags.js';

export interface DockerNetwork {
  networkId: string;
  /** `--internal`: no default route for its containers. */
  internal: boolean;
  /** An existing Neutron network Docker uses: `docker network rm` leaves it. */
  adopted: boolean;
}

export class DockerNetworks {
  private readonly known = new Map<string, DockerNetwork>();

  constructor(private readonly k: KuryrContext, private readonly pools: DockerPools) {}

  /** The Neutron network of Docker network `dockerId`, if there is one. */
  async find(caller: Caller, dockerId: string): Promise<DockerNetwork | undefined> {
    const cached = this.known.get(dockerId);
    if (cached) return cached;
    const [net] = await this.k.networking.list(caller, 'network', { tags: idTags(dockerId).join(',') });
    if (!net) return undefined;
    const tags = net.tags as string[];
    const found = { networkId: String(net.id), internal: tags.includes(INTERNAL_TAG), adopted: tags.includes(existingNetTag(dockerId)) };
    this.known.set(dockerId, found);
    return found;
  }

  async get(caller: Caller, dockerId: string): Promise<DockerNetwork> {
    const found = await this.find(caller, dockerId);
    if (!found) throw new NotFound(`No Neutron network is tagged for Docker network ${dockerId}.`);
    return found;
  }

  /** CreateNetwork: the network (adopted or made) and a subnet for each pool; a retry finds what the first try made. */
  async create(caller: Caller, req: CreateNetworkRequest): Promise<void> {
    const dockerId = req.NetworkID;
    const options = genericOptions(req.Options);
    const internal = isTrue(req.Options?.[LABELS.internal]);
    const data = [...(req.IPv4Data ?? []), ...(req.IPv6Data ?? [])].filter((d) => d.Pool);
    const refs = new Map(data.map((d) => [canonicalCidr(d.Pool), this.pools.recall(canonicalCidr(d.Pool))]));
    const ours = [...idTags(dockerId), ...(internal ? [INTERNAL_TAG] : [])];
    let net = await this.adopted(caller, options, [...refs.values()]);
    if (net) {
      if (options[OPTIONS.netShared] !== undefined && Boolean(net.shared) !== isTrue(options[OPTIONS.netShared])) {
        throw new Conflict(`Network ${String(net.id)} has shared=${String(net.shared)}, which conflicts with the given option shared=${String(isTrue(options[OPTIONS.netShared]))}.`);
      }
      await this.tag(caller, 'network', net, [...ours, existingNetTag(dockerId)]);
    } else {
      net = await this.ensure(caller, 'network', derivedIds.network(dockerId), {
        name: networkName(dockerId), admin_state_up: true, ...(isTrue(options[OPTIONS.netShared]) ? { shared: true } : {}),
      });
      await this.tag(caller, 'network', net, ours);
    }
    const networkId = String(net.id);
    for (const d of data) await this.ensureSubnet(caller, networkId, d, refs.get(canonicalCidr(d.Pool)), options);
    this.known.set(dockerId, { networkId, internal, adopted: net.id !== derivedIds.network(dockerId) });
  }

  /** DeleteNetwork: the subnets Pier made go, then the network — unless it was adopted, which only loses its tags. */
  async delete(caller: Caller, dockerId: string): Promise<void> {
    const found = await this.find(caller, dockerId);
    this.known.delete(dockerId);
    if (!found) return;
    const { networkId } = found;
    for (const s of await this.k.networking.list(caller, 'subnet', { network_id: networkId })) {
      if (s.id === derivedIds.subnet(networkId, String(s.cidr))) await this.k.networking.delete(caller, 'subnet', String(s.id)).catch(gone);
    }
    if (!found.adopted) {
      await this.k.networking.delete(caller, 'network', networkId).catch(gone);
      return;
    }
    const net = await this.k.networking.show(caller, 'network', networkId).catch(gone);
    const drop = new Set([...idTags(dockerId), existingNetTag(dockerId), INTERNAL_TAG]);
    if (net) await this.k.networking.setTags(caller, 'network', networkId, (net.tags as string[]).filter((t) => !drop.has(t)));
  }

  /** The existing network the options name, directly or through the subnet a pool came from. */
  private async adopted(caller: Caller, options: Record<string, string>, refs: (PoolRef | undefined)[]): Promise<Values | undefined> {
    if (options[OPTIONS.netUuid]) return this.k.networking.show(caller, 'network', options[OPTIONS.netUuid]!);
    if (options[OPTIONS.netName]) return byName(this.k, caller, 'network', options[OPTIONS.netName]!);
    const subnet = refs.find((r) => r?.source === 'subnet');
    if (!subnet) return undefined;
    const s = await this.k.networking.show(caller, 'subnet', subnet.id);
    return this.k.networking.show(caller, 'network', String(s.network_id));
  }

  /**
   * The subnet of one pool on the network: the existing one of that CIDR (tagged with the
   * pool, so RequestAddress finds it), or a new one with Docker's gateway, from the pool.
   */
  private async ensureSubnet(caller: Caller, networkId: string, d: IpamData, ref: PoolRef | undefined, options: Record<string, string>): Promise<void> {
    const cidr = canonicalCidr(d.Pool);
    const version = parseNet(cidr).version;
    const poolId = ref ? (ref.source === 'pool' ? ref.id : undefined) : await this.poolFor(caller, cidr, options, version === 6);
    const [existing] = await this.k.networking.list(caller, 'subnet', { network_id: networkId, cidr });
    if (existing) {
      if (poolId) await this.tag(caller, 'subnet', existing, [poolId]);
      return;
    }
    if (ref?.source === 'subnet') throw new Conflict(`Subnet ${ref.id} is not on network ${networkId}.`);
    const gateway = d.Gateway?.split('/')[0];
    const subnet = await this.ensure(caller, 'subnet', derivedIds.subnet(networkId, cidr), {
      name: subnetName(cidr), network_id: networkId, ip_version: version, cidr,
      ...(poolId ? { subnetpool_id: poolId } : {}),
      // An IPAM that found no gateway answers 0.0.0.0/0 (as kuryr-libnetwork does): a subnet without one.
      ...(gateway ? { gateway_ip: gateway === '0.0.0.0' || gateway === '::' ? null : gateway } : {}),
    });
    if (poolId) await this.tag(caller, 'subnet', subnet, [poolId]);
  }

  /** Without RequestPool's choice (Pier restarted in between, or another IPAM driver): Pier's own pool for the CIDR, or the one `-o` names. */
  private async poolFor(caller: Caller, cidr: string, options: Record<string, string>, v6: boolean): Promise<string | undefined> {
    const own = await this.k.networking.show(caller, 'subnetpool', derivedIds.pool(caller.projectId, cidr)).catch(gone);
    if (own) return String(own.id);
    const named = namedFor(options, v6);
    if (named.poolUuid) return named.poolUuid;
    return named.poolName ? String((await byName(this.k, caller, 'subnetpool', named.poolName)).id) : undefined;
  }

  /** Creates `kind` with `id`, or finds the one a previous try made. */
  private async ensure(caller: Caller, kind: 'network' | 'subnet', id: string, body: Record<string, unknown>): Promise<Values> {
    const found = await this.k.networking.show(caller, kind, id).catch(gone);
    if (found) return found;
    return this.k.networking.create(caller, kind, body, id).catch(async (err) => {
      const again = await this.k.networking.show(caller, kind, id).catch(gone);
      if (again) return again;
      throw err;
    });
  }

  /** Adds `tags` to what the resource has, when any is missing. */
  private async tag(caller: Caller, kind: 'network' | 'subnet', r: Values, tags: string[]): Promise<void> {
    const have = r.tags as string[];
    if (tags.every((t) => have.includes(t))) return;
    r.tags = await this.k.networking.setTags(caller, kind, String(r.id), [...new Set([...have, ...tags])]);
  }
}

// The checks Magnum makes of a template's (and cluster's) OpenStack resources before it stores
// anything (attr_validator.py): the image exists and has os_distro, flavors exist, the external
// network is router:external, fixed network/subnet exist; a keypair only once a cluster uses it
// (a template may name one made later).
import { loadImage, imageCaller } from '../image/index.js';
import type { Caller } from '../networking/index.js';
import type { Magnum } from './context.js';
import {
  ExternalNetworkNotFound, FixedNetworkNotFound, FixedSubnetNotFound, FlavorNotFound, ImageNotFound, KeyPairNotFound, MultipleMatches, OSDistroFieldNotFound,
} from './errors.js';

const status = (e: unknown) => (e as { status?: number }).status;

/** The image's os_distro (ImageNotFound / OSDistroFieldNotFound otherwise). */
export async function validateImage(m: Magnum, caller: Caller, image: string): Promise<string> {
  const id = await m.compute.findImage(caller, image);
  if (!id) throw new ImageNotFound(image);
  const row = await loadImage(m.store, imageCaller(caller.auth), id).catch((e) => { if (status(e) === 404) throw new ImageNotFound(image); throw e; });
  const distro = (JSON.parse(row.properties) as Record<string, string>)['os_distro'];
  if (!distro) throw new OSDistroFieldNotFound(image);
  return distro;
}

export async function validateFlavor(m: Magnum, caller: Caller, flavor: string | null): Promise<void> {
  if (flavor === null) return;
  if (!(await m.compute.findFlavor(caller, flavor))) throw new FlavorNotFound(flavor);
}

export async function validateKeypair(m: Magnum, caller: Caller, keypair: string | null): Promise<void> {
  if (keypair === null) return;
  await m.compute.showKeypair(caller, keypair).catch((e) => { if (status(e) === 404) throw new KeyPairNotFound(keypair); throw e; });
}

/** The external network's id. */
export async function validateExternalNetwork(m: Magnum, caller: Caller, network: string): Promise<string> {
  const nets = (await m.networking.list(caller, 'network', { 'router:external': 'true' })).filter((n) => n['id'] === network || n['name'] === network);
  if (!nets.length) throw new ExternalNetworkNotFound(network);
  if (nets.length > 1) throw new MultipleMatches(`Multiple external networks exist with same name '${network}'. Please use the external network ID instead.`);
  return String(nets[0]!['id']);
}

export async function validateFixedNetwork(m: Magnum, caller: Caller, network: string | null): Promise<void> {
  if (network === null) return;
  const nets = (await m.networking.list(caller, 'network')).filter((n) => n['id'] === network || n['name'] === network);
  if (!nets.length) throw new FixedNetworkNotFound(network);
  if (nets.length > 1) throw new MultipleMatches(`Multiple networks exist with same name '${network}'. Please use the network ID instead.`);
}

export async function validateFixedSubnet(m: Magnum, caller: Caller, subnet: string | null): Promise<void> {
  if (subnet === null) return;
  const subs = (await m.networking.list(caller, 'subnet')).filter((n) => n['id'] === subnet || n['name'] === subnet);
  if (!subs.length) throw new FixedSubnetNotFound(subnet);
  if (subs.length > 1) throw new MultipleMatches(`Multiple subnets exist with same name '${subnet}'. Please use the subnet ID instead.`);
}

/** Everything a template (with a cluster's overrides) names. Answers the image's os_distro. */
export async function validateResources(m: Magnum, caller: Caller, t: {
  image_id: string; flavor_id: string | null; master_flavor_id: string | null;
  external_network_id: string | null; fixed_network: string | null; fixed_subnet: string | null;
}): Promise<string> {
  const distro = await validateImage(m, caller, t.image_id);
  await validateFlavor(m, caller, t.flavor_id);
  await validateFlavor(m, caller, t.master_flavor_id);
  if (t.external_network_id !== null) await validateExternalNetwork(m, caller, t.external_network_id);
  await validateFixedNetwork(m, caller, t.fixed_network);
  await validateFixedSubnet(m, caller, t.fixed_subnet);
  return distro;
}

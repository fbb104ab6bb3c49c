// The IpamDriver calls of the remote IPAM protocol. Pools come from Neutron subnet pools and
// subnets (pools.ts); a container's address is a Neutron port's (endpoint-ports.ts), answered
// with the prefix the dataplane gives the far end (/32 on the routed dataplane). A gateway asked
// for before the network's subnet exists is the one the subnet will get: the one given, or
// Neutron's default.
import { BadRequest, Conflict, NotFound } from '../../core/errors.js';
import { defaultGateway, fromBig, parseNet } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';
import type { EndpointPorts } from './endpoint-ports.js';
import { addressSpec } from './network-driver.js';
import { decodePoolId, encodePoolId, type PoolRef } from './options.js';
import type { DockerPools } from './pools.js';
import { LABELS, type ReleaseAddressRequest, type RequestAddressRequest, type RequestPoolRequest } from './protocol.js';
import type { Handlers } from './server.js';

export function ipamDriver(k: KuryrContext, pools: DockerPools, ports: EndpointPorts): Handlers {
  const poolOf = (poolId: string): PoolRef => {
    const ref = decodePoolId(poolId);
    if (!ref) throw new BadRequest(`Pool ${poolId} is not one of Kuryr's.`);
    return ref;
  };
  return {
    // Docker gives the MAC it chose at RequestAddress: a port can be keyed by it before the endpoint exists.
    'IpamDriver.GetCapabilities': () => ({ RequiresMACAddress: true, RequiresRequestReplay: false }),
    // OpenStack: Neutron has no address spaces (kuryr-libnetwork's defaults).
    'IpamDriver.GetDefaultAddressSpaces': () => ({ LocalDefaultAddressSpace: 'no_address_space', GlobalDefaultAddressSpace: 'no_address_space' }),
    'IpamDriver.RequestPool': async (req: RequestPoolRequest, caller) => {
      const ref = await pools.request(caller, req);
      return { PoolID: encodePoolId(ref), Pool: ref.cidr, Data: {} };
    },
    'IpamDriver.ReleasePool': async (req: { PoolID: string }, caller) => {
      await pools.release(caller, poolOf(req.PoolID));
      return {};
    },

    'IpamDriver.RequestAddress': async (req: RequestAddressRequest, caller) => {
      const ref = poolOf(req.PoolID);
      const options = req.Options ?? {};
      const net = parseNet(ref.cidr);
      const subnet = await pools.subnetOf(caller, ref);
      if (options[LABELS.requestAddressType] === LABELS.gateway) {
        if (!subnet) {
          const gw = req.Address || (defaultGateway(net) === null ? '' : fromBig(defaultGateway(net)!, net.version));
          return { Address: gw ? `${gw}/${net.prefix}` : net.version === 4 ? '0.0.0.0/0' : '::/0', Data: {} };
        }
        const gw = subnet.gateway_ip as string | null;
        if (req.Address && req.Address !== gw) throw new Conflict(`Requested gateway ${req.Address} does not match gateway ${String(gw)} of subnet ${String(subnet.id)}.`);
        return { Address: gw ? `${gw}/${net.prefix}` : net.version === 4 ? '0.0.0.0/0' : '::/0', Data: {} };
      }
      if (!subnet) throw new NotFound(`No Neutron subnet serves pool ${req.PoolID}.`);
      const ip = await ports.reserve(caller, subnet, options[LABELS.macAddress] || undefined, req.Address || undefined);
      return { Address: `${ip}/${k.plugger.farEnd([addressSpec(subnet, ip)]).addresses[0]!.prefix}`, Data: {} };
    },
    'IpamDriver.ReleaseAddress': async (req: ReleaseAddressRequest, caller) => {
      const subnet = await pools.subnetOf(caller, poolOf(req.PoolID));
      if (subnet && req.Address) await ports.releaseAddress(caller, subnet, req.Address.split('/')[0]!);
      return {};
    },
  };
}

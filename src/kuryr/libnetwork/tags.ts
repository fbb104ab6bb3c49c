// How Neutron objects are tied to Docker's: kuryr-libnetwork's tags and names (so tools written
// for it find a Docker network's Neutron network by its Docker id), and the ids Pier derives
// from Docker's, so a retried call finds what the first try made and a release deletes exactly that.
import { derivedUuid } from '../container-ports.js';

/** kuryr-libnetwork's tags: a Docker id in two halves (Neutron tags hold at most 64 characters, but kuryr splits at 32). */
export function idTags(dockerId: string): string[] {
  return [`kuryr.net.uuid.lh:${dockerId.slice(0, 32)}`, ...(dockerId.length > 32 ? [`kuryr.net.uuid.uh:${dockerId.slice(32, 64)}`] : [])];
}

/** On an existing Neutron network a Docker network adopted (never deleted by `docker network rm`). */
export const existingNetTag = (dockerId: string) => `kuryr.net.existing:${dockerId.slice(0, 12)}`;
/** On an existing port a container took with `--ip` (reset, not deleted, when it is let go). */
export const EXISTING_PORT_TAG = 'kuryr.port.existing';
/** On a Docker network made `--internal`: its containers get no default route. */
export const INTERNAL_TAG = 'kuryr.net.internal';

export const networkName = (dockerId: string) => `kuryr-net-${dockerId.slice(0, 8)}`;
export const subnetName = (cidr: string) => `kuryr-subnet-${cidr}`;
export const poolName = (cidr: string) => `kuryrPool-${cidr}`;
export const portName = (endpointId: string) => `${endpointId}-port`;
/** A port holding an address Docker asked for before the endpoint exists. */
export const UNBOUND_PORT_NAME = 'kuryr-unbound-port';
export const exposeGroupName = (portId: string) => `${portId}-exposed_ports`;

/** The ids of what Pier makes for Docker. */
export const derivedIds = {
  network: (dockerId: string) => derivedUuid(`docker:network:${dockerId}`),
  subnet: (networkId: string, cidr: string) => derivedUuid(`docker:subnet:${networkId}:${cidr}`),
  pool: (projectId: string, cidr: string) => derivedUuid(`docker:pool:${projectId}:${cidr}`),
  /** An endpoint's port: Docker's MAC is known at RequestAddress, the endpoint only later. */
  port: (networkId: string, mac: string) => derivedUuid(`docker:port:${networkId}:${mac.toLowerCase()}`),
  /** A port holding an auxiliary address (`--aux-address`). */
  auxPort: (subnetId: string, ip: string) => derivedUuid(`docker:aux:${subnetId}:${ip}`),
  exposeGroup: (portId: string) => derivedUuid(`docker:expose:${portId}`),
};

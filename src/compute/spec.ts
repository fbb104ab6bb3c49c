// A server's desired container as the runtime gets it (plain data): image file, ports with their
// addresses, flavor limits, key and user data, whether it is a container host — read fresh from
// the rows for every sync.
import { imagePath } from '../image/index.js';
import type { Store } from '../store/index.js';
import type { ComputeContext } from './context.js';
import { serverPorts, serviceCaller } from './ports.js';
import type { ServerPortSpec, ServerSpec } from './runtime/driver.js';
import type { ServerRow } from './server-view.js';

/**
 * The image property that makes a server a container host. Honoured only on a public image owned
 * by the admin project: making an image public is admin-only in Glance, so a tenant cannot give
 * its own servers the host's capabilities and cgroups.
 */
export const CONTAINER_HOST_PROPERTY = 'pier_container_host';

async function isContainerHostImage(store: Store, image: { visibility: string; owner: string | null; properties: string } | undefined): Promise<boolean> {
  if (!image || image.visibility !== 'public' || image.owner === null) return false;
  if ((JSON.parse(image.properties) as Record<string, string>)[CONTAINER_HOST_PROPERTY] !== 'true') return false;
  const admin = await store.db.selectFrom('projects').select('id').where('name', '=', 'admin').where('domain_id', '=', 'default').executeTakeFirst();
  return admin?.id === image.owner;
}

export async function serverSpec(store: Store, ctx: Pick<ComputeContext, 'networking' | 'dataDir'> & ComputeContext, s: ServerRow): Promise<ServerSpec> {
  const image = await store.db.selectFrom('images').select(['id', 'container_format', 'disk_format', 'visibility', 'owner', 'properties']).where('id', '=', s.image_id).executeTakeFirst();
  const ports = (await serverPorts(ctx, [s.id])).get(s.id) ?? [];
  const admin = serviceCaller(s.project_id);
  const subnets = new Map<string, { prefix: number; gateway: string | null }>();
  const mtus = new Map<string, number>();
  const specs: ServerPortSpec[] = [];
  for (const p of ports) {
    const netId = String(p.network_id);
    if (!mtus.has(netId)) mtus.set(netId, Number((await ctx.networking.show(admin, 'network', netId)).mtu ?? 1450));
    const ips: ServerPortSpec['ips'] = [];
    for (const f of (p.fixed_ips as { subnet_id: string; ip_address: string }[]) ?? []) {
      if (!subnets.has(f.subnet_id)) {
        const sn = await ctx.networking.show(admin, 'subnet', f.subnet_id);
        subnets.set(f.subnet_id, { prefix: Number(String(sn.cidr).split('/')[1]), gateway: (sn.gateway_ip as string | null) ?? null });
      }
      const sn = subnets.get(f.subnet_id)!;
      ips.push({ address: f.ip_address, prefixLength: sn.prefix, gateway: sn.gateway, version: f.ip_address.includes(':') ? 6 : 4 });
    }
    specs.push({ id: String(p.id), mac: String(p.mac_address), ips, mtu: mtus.get(netId)! });
  }
  const flavor = JSON.parse(s.flavor) as { vcpus: number; ram: number };
  return {
    id: s.id, hostname: s.hostname,
    image: { id: s.image_id, path: imagePath(ctx.dataDir, s.image_id), containerFormat: image?.container_format ?? null, diskFormat: image?.disk_format ?? null },
    ports: specs, vcpus: flavor.vcpus, ramMb: flavor.ram, keyData: s.key_data, userData: s.user_data, metadata: JSON.parse(s.metadata),
    containerHost: await isContainerHostImage(store, image),
  };
}

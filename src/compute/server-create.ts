// `POST /servers`: Nova's checks of the body (name, imageRef, flavorRef, networks, key_name,
// user_data, metadata, security_groups, min/max_count), quotas, the ports, then the rows in
// BUILD — the controller takes it from there. Bad input changes nothing.
import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { BadRequest, NotFound } from '../core/errors.js';
import { newUuid, isoSeconds } from '../core/ids.js';
import { imageCaller, loadImage } from '../image/index.js';
import type { Store } from '../store/index.js';
import type { ComputeContext, NovaCaller } from './context.js';
import { QuotaExceeded, ValidationError } from './errors.js';
import { loadFlavor } from './flavors.js';
import { atLeast, type Asked } from './microversion.js';
import { allocatePorts, planNetworks, releasePorts, resolveSecurityGroups, type NetworkRequest } from './ports.js';
import { computeUsage, quotaLimit } from './quotas.js';
import { recordAction } from './instance-actions.js';
import { POWER, type ServerRow } from './server-view.js';
import { hintedGroup, joinGroup } from './server-groups.js';
import { DEFAULT_ZONE, hostZones } from './compute-services.js';
import { planBlockDevices, ROOT_DEVICE, type BlockDevicePlan } from './block-devices.js';
import { nextDevice } from './volume-attachments.js';

const ALLOWED = ['name', 'imageRef', 'flavorRef', 'networks', 'security_groups', 'key_name', 'user_data', 'metadata', 'min_count', 'max_count',
  'availability_zone', 'accessIPv4', 'accessIPv6', 'config_drive', 'adminPass', 'OS-DCF:diskConfig', 'return_reservation_id', 'block_device_mapping_v2', 'personality'];

/** The last path segment of an href, or the id itself. */
const idOf = (ref: string) => ref.split('/').filter(Boolean).at(-1) ?? ref;

/** RFC 952/1123 hostname from a display name, as Nova sanitises it. */
export function hostnameOf(name: string): string {
  const h = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').slice(0, 63).replace(/[.-]+$/, '');
  return h || 'server';
}

/** An access address as Nova keeps it: checked, and an IPv6 one in its canonical short form. */
export function accessIp(k: 'accessIPv4' | 'accessIPv6', v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  const bad = () => new ValidationError(k, v, `'${String(v)}' is not a '${k === 'accessIPv4' ? 'ipv4' : 'ipv6'}'`);
  if (typeof v !== 'string') throw bad();
  if (k === 'accessIPv4') {
    if (!ipaddr.IPv4.isValidFourPartDecimal(v)) throw bad();
    return v;
  }
  if (!ipaddr.IPv6.isValid(v)) throw bad();
  // OpenStack: Nova stores netaddr's form (`::babe:dc0c:1602` for `0:…:babe:220.12.22.2`).
  return ipaddr.IPv6.parse(v).toRFC5952String();
}

export function checkMetadata(path: string, metadata: unknown): Record<string, string> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new ValidationError(path, metadata, `${JSON.stringify(metadata)} is not of type 'object'`);
  for (const [k, v] of Object.entries(metadata)) {
    if (!k.length || k.length > 255) throw new ValidationError(path, metadata, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v !== 'string') throw new ValidationError(`${path}.${k}`, v, `${JSON.stringify(v)} is not of type 'string'`);
    if (v.length > 255) throw new ValidationError(`${path}.${k}`, v, `'${v}' is too long`);
  }
  return metadata as Record<string, string>;
}

function checkCount(key: string, v: unknown): number {
  if (v === undefined) return 1;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ValidationError(key, v, `${JSON.stringify(v)} is not of type 'integer', 'string'`);
  if (n < 1) throw new ValidationError(key, v, `${n} is less than the minimum of 1`);
  return n;
}

/** How many servers the project's instances/cores/ram quotas allow (up to `wanted`); 403 below `min`. */
async function allowedCount(store: Store, projectId: string, vcpus: number, ram: number, min: number, wanted: number): Promise<number> {
  const used = await computeUsage(store, projectId);
  const each: [string, number, number][] = [['instances', 1, used.instances], ['cores', vcpus, used.cores], ['ram', ram, used.ram]];
  let n = wanted;
  for (const [resource, per, inUse] of each) {
    const limit = await quotaLimit(store, projectId, resource);
    if (limit < 0) continue;
    const fits = Math.floor((limit - inUse) / per);
    if (fits < min) throw new QuotaExceeded(resource, per * min, inUse, limit);
    n = Math.min(n, fits);
  }
  return n;
}

/** Reserves the server's volumes: the root at /dev/vda, the others at their (or the next) device. */
async function attachBlockDevices(ctx: ComputeContext, caller: NovaCaller, row: ServerRow, plan: BlockDevicePlan): Promise<void> {
  if (!ctx.volumes) return;
  const taken: (string | null)[] = [];
  if (plan.root) {
    await ctx.volumes.api.attachToServer(caller, { volumeId: plan.root.volumeId, serverId: row.id, host: row.host, device: ROOT_DEVICE, tag: null, deleteOnTermination: plan.root.deleteOnTermination });
    taken.push(ROOT_DEVICE);
  }
  for (const x of plan.extras) {
    const device = x.device ?? nextDevice(taken);
    taken.push(device);
    await ctx.volumes.api.attachToServer(caller, { volumeId: x.volumeId, serverId: row.id, host: row.host, device, tag: x.tag, deleteOnTermination: x.deleteOnTermination });
  }
}

/** What a create call brings besides the body: the request id (instance actions) and, for an
 * in-process caller that must find its server after a crash, the new server's id. */
export interface CreateOptions { readonly requestId: string; readonly id?: string }

/** Creates from a `{"server": …}` body as `caller`, under `req`'s microversion. */
export async function createServers(ctx: ComputeContext, caller: NovaCaller, body: { server?: Record<string, unknown>; 'os:scheduler_hints'?: unknown; 'OS-SCH-HNT:scheduler_hints'?: unknown } | null, req: Asked, opts: CreateOptions): Promise<{ first: ServerRow; reservationId: string; adminPass: string; all: ServerRow[] }> {
  const s = body?.server;
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new ValidationError('server', body, "'server' is a required property");
  const allowed = new Set([...ALLOWED, ...(atLeast(req, 2, 19) ? ['description'] : []), ...(atLeast(req, 2, 52) ? ['tags'] : [])]);
  for (const k of Object.keys(s)) if (!allowed.has(k)) throw new ValidationError('server', s, `Additional properties are not allowed ('${k}' was unexpected)`);
  const name = s.name;
  if (name === undefined) throw new ValidationError('server', s, "'name' is a required property");
  if (typeof name !== 'string' || !name.length || name.length > 255 || name !== name.trim()) throw new ValidationError('name', name, `'${String(name)}' is not a valid name`);
  const devices = await planBlockDevices(ctx, caller, s.block_device_mapping_v2);
  // OpenStack: a server booted from a volume has no image of its own (it shows "").
  if (devices.root) s.imageRef = '';
  else if (s.imageRef === undefined || s.imageRef === '') throw new BadRequest('Missing imageRef attribute');
  if (typeof s.imageRef !== 'string') throw new ValidationError('imageRef', s.imageRef, `${JSON.stringify(s.imageRef)} is not of type 'string'`);
  if (s.flavorRef === undefined) throw new ValidationError('server', s, "'flavorRef' is a required property");
  if (typeof s.flavorRef !== 'string' && typeof s.flavorRef !== 'number') throw new ValidationError('flavorRef', s.flavorRef, "is not of type 'string', 'integer'");
  const minCount = checkCount('min_count', s.min_count);
  const maxCount = s.max_count === undefined ? minCount : checkCount('max_count', s.max_count);
  if (minCount > maxCount) throw new BadRequest('min_count must be <= max_count');
  const metadata = s.metadata === undefined ? {} : checkMetadata('metadata', s.metadata);
  const metadataLimit = await quotaLimit(ctx.store, caller.projectId, 'metadata_items');
  if (metadataLimit >= 0 && Object.keys(metadata).length > metadataLimit) throw new QuotaExceeded('metadata_items', Object.keys(metadata).length, 0, metadataLimit);
  let userData: string | null = null;
  if (s.user_data !== undefined && s.user_data !== null) {
    const u = s.user_data;
    if (typeof u !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(u) || u.length > 65535) throw new ValidationError('user_data', u, `${JSON.stringify(u)} is not a 'base64'`);
    userData = u;
  }
  const access = { accessIPv4: accessIp('accessIPv4', s.accessIPv4), accessIPv6: accessIp('accessIPv6', s.accessIPv6) };
  if (s.description !== undefined && s.description !== null && (typeof s.description !== 'string' || s.description.length > 255)) throw new ValidationError('description', s.description, 'is not a valid description');
  const tags = s.tags === undefined ? [] : s.tags;
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || !t || t.length > 60 || /[/,]/.test(t))) throw new ValidationError('tags', tags, 'is not a valid list of tags');
  // One host: a server lands in this host's zone (its aggregate's, else the default).
  const zone = (await hostZones(ctx.store)).get(ctx.host) ?? DEFAULT_ZONE;
  const az = s.availability_zone;
  if (az !== undefined && az !== null && az !== zone) throw new BadRequest(`The requested availability zone is not available`);

  // What the request names must exist: image, flavor, key, networks, security groups.
  const imageId = idOf(s.imageRef);
  // A server booted from a volume needs no image (the one the volume was made from is only shown).
  const image = devices.root && !imageId ? { id: '', status: 'active', min_ram: 0, min_disk: 0 }
    : await loadImage(ctx.store, imageCaller(caller.auth), imageId).catch((e) => { throw e instanceof NotFound ? new BadRequest(`Image ${imageId} could not be found.`) : e; });
  if (image.status !== 'active') throw new BadRequest(`Image ${imageId} is not active.`);
  if (devices.root && maxCount > 1) throw new BadRequest('Unable to launch multiple instances booted from one volume.');
  const flavor = await loadFlavor(ctx.store, caller, idOf(String(s.flavorRef))).catch((e) => { throw e instanceof NotFound ? new BadRequest('Invalid flavorRef provided.') : e; });
  if (image.min_ram > flavor.ram) throw new BadRequest("Flavor's memory is too small for requested image.");
  if (flavor.disk > 0 && image.min_disk > flavor.disk) throw new BadRequest("Flavor's disk is too small for requested image.");
  let keyData: string | null = null;
  if (s.key_name !== undefined && s.key_name !== null) {
    if (typeof s.key_name !== 'string') throw new ValidationError('key_name', s.key_name, "is not of type 'string'");
    const k = await ctx.store.db.selectFrom('keypairs').select('public_key').where('user_id', '=', caller.userId).where('name', '=', s.key_name).executeTakeFirst();
    if (!k) throw new BadRequest('Invalid key_name provided.');
    keyData = k.public_key;
  }
  const user = ctx.networking.callerFor(caller.auth);
  const plan: NetworkRequest[] = await planNetworks(ctx, user, s.networks, atLeast(req, 2, 37));
  if (maxCount > 1 && plan.some((r) => 'port' in r)) throw new BadRequest('Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.');
  const sgRaw = s.security_groups ?? [{ name: 'default' }];
  if (!Array.isArray(sgRaw) || sgRaw.some((g) => !g || typeof (g as { name?: unknown }).name !== 'string')) throw new ValidationError('security_groups', sgRaw, "is not a valid list of {'name': …}");
  const sgNames = [...new Set((sgRaw as { name: string }[]).map((g) => g.name))];
  const sgIds = plan.length ? await resolveSecurityGroups(ctx, user, sgNames) : [];

  const group = await hintedGroup(ctx.store, caller, body?.['os:scheduler_hints'] ?? body?.['OS-SCH-HNT:scheduler_hints']);

  const count = await allowedCount(ctx.store, caller.projectId, flavor.vcpus, flavor.ram, minCount, maxCount);
  const reservationId = `r-${randomBytes(4).toString('hex')}`;
  const adminPass = typeof s.adminPass === 'string' ? s.adminPass : randomBytes(9).toString('base64url');
  const made: ServerRow[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const id = count === 1 && opts.id ? opts.id : newUuid();
      const now = isoSeconds();
      const display = count > 1 ? `${name}-${i + 1}` : name;
      const ports = await allocatePorts(ctx, caller.projectId, id, plan, sgIds, s.security_groups === undefined);
      const row: ServerRow = {
        id, name: display, project_id: caller.projectId, user_id: caller.userId, image_id: image.id, flavor_id: flavor.id, flavor: JSON.stringify(flavor),
        key_name: (s.key_name as string | undefined) ?? null, key_data: keyData, user_data: userData, vm_state: 'building', task_state: 'scheduling',
        power_state: POWER.NOSTATE, fault: null, metadata: JSON.stringify(metadata), tags: JSON.stringify(tags), security_groups: JSON.stringify(sgNames),
        access_ipv4: access.accessIPv4, access_ipv6: access.accessIPv6, description: (s.description as string | undefined) ?? null,
        hostname: hostnameOf(display), host: ctx.host, availability_zone: zone, config_drive: s.config_drive === true || s.config_drive === 'True' ? 'True' : '',
        reservation_id: reservationId, launch_index: i, locked: 0, locked_reason: null, created_ports: JSON.stringify(ports.created),
        created_at: now, updated_at: now, launched_at: null, terminated_at: null,
      };
      try {
        await ctx.store.tx(async (tx) => {
          await tx.db.insertInto('servers').values(row).execute();
          if (group) await joinGroup(tx, group, id);
          await recordAction(tx, id, 'create', { projectId: caller.projectId, userId: caller.userId, requestId: opts.requestId });
          await tx.emit({ resource: 'server', id, action: 'create', projectId: row.project_id });
        });
      } catch (err) {
        await releasePorts(ctx, caller.projectId, id, ports.created, ports.bound);
        throw err;
      }
      made.push(row);
      await attachBlockDevices(ctx, caller, row, devices);
    }
  } catch (err) {
    // All or nothing: servers made before the failure go too.
    for (const row of made) {
      await ctx.volumes?.servers.release(row.id, null);
      await releasePorts(ctx, row.project_id, row.id, JSON.parse(row.created_ports) as string[]);
      await ctx.store.tx(async (tx) => { await tx.db.deleteFrom('instance_actions').where('server_id', '=', row.id).execute(); await tx.db.deleteFrom('server_group_members').where('server_id', '=', row.id).execute(); await tx.db.deleteFrom('servers').where('id', '=', row.id).execute(); await tx.emit({ resource: 'server', id: row.id, action: 'delete' }); });
    }
    throw err;
  }
  for (const row of made) ctx.kick(row.id);
  return { first: made[0]!, reservationId, adminPass, all: made };
}

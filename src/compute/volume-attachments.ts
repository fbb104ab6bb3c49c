// /servers/{id}/os-volume_attachments: Nova's view of the server's volumes — list, show, attach
// (device, tag from 2.49, delete_on_termination from 2.79), detach. The attachment itself is
// Cinder's (in-process); the server's compute host mounts the volume in the container at
// /mnt/<device name> (the controller converges it on the server's events).
import type { FastifyInstance } from 'fastify';
import { BadRequest, Conflict, NotFound } from '../core/errors.js';
import type { AttachmentRow } from '../volume/index.js';
import { authorize, novaCaller, type ComputeContext, type NovaCaller } from './context.js';
import { ValidationError } from './errors.js';
import { atLeast, type Asked } from './microversion.js';
import { loadServer } from './servers.js';
import { ROOT_DEVICE } from './block-devices.js';

type P = { Params: { id: string; volume?: string } };
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DEVICE = /^(\/dev\/x?[a-z]?d?)([a-z]+)[0-9]*$/;
const ATTACHABLE = ['active', 'paused', 'stopped', 'suspended', 'shelved', 'shelved_offloaded'];

export function volumeAttachmentView(req: Asked, a: AttachmentRow): Record<string, unknown> {
  const v: Record<string, unknown> = { device: a.mountpoint, id: a.volume_id, serverId: a.instance_uuid, volumeId: a.volume_id };
  if (atLeast(req, 2, 70)) v.tag = a.tag;
  if (atLeast(req, 2, 79)) v.delete_on_termination = a.delete_on_termination === 1;
  return v;
}

/** The first of /dev/vdb, /dev/vdc … no attachment of the server has. */
export function nextDevice(taken: readonly (string | null)[]): string {
  for (let i = 1; i < 26; i++) {
    const d = `/dev/vd${String.fromCharCode(97 + i)}`;
    if (!taken.includes(d)) return d;
  }
  throw new BadRequest('No free device name is left for this server.');
}

const volumesOf = (ctx: ComputeContext) => {
  if (!ctx.volumes) throw new BadRequest('This cloud has no Block Storage service.');
  return ctx.volumes;
};

/** The server's attachments that are not gone. */
export const liveAttachments = async (ctx: ComputeContext, serverId: string) =>
  (await volumesOf(ctx).api.serverAttachments([serverId])).filter((a) => a.attach_status !== 'detached');

/** Attaches a volume to a server (Nova's checks, then Cinder's); the compute host mounts it. */
export async function attachVolume(
  ctx: ComputeContext, caller: NovaCaller, serverId: string, r: { volumeId: string; device: string | null; tag: string | null; deleteOnTermination: boolean },
): Promise<AttachmentRow> {
  const s = await loadServer(ctx, caller, serverId);
  authorize(caller, 'os_compute_api:os-volumes-attachments:create', { project_id: s.project_id });
  if (!ATTACHABLE.includes(s.vm_state) || s.task_state) throw new Conflict(`Cannot 'attach_volume' instance ${s.id} while it is in ${s.task_state ? `task_state ${s.task_state}` : `vm_state ${s.vm_state}`}`);
  const mine = await liveAttachments(ctx, s.id);
  if (mine.some((a) => a.volume_id === r.volumeId)) throw new BadRequest(`Invalid volume: volume ${r.volumeId} is already attached to instance ${s.id}`);
  if (r.device !== null && mine.some((a) => a.mountpoint === r.device)) throw new BadRequest(`The supplied device path (${r.device}) is in use.`);
  await volumesOf(ctx).api.findVolume(caller, r.volumeId).catch(() => { throw new NotFound(`Volume ${r.volumeId} could not be found.`, 'VolumeNotFound'); });
  const a = await volumesOf(ctx).api.attachToServer(caller, {
    volumeId: r.volumeId, serverId: s.id, host: s.host, device: r.device ?? nextDevice(mine.map((x) => x.mountpoint)), tag: r.tag, deleteOnTermination: r.deleteOnTermination,
  });
  ctx.kick(s.id);
  return a;
}

/** Starts detaching a volume from a server; the compute host unmounts it, then it is available. */
export async function detachVolume(ctx: ComputeContext, caller: NovaCaller, serverId: string, volumeId: string): Promise<void> {
  const s = await loadServer(ctx, caller, serverId);
  authorize(caller, 'os_compute_api:os-volumes-attachments:delete', { project_id: s.project_id });
  if (s.task_state) throw new Conflict(`Cannot 'detach_volume' instance ${s.id} while it is in task_state ${s.task_state}`);
  const a = (await liveAttachments(ctx, s.id)).find((x) => x.volume_id === volumeId);
  if (!a) throw new NotFound(`Volume ${volumeId} is not attached to the server ${s.id}`, 'VolumeBDMNotFound');
  if (a.mountpoint === ROOT_DEVICE) throw new BadRequest('Cannot detach a root device volume');
  await volumesOf(ctx).api.detachFromServer(caller, a.volume_id, s.id);
  ctx.kick(s.id);
}

export function volumeAttachmentRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const live = (serverId: string) => liveAttachments(ctx, serverId);
  scope.get<P>('/v2.1/servers/:id/os-volume_attachments', async (req) => {
    const caller = novaCaller(req);
    const s = await loadServer(ctx, caller, req.params.id);
    authorize(caller, 'os_compute_api:os-volumes-attachments:index', { project_id: s.project_id });
    return { volumeAttachments: (await live(s.id)).map((a) => volumeAttachmentView(req, a)) };
  });
  scope.get<P>('/v2.1/servers/:id/os-volume_attachments/:volume', async (req) => {
    const caller = novaCaller(req);
    const s = await loadServer(ctx, caller, req.params.id);
    authorize(caller, 'os_compute_api:os-volumes-attachments:show', { project_id: s.project_id });
    const a = (await live(s.id)).find((x) => x.volume_id === req.params.volume);
    if (!a) throw new NotFound(`Volume ${req.params.volume} is not attached to the server ${s.id}`, 'VolumeBDMNotFound');
    return { volumeAttachment: volumeAttachmentView(req, a) };
  });
  scope.post<P>('/v2.1/servers/:id/os-volume_attachments', async (req) => {
    const caller = novaCaller(req);
    const body = (req.body as { volumeAttachment?: Record<string, unknown> } | null)?.volumeAttachment;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('volumeAttachment', req.body, "'volumeAttachment' is a required property");
    const allowed = ['volumeId', 'device', ...(atLeast(req, 2, 49) ? ['tag'] : []), ...(atLeast(req, 2, 79) ? ['delete_on_termination'] : [])];
    for (const k of Object.keys(body)) if (!allowed.includes(k)) throw new ValidationError('volumeAttachment', body, `Additional properties are not allowed ('${k}' was unexpected)`);
    const volumeId = body.volumeId;
    if (typeof volumeId !== 'string' || !UUID.test(volumeId)) throw new ValidationError('volumeAttachment/volumeId', volumeId, `'${String(volumeId)}' is not a 'uuid'`);
    const device = body.device ?? null;
    if (device !== null && (typeof device !== 'string' || !DEVICE.test(device))) throw new ValidationError('volumeAttachment/device', device, `'${String(device)}' does not match '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'`);
    const tag = body.tag ?? null;
    if (tag !== null && (typeof tag !== 'string' || tag.length > 60 || /[/,]/.test(tag))) throw new ValidationError('volumeAttachment/tag', tag, `'${String(tag)}' does not match '^[^,/]*$'`);
    const dot = body.delete_on_termination ?? false;
    if (typeof dot !== 'boolean') throw new ValidationError('volumeAttachment/delete_on_termination', dot, `${JSON.stringify(dot)} is not of type 'boolean'`);
    const a = await attachVolume(ctx, caller, req.params.id, { volumeId, device: device as string | null, tag: tag as string | null, deleteOnTermination: dot });
    return { volumeAttachment: volumeAttachmentView(req, a) };
  });
  scope.delete<P>('/v2.1/servers/:id/os-volume_attachments/:volume', async (req, reply) => {
    const caller = novaCaller(req);
    await detachVolume(ctx, caller, req.params.id, String(req.params.volume));
    return reply.code(202).send();
  });
}

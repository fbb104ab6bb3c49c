// Compute's service functions for the other services (Heat resources): the same checks as the
// REST API — policy, quotas, change events — called in-process with a caller, never over HTTP.
// Answers are what the API shows that caller at `MAX_VERSION`.
import { randomUUID } from 'node:crypto';
import { NotFound } from '../core/errors.js';
import { imageCaller, loadImage } from '../image/index.js';
import type { Caller } from '../networking/index.js';
import { authorize, type ComputeContext, type NovaCaller } from './context.js';
import { changeAccess, createFlavor, deleteFlavor, flavorView, listFlavors, loadFlavor, setExtraSpecs } from './flavors.js';
import { createKeypair, deleteKeypair, showKeypair } from './keypairs.js';
import { MAX_VERSION, type ApiView } from './microversion.js';
import { createServers } from './server-create.js';
import { deleteServer, loadServer, serverViews } from './servers.js';
import { attachVolume, detachVolume, volumeAttachmentView } from './volume-attachments.js';

type Body = Record<string, unknown>;

/** Compute as another service calls it. Every function throws the API's errors (Nova's types). */
export interface ComputeService {
  /** `POST /servers` with one server (`{"server": …}`'s inside); `id` fixes the new server's id. Answers its detail view. */
  createServer(caller: Caller, body: Body, id?: string): Promise<Body>;
  /** `GET /servers/{id}`; a missing one throws Nova's NotFound. */
  showServer(caller: Caller, id: string): Promise<Body>;
  /** `DELETE /servers/{id}`: marks it deleting; it is gone once showServer throws NotFound. */
  deleteServer(caller: Caller, id: string): Promise<void>;
  /** `POST /os-keypairs`; the answer carries private_key when Pier generated the key. */
  createKeypair(caller: Caller, body: Body): Promise<Body>;
  showKeypair(caller: Caller, name: string): Promise<Body>;
  deleteKeypair(caller: Caller, name: string): Promise<void>;
  /** `POST /flavors` (admin), then its extra specs and (a private flavor) the projects given access. */
  createFlavor(caller: Caller, body: Body, extraSpecs?: Record<string, string>, projects?: readonly string[]): Promise<Body>;
  showFlavor(caller: Caller, id: string): Promise<Body>;
  /** `DELETE /flavors/{id}` (admin). */
  deleteFlavor(caller: Caller, id: string): Promise<void>;
  /** A flavor's id from its id or name (Heat's nova.flavor lookup); unknown: null. */
  findFlavor(caller: Caller, nameOrId: string): Promise<string | null>;
  /** An image's id from its id or name (Heat's glance.image lookup); unknown or ambiguous: null. */
  findImage(caller: Caller, nameOrId: string): Promise<string | null>;
  /** `POST /servers/{id}/os-volume_attachments`: answers the volumeAttachment view. */
  attachVolume(caller: Caller, serverId: string, volumeId: string, device?: string | null): Promise<Body>;
  /** `DELETE /servers/{id}/os-volume_attachments/{volume}`; not attached throws Nova's NotFound. */
  detachVolume(caller: Caller, serverId: string, volumeId: string): Promise<void>;
}

const nova = (c: Caller): NovaCaller => ({ auth: c.auth, isAdmin: c.isAdmin, projectId: c.projectId, userId: c.auth.userId });
const missing = (e: unknown) => e instanceof NotFound || (e instanceof Error && (e as { status?: number }).status === 404);

/** The facade over `ctx`; `baseUrl` is Pier's public URL once it listens (for links). */
export function computeService(ctx: ComputeContext, baseUrl: () => string): ComputeService {
  const view = (): ApiView => ({ microversion: MAX_VERSION, baseUrl: baseUrl() });
  const show = async (c: Caller, id: string) => (await serverViews(ctx, view(), nova(c), [await loadServer(ctx, nova(c), id)]))[0]!;
  return {
    async createServer(caller, body, id) {
      const made = await createServers(ctx, nova(caller), { server: body }, view(), { requestId: `req-${randomUUID()}`, id });
      return show(caller, made.first.id);
    },
    showServer: show,
    deleteServer: (caller, id) => deleteServer(ctx, nova(caller), id),
    createKeypair: (caller, body) => createKeypair(ctx, nova(caller), { keypair: body }, view()),
    showKeypair: (caller, name) => showKeypair(ctx, caller.auth.userId, name, view()),
    deleteKeypair: (caller, name) => deleteKeypair(ctx, caller.auth.userId, name),
    async createFlavor(caller, body, extraSpecs, projects = []) {
      authorize(nova(caller), 'os_compute_api:os-flavor-manage:create');
      const f = await createFlavor(ctx.store, view(), { flavor: body });
      if (extraSpecs && Object.keys(extraSpecs).length) {
        authorize(nova(caller), 'os_compute_api:os-flavor-extra-specs:create');
        await setExtraSpecs(ctx.store, f.id, extraSpecs);
      }
      if (f.is_public === 0) for (const p of projects) await changeAccess(ctx.store, f.id, p, true);
      return flavorView(view(), await loadFlavor(ctx.store, nova(caller), f.id));
    },
    showFlavor: async (caller, id) => flavorView(view(), await loadFlavor(ctx.store, nova(caller), id)),
    async deleteFlavor(caller, id) {
      authorize(nova(caller), 'os_compute_api:os-flavor-manage:delete');
      await deleteFlavor(ctx.store, id);
    },
    async findFlavor(caller, nameOrId) {
      try {
        return (await loadFlavor(ctx.store, nova(caller), nameOrId)).id;
      } catch (e) {
        if (!missing(e)) throw e;
      }
      const named = (await listFlavors(ctx.store, nova(caller), { is_public: 'none' })).filter((f) => f.name === nameOrId);
      return named.length === 1 ? named[0]!.id : null;
    },
    async attachVolume(caller, serverId, volumeId, device = null) {
      return volumeAttachmentView(view(), await attachVolume(ctx, nova(caller), serverId, { volumeId, device, tag: null, deleteOnTermination: false }));
    },
    detachVolume: (caller, serverId, volumeId) => detachVolume(ctx, nova(caller), serverId, volumeId),
    async findImage(caller, nameOrId) {
      const who = imageCaller(caller.auth);
      try {
        return (await loadImage(ctx.store, who, nameOrId)).id;
      } catch (e) {
        if (!missing(e)) throw e;
      }
      const rows = await ctx.store.db.selectFrom('images').select('id').where('name', '=', nameOrId).execute();
      const visible: string[] = [];
      for (const r of rows) if (await loadImage(ctx.store, who, r.id).then(() => true, (e) => { if (missing(e)) return false; throw e; })) visible.push(r.id);
      return visible.length === 1 ? visible[0]! : null;
    },
  };
}

// Block Storage (Cinder v3): the only import surface for other folders. Volumes are files on
// this host (the `file` driver), attached to servers through loop devices by their compute host.
import { hostname } from 'node:os';
import { defineModule } from '../core/module.js';
import { attachToServer, detachFromServer, serverAttachments, type AttachmentRow, type ServerAttachRequest } from './attachments.js';
import type { Cinder, CinderCaller } from './context.js';
import { VolumeController } from './controller.js';
import type { VolumeRow } from './definitions/volume.js';
import type { VolumeDriver } from './driver.js';
import { FileDriver } from './drivers/file.js';
import { renderCinderError } from './errors.js';
import { MAX_MINOR } from './microversion.js';
import { PREFIX, volumeApiRoutes } from './routes.js';
import { ServerVolumes } from './server-volumes.js';
import { createVolume, deleteVolume, findVolume, updateVolume } from './volumes.js';
import type { AuthContext } from '../core/http/context.js';
import { volumeAction } from './volume-actions.js';
import { changeTypeAccess, createType, deleteType, findType, setExtraSpecs, updateType } from './volume-types.js';
import { typeView, volumeExtras, volumeView, type ViewContext } from './views.js';

export interface VolumeConfig {
  /** The backend: `file` (a sparse file per volume under the data dir). */
  driver: 'file';
  /** This host's name (default: the hostname). */
  host: string;
  /** How often every volume is looked at again, ms. */
  resyncMs: number;
}

/** A caller as other services hold one (networking's Caller has this shape). */
export interface ServiceCaller { auth: AuthContext; isAdmin: boolean; projectId: string }

type Body = Record<string, unknown>;

/** What Nova and Heat ask of Cinder, in-process: the API's checks and errors; answers are the API's views at 3.71. */
export interface VolumeService {
  findVolume(caller: CinderCaller, id: string): Promise<VolumeRow>;
  /** A volume's id from its id or name (Heat's cinder.volume); unknown or ambiguous: null. */
  lookupVolume(caller: ServiceCaller, nameOrId: string): Promise<string | null>;
  /** `POST /volumes` (`{"volume": …}`'s inside); `id` fixes the new volume's id. */
  createVolume(caller: ServiceCaller, body: Body, id?: string): Promise<Body>;
  showVolume(caller: ServiceCaller, id: string): Promise<Body>;
  updateVolume(caller: ServiceCaller, id: string, body: Body): Promise<Body>;
  /** `os-extend` to `size` GiB. */
  extendVolume(caller: ServiceCaller, id: string, size: number): Promise<void>;
  /** `os-update_readonly_flag`. */
  setReadonly(caller: ServiceCaller, id: string, readonly: boolean): Promise<void>;
  /** Marks it deleting; it is gone once showVolume throws NotFound. */
  deleteVolume(caller: ServiceCaller, id: string): Promise<void>;
  /** `POST /types` (admin), with extra specs and (a private type) the projects given access. */
  createType(caller: ServiceCaller, body: Body, projects?: readonly string[]): Promise<Body>;
  showType(caller: ServiceCaller, id: string): Promise<Body>;
  updateType(caller: ServiceCaller, id: string, body: Body, extraSpecs?: Record<string, string>): Promise<Body>;
  deleteType(caller: ServiceCaller, id: string): Promise<void>;
  attachToServer(caller: CinderCaller, r: ServerAttachRequest): Promise<AttachmentRow>;
  detachFromServer(caller: CinderCaller, volumeId: string, serverId: string): Promise<void>;
  serverAttachments(serverIds: readonly string[]): Promise<AttachmentRow[]>;
}

export interface Volumes {
  cinder: Cinder;
  controller: VolumeController;
  driver: VolumeDriver;
  /** The compute host's half of attachments (mounting volumes in servers). */
  servers: ServerVolumes;
  api: VolumeService;
}

export const volumeModule = defineModule<Volumes, VolumeConfig>({
  name: 'volume',
  roles: ['api', 'agent'],
  catalog: [
    { type: 'block-storage', name: 'cinder', path: `${PREFIX}/v3/$(project_id)s` },
    { type: 'volumev3', name: 'cinderv3', path: `${PREFIX}/v3/$(project_id)s` },
    { type: 'volume', name: 'cinder', path: `${PREFIX}/v3/$(project_id)s` },
  ],
  create(env) {
    const config: VolumeConfig = { driver: 'file', host: hostname(), resyncMs: 30_000, ...env.config };
    const driver = new FileDriver(env.dataDir);
    let controller: VolumeController | undefined;
    const cinder: Cinder = {
      store: env.store, dataDir: env.dataDir, host: config.host, backendHost: `${config.host}@${driver.name}#${driver.name}`,
      kick: (kind, id) => controller?.kick(kind, id),
    };
    controller = new VolumeController(env.store, driver, env.dataDir, config.host, env.logger, config.resyncMs);
    const api: VolumeService = {
      findVolume: (caller, id) => findVolume(cinder, caller, id),
      attachToServer: (caller, r) => attachToServer(cinder, caller, r),
      detachFromServer: (caller, v, s) => detachFromServer(cinder, caller, v, s),
      serverAttachments: (ids) => serverAttachments(cinder, ids),
      ...heatFacade(cinder, () => env.url()),
    };
    return {
      exports: { cinder, controller, driver, servers: new ServerVolumes(env.store, driver, env.logger), api },
      http: { name: 'volume', prefix: PREFIX, renderError: renderCinderError, routes: (scope) => volumeApiRoutes(scope, cinder) },
      start: () => controller!.start(),
      stop: () => controller!.stop(),
    };
  },
});

const cinderOf = (c: ServiceCaller): CinderCaller => ({ auth: c.auth, isAdmin: c.isAdmin, projectId: c.projectId, userId: c.auth.userId });

/** The calls Heat's OS::Cinder::* resources make, as the REST API makes them. */
function heatFacade(c: Cinder, url: () => string): Omit<VolumeService, 'findVolume' | 'attachToServer' | 'detachFromServer' | 'serverAttachments'> {
  const view = (caller: ServiceCaller): ViewContext => ({ base: `${url()}${PREFIX}`, project: caller.projectId, minor: MAX_MINOR, caller: cinderOf(caller) });
  const show = async (caller: ServiceCaller, row: VolumeRow) => volumeView(view(caller), row, (await volumeExtras(c.store, [row])).get(row.id)!);
  return {
    async lookupVolume(caller, nameOrId) {
      const rows = await c.store.db.selectFrom('volumes').select(['id', 'project_id', 'name']).where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)])).execute();
      const seen = rows.filter((r) => caller.isAdmin || r.project_id === caller.projectId);
      const byId = seen.find((r) => r.id === nameOrId);
      return byId ? byId.id : seen.length === 1 ? seen[0]!.id : null;
    },
    createVolume: async (caller, body, id) => show(caller, await createVolume(c, cinderOf(caller), { volume: body }, id)),
    showVolume: async (caller, id) => show(caller, await findVolume(c, cinderOf(caller), id)),
    updateVolume: async (caller, id, body) => show(caller, await updateVolume(c, cinderOf(caller), id, { volume: body })),
    extendVolume: async (caller, id, size) => { await volumeAction(c, cinderOf(caller), id, { 'os-extend': { new_size: size } }, MAX_MINOR); },
    setReadonly: async (caller, id, readonly) => { await volumeAction(c, cinderOf(caller), id, { 'os-update_readonly_flag': { readonly } }, MAX_MINOR); },
    deleteVolume: (caller, id) => deleteVolume(c, cinderOf(caller), id),
    async createType(caller, body, projects = []) {
      const t = await createType(c, cinderOf(caller), { volume_type: body });
      if (!t.is_public) for (const p of projects) await changeTypeAccess(c, cinderOf(caller), t.id, p, true);
      return typeView(view(caller), t);
    },
    showType: async (caller, id) => typeView(view(caller), await findType(c.store.db, cinderOf(caller), id)),
    async updateType(caller, id, body, extraSpecs) {
      if (Object.keys(body).length) await updateType(c, cinderOf(caller), id, { volume_type: body });
      if (extraSpecs && Object.keys(extraSpecs).length) await setExtraSpecs(c, cinderOf(caller), id, { extra_specs: extraSpecs });
      return typeView(view(caller), await findType(c.store.db, cinderOf(caller), id));
    },
    deleteType: (caller, id) => deleteType(c, cinderOf(caller), id),
  };
}

export type { VolumeMounter, ServerVolumes } from './server-volumes.js';
export { mountName } from './server-volumes.js';
export type { AttachmentRow, ServerAttachRequest } from './attachments.js';
export type { CinderCaller } from './context.js';
export type { VolumeRow } from './definitions/volume.js';
export type { VolumeDriver } from './driver.js';

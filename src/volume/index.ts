// Block Storage (Cinder v3): the only import surface for other folders. Volumes are files on
// this host (the `file` driver), attached to servers through loop devices by their compute host.
import { hostname } from 'node:os';
import { defineModule } from '../core/module.js';
import { imageModule } from '../image/index.js';
import { attachToServer, detachFromServer, serverAttachments, type AttachmentRow, type ServerAttachRequest } from './attachments.js';
import type { Cinder, CinderCaller } from './context.js';
import { VolumeController } from './controller.js';
import type { VolumeRow } from './definitions/volume.js';
import type { VolumeDriver } from './driver.js';
import { FileDriver } from './drivers/file.js';
import { renderCinderError } from './errors.js';
import { PREFIX, volumeApiRoutes } from './routes.js';
import { ServerVolumes } from './server-volumes.js';
import { findVolume } from './volumes.js';

export interface VolumeConfig {
  /** The backend: `file` (a sparse file per volume under the data dir). */
  driver: 'file';
  /** This host's name (default: the hostname). */
  host: string;
  /** How often every volume is looked at again, ms. */
  resyncMs: number;
}

/** What Nova (compute) asks of Cinder, in-process. */
export interface VolumeService {
  findVolume(caller: CinderCaller, id: string): Promise<VolumeRow>;
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
  requires: [imageModule],
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
    };
    return {
      exports: { cinder, controller, driver, servers: new ServerVolumes(env.store, driver, env.logger), api },
      http: { name: 'volume', prefix: PREFIX, renderError: renderCinderError, routes: (scope) => volumeApiRoutes(scope, cinder) },
      start: () => controller!.start(),
      stop: () => controller!.stop(),
    };
  },
});

export type { VolumeMounter, ServerVolumes } from './server-volumes.js';
export { mountName } from './server-volumes.js';
export type { AttachmentRow, ServerAttachRequest } from './attachments.js';
export type { CinderCaller } from './context.js';
export type { VolumeRow } from './definitions/volume.js';
export type { VolumeDriver } from './driver.js';

// What both Kuryr adapters (Docker libnetwork, CNI) share: the Networking service functions,
// the dataplane's plugging on this host, and the caller Kuryr acts as.
import type { Logger } from 'pino';
import type { DataplanePlugger } from '../dataplane/index.js';
import type { Caller, NetworkingService } from '../networking/index.js';
import type { NodeRuntime } from './nested/node-ports.js';

export interface KuryrContext {
  networking: NetworkingService;
  plugger: DataplanePlugger;
  /** This host's name (ports' `binding:host_id`). */
  host: string;
  /** The configured project and user, as a Networking caller (policy applies as to any API user). */
  caller(): Promise<Caller>;
  log: Logger;
  /** Container-host servers' containers (nested mode), when a compute runtime with processes runs here. */
  nodes?: NodeRuntime;
}

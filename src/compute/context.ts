// What every compute handler shares: the store, the services Nova calls in-process, the runtime's
// controller, and who is calling (with Nova's default policy roles: admin, project member/reader).
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../core/http/context.js';
import type { NetworkingService } from '../networking/index.js';
import type { Store } from '../store/index.js';
import type { SerialConsoles } from './serial-console.js';
import type { ServerVolumes, VolumeService } from '../volume/index.js';
import { credentialsOf } from '../core/http/context.js';
import type { Target } from '../core/policy/enforcer.js';
import { PolicyNotAuthorized } from './errors.js';
import { computePolicy } from './policy.js';

export interface ComputeContext {
  store: Store;
  dataDir: string;
  networking: NetworkingService;
  /** This host's name: servers' `OS-EXT-SRV-ATTR:host` and their ports' `binding:host_id`. */
  host: string;
  /** The runtime servers run on (`fake` | `runc`): hypervisors' `hypervisor_type`. */
  hypervisorType: string;
  /** Asks the server controller to converge one server now. */
  kick(serverId: string): void;
  /** The runtime's console output of a server. */
  consoleLog(serverId: string, lines?: number): Promise<string>;
  /** Serial console tokens and their websocket; absent for a runtime without processes (fake). */
  serialConsoles?: SerialConsoles;
  /** Block Storage, when it runs here: Cinder's functions, and this host's half of attachments. */
  volumes?: { api: VolumeService; servers: ServerVolumes };
  /** What rides on a server goes with it: run once its container is gone, before its own ports go (Compute's onRemoval). */
  removalHooks: ((serverId: string) => Promise<void>)[];
}

/** How ports get into a server's network namespace: the dataplane's plug function, in-process. */
export interface PortPlugger {
  /** Plugs `portId` into `netns` as `ifname`; already plugged there is success. */
  plug(portId: string, netns: string, ifname: string): Promise<void>;
  /** Unplugs `portId`; not plugged is success. */
  unplug(portId: string): Promise<void>;
  /** The ports plugged into `netns` on this host, with their interface names. */
  plugged(netns: string): Promise<{ port: string; ifname: string }[]>;
}

export interface NovaCaller { auth: AuthContext; isAdmin: boolean; projectId: string; userId: string }

export function novaCaller(req: FastifyRequest): NovaCaller {
  const auth = req.ctx.auth!;
  return { auth, isAdmin: auth.isAdmin, projectId: auth.projectId ?? '', userId: auth.userId };
}

/** Checks one of Nova's rules (`os_compute_api:…`, policy.ts): a Forbidden naming it when refused. */
export function authorize(caller: NovaCaller, rule: string, target: Target = {}): void {
  computePolicy.authorize(rule, credentialsOf(caller.auth), target, () => new PolicyNotAuthorized(rule));
}

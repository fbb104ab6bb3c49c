// The dataplane: the only import surface for other folders.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { onPath } from '../core/exec.js';
import { defineModule, ModuleError } from '../core/module.js';
import { DataplaneController } from './controller.js';
import type { NetworkDriver } from './driver.js';
import { LinuxbridgeDriver } from './drivers/linuxbridge.js';
import { NoopDriver } from './drivers/noop.js';
import { RoutedDriver } from './drivers/routed.js';
import { lockNamespace, type InstanceLock } from './instance-lock.js';
import { dataplaneService } from './routes.js';

export type DataplaneName = 'noop' | 'linuxbridge' | 'routed';

export interface DataplaneConfig {
  driver: DataplaneName;
  hostId: string;
  namespace: string;
  physnets: Record<string, { hostAddress?: string }>;
  vtep: string;
  vxlanPeers: string[];
}

/** The network driver this host can run by default, and why it is noop when it is. */
export function defaultDriverChoice(): { driver: DataplaneName; reason?: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { driver: 'noop', reason: 'not root on Linux' };
  const missing = ['ip', 'nft', 'nsenter'].filter((c) => !onPath(c));
  if (missing.length) return { driver: 'noop', reason: `${missing.join(', ')} not installed (Debian packages iproute2, nftables, util-linux)` };
  return { driver: 'linuxbridge' };
}

export const defaultDataplaneConfig = (): DataplaneConfig => ({
  driver: defaultDriverChoice().driver,
  hostId: hostname(),
  namespace: 'pier-dp',
  physnets: { public: { hostAddress: '172.24.4.1/24' }, physnet1: {} },
  vtep: '127.0.0.1',
  vxlanPeers: [],
});

export function createDriver(config: DataplaneConfig, log: Logger): NetworkDriver {
  const linux = { namespace: config.namespace, physnets: config.physnets, vtep: config.vtep, vxlanPeers: config.vxlanPeers };
  if (config.driver === 'linuxbridge') return new LinuxbridgeDriver(linux, log);
  if (config.driver === 'routed') return new RoutedDriver(linux, log);
  return new NoopDriver();
}

/** This host's dataplane: its controller (what other modules get) and Pier's plug API. */
export const dataplaneModule = defineModule<DataplaneController, DataplaneConfig>({
  name: 'dataplane',
  roles: ['agent'],
  create(env) {
    const config = { ...defaultDataplaneConfig(), ...env.config };
    let lock: InstanceLock | undefined;
    if (config.driver !== 'noop') {
      try { lock = lockNamespace(config.namespace, env.dataDir); } catch (err) { throw new ModuleError((err as Error).message); }
    }
    const ctl = new DataplaneController(env.store, createDriver(config, env.logger), config.hostId, env.logger);
    // The kernel is touched only once Pier is surely up: the startup diff-sync is in start.
    return {
      exports: ctl, http: dataplaneService(ctl), start: () => ctl.start(),
      async stop() { await ctl.stop(); lock?.release(); },
    };
  },
});

export { DataplaneController } from './controller.js';
export { HANDOFF, plugPort, portPlugger, unplugPort } from './plug.js';
export type { DataplanePlugger } from './plug.js';
export type { AddressSpec, ContainerSide, FarEndSpec, NetworkDriver } from './driver.js';
export { attachNetns, detachNetns, netnsExists } from './linux/netns.js';
export { readInterface, type InterfaceObserved } from './linux/interface-state.js';

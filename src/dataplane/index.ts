// The dataplane: the only import surface for other folders.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { NetworkDriver } from './driver.js';
import { LinuxbridgeDriver } from './drivers/linuxbridge.js';
import { NoopDriver } from './drivers/noop.js';
import { RoutedDriver } from './drivers/routed.js';

export type DataplaneName = 'noop' | 'linuxbridge' | 'routed';

export interface DataplaneConfig {
  driver: DataplaneName;
  hostId: string;
  namespace: string;
  physnets: Record<string, { hostAddress?: string }>;
  vtep: string;
  vxlanPeers: string[];
}

export const defaultDataplaneConfig = (): DataplaneConfig => ({
  driver: process.platform === 'linux' && process.getuid?.() === 0 ? 'linuxbridge' : 'noop',
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

export { DataplaneController } from './controller.js';
export { dataplaneService } from './routes.js';
export { plugPort, portPlugger, unplugPort } from './plug.js';
export type { NetworkDriver } from './driver.js';

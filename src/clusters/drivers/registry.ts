// The COE drivers Pier has, found as Magnum finds its driver: by (server_type, os_distro, coe).
import type { CoeDriver } from './driver.js';
import { kubernetesDriver } from './kubernetes.js';
import { swarmModeDriver } from './swarm-mode.js';

export const DRIVERS: readonly CoeDriver[] = [kubernetesDriver, swarmModeDriver];

export function findDriver(serverType: string, osDistro: string, coe: string): CoeDriver | undefined {
  return DRIVERS.find((d) => d.coe === coe && d.osDistro === osDistro && d.serverTypes.includes(serverType));
}

/** The driver of a COE (for clusters already validated). */
export function driverFor(coe: string): CoeDriver {
  const d = DRIVERS.find((x) => x.coe === coe);
  if (!d) throw new Error(`no COE driver for ${coe}`);
  return d;
}

// Plugging a port into a network namespace on this host (what Nova and Kuryr call, and
// `pier port plug`), or handing it off (its far end left in the host namespace for a runtime
// such as Docker to take): checked, recorded, realised by one sync, and undone entirely if the
// dataplane could not realise it — never half-plugged. Both ways sync just that port.
import { ApiError, Conflict, NotFound, BadRequest } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import type { DataplaneController } from './controller.js';
import { readPorts } from './desired.js';
import type { AddressSpec, ContainerSide, FarEndSpec } from './driver.js';
import { bridgedFarEnd, containerSideOf } from './far-end.js';
import { nestedFarEnd } from './linux/nested.js';
import { netnsExists } from './linux/netns.js';

/** A handoff's `netns` in `port_plugs`: no namespace, the far end stays in the host's. */
export const HANDOFF = '';

export interface PlugRequest {
  netns: string;
  ifname?: string;
  /** Nested: the port whose namespace (plugged here) the new interface hangs from, behind that port. */
  parent?: string;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

export async function plugPort(ctl: DataplaneController, portId: string, req: PlugRequest): Promise<void> {
  const ifname = req.ifname ?? 'eth0';
  if (!IFNAME.test(ifname)) throw new BadRequest(`Invalid interface name '${ifname}'.`, 'InvalidInput');
  if (req.netns !== HANDOFF && ctl.driver.name !== 'noop' && !netnsExists(req.netns)) throw new NotFound(`Network namespace ${req.netns} does not exist.`, 'NetnsNotFound');
  let claimedHost = false;
  await ctl.store.tx(async (tx) => {
    const port = await tx.db.selectFrom('ports').select(['id', 'project_id', 'binding:host_id', 'device_owner', 'network_id']).where('id', '=', portId).executeTakeFirst();
    if (!port) throw new NotFound(`Port ${portId} could not be found.`, 'PortNotFound');
    if (port.device_owner.startsWith('network:')) throw new Conflict(`Port ${portId} belongs to the network (${port.device_owner}) and cannot be plugged.`, 'PortInUse');
    if (port['binding:host_id'] && port['binding:host_id'] !== ctl.host) {
      throw new Conflict(`Port ${portId} is bound to host ${port['binding:host_id']}, not to this host (${ctl.host}).`, 'PortBoundElsewhere');
    }
    if (req.parent) {
      const parent = await tx.db.selectFrom('port_plugs').innerJoin('ports', 'ports.id', 'port_plugs.port_id')
        .select(['port_plugs.netns', 'port_plugs.parent_port_id', 'port_plugs.host', 'ports.network_id']).where('port_plugs.port_id', '=', req.parent).executeTakeFirst();
      if (!parent || parent.host !== ctl.host || parent.netns === HANDOFF || parent.parent_port_id !== null) {
        throw new Conflict(`Port ${req.parent} is not plugged into a network namespace on this host, so port ${portId} cannot be nested on it.`, 'PortNotPlugged');
      }
      // Its frames enter the network through the parent's interface: only the parent's network can take them.
      if (parent.network_id !== port.network_id) throw new Conflict(`Port ${portId} is not on the network of port ${req.parent}, so it cannot be nested on it.`, 'PortNotOnParentNetwork');
    }
    const plugged = await tx.db.selectFrom('port_plugs').select(['netns']).where('port_id', '=', portId).executeTakeFirst();
    if (plugged) throw new Conflict(`Port ${portId} is already ${plugged.netns === HANDOFF ? 'handed off' : `plugged into network namespace ${plugged.netns}`}.`, 'PortAlreadyPlugged');
    await tx.db.insertInto('port_plugs').values({ port_id: portId, host: ctl.host, netns: req.netns, ifname, created_at: isoSeconds(), parent_port_id: req.parent ?? null }).execute();
    if (!port['binding:host_id']) {
      claimedHost = true;
      await tx.db.updateTable('ports').set({ 'binding:host_id': ctl.host }).where('id', '=', portId).execute();
    }
    await tx.emit({ resource: 'port_plug', id: portId, action: 'create', projectId: port.project_id });
  });
  // A nested port's traffic passes its parent's filters: both are synced, the parent's pairs fresh.
  const result = await ctl.syncNow({ ports: req.parent ? [portId, req.parent] : [portId] });
  const seen = result.ports.get(portId);
  if (seen?.status === 'ERROR') {
    await undo(ctl, portId, claimedHost);
    throw new Conflict(`Port ${portId} could not be ${req.netns === HANDOFF ? 'handed off' : `plugged into ${req.netns}`}: ${seen.reason}`, 'PortBindingFailed');
  }
}

export async function unplugPort(ctl: DataplaneController, portId: string): Promise<void> {
  const plugged = await ctl.store.db.selectFrom('port_plugs').select('port_id').where('port_id', '=', portId).executeTakeFirst();
  if (!plugged) throw new NotFound(`Port ${portId} is not plugged on this host.`, 'PortNotPlugged');
  await undo(ctl, portId, false);
}

async function undo(ctl: DataplaneController, portId: string, releaseHost: boolean): Promise<void> {
  await ctl.store.tx(async (tx) => {
    await tx.db.deleteFrom('port_plugs').where('port_id', '=', portId).execute();
    if (releaseHost) await tx.db.updateTable('ports').set({ 'binding:host_id': '' }).where('id', '=', portId).execute();
    await tx.emit({ resource: 'port_plug', id: portId, action: 'delete' });
  });
  await ctl.syncNow({ ports: [portId] });
}

/** Plugging as other services (Nova, Kuryr) use it: idempotent both ways, and what a namespace holds. */
export function portPlugger(ctl: DataplaneController) {
  return {
    /**
     * Plugs `portId` into `netns` as `ifname` — nested behind `parent` when given (a veth from
     * the parent's namespace); already plugged there is success.
     */
    async plug(portId: string, netns: string, ifname: string, parent?: string): Promise<void> {
      const plugged = await ctl.store.db.selectFrom('port_plugs').select('netns').where('port_id', '=', portId).executeTakeFirst();
      if (plugged?.netns !== netns) await plugPort(ctl, portId, { netns, ifname, ...(parent ? { parent } : {}) });
    },
    /** Where `portId` is plugged on this host (its namespace and interface), if it is. */
    async plugOf(portId: string): Promise<{ netns: string; ifname: string } | undefined> {
      return ctl.store.db.selectFrom('port_plugs').select(['netns', 'ifname']).where('port_id', '=', portId).where('host', '=', ctl.host).executeTakeFirst();
    },
    /**
     * Hands `portId` off: a veth whose far end waits in the host namespace as `ifname` for a
     * runtime (Docker) to move into its container and configure as `farEnd` says; already
     * handed off is success.
     */
    async handoff(portId: string, ifname: string): Promise<void> {
      const plugged = await ctl.store.db.selectFrom('port_plugs').select('netns').where('port_id', '=', portId).executeTakeFirst();
      if (plugged?.netns !== HANDOFF) await plugPort(ctl, portId, { netns: HANDOFF, ifname });
    },
    /** How the container end of a port with `addresses` must be configured on this dataplane. */
    farEnd(addresses: readonly AddressSpec[]): FarEndSpec {
      return ctl.driver.farEnd?.(addresses) ?? bridgedFarEnd(addresses);
    },
    /** Unplugs `portId`; not plugged is success. */
    async unplug(portId: string): Promise<void> {
      await unplugPort(ctl, portId).catch((e) => { if (!(e instanceof ApiError && e.status === 404)) throw e; });
    },
    /** The ports plugged into `netns` on this host, with their interface names. */
    async plugged(netns: string): Promise<{ port: string; ifname: string }[]> {
      const rows = await ctl.store.db.selectFrom('port_plugs').select(['port_id', 'ifname']).where('netns', '=', netns).where('host', '=', ctl.host).execute();
      return rows.map((r) => ({ port: r.port_id, ifname: r.ifname }));
    },
    /**
     * How a port plugged here looks inside its namespace — MAC, MTU, addresses, routes — as the
     * driver configures it (its far end; no kernel read); undefined when it is not plugged into a
     * namespace here or the driver configures nothing (noop).
     */
    async containerSide(portId: string): Promise<(ContainerSide & { mac: string; mtu: number }) | undefined> {
      const [spec] = await readPorts(ctl.store.db, ctl.host, [portId]);
      if ((spec?.attachment.kind !== 'netns' && spec?.attachment.kind !== 'nested') || !ctl.driver.farEnd) return undefined;
      const far = spec.attachment.kind === 'nested' ? nestedFarEnd(spec) : ctl.driver.farEnd(spec.addresses);
      return { mac: spec.mac, mtu: spec.mtu, ...containerSideOf(far) };
    },
  };
}

/** Plugging on this host, as other modules call it. */
export type DataplanePlugger = ReturnType<typeof portPlugger>;

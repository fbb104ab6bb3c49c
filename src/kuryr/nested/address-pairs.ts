// A node port's allowed address pairs as nested pods come and go: read, change, write back only
// if the port's revision is still the one read (else read again), so two pods added at once
// both keep their pair — across processes too. Within this process the writes to one port are
// also queued, so they rarely collide at all.
import { ApiError } from '../../core/errors.js';
import type { Caller, NetworkingService } from '../../networking/index.js';

export interface AddressPair { ip_address: string; mac_address: string }

const ATTEMPTS = 50;
const queues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier call for `key` has finished. */
function queued<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(work);
  queues.set(key, mine);
  void mine.catch(() => {}).finally(() => { if (queues.get(key) === mine) queues.delete(key); });
  return mine;
}

const same = (a: AddressPair, b: AddressPair) => a.ip_address === b.ip_address && a.mac_address.toLowerCase() === b.mac_address.toLowerCase();

/** The pairs after adding `add` (those not there yet) and removing `remove`. Pure. */
export function changedPairs(pairs: readonly AddressPair[], add: readonly AddressPair[], remove: readonly AddressPair[]): AddressPair[] {
  const kept = pairs.filter((p) => !remove.some((r) => same(p, r)));
  return [...kept, ...add.filter((a) => !kept.some((p) => same(p, a)))];
}

/** Adds and removes pairs on `portId`; a port that is gone is left alone when only removing. */
export function updatePairs(net: NetworkingService, caller: Caller, portId: string, add: readonly AddressPair[], remove: readonly AddressPair[] = []): Promise<void> {
  return queued(portId, async () => {
    for (let attempt = 1; ; attempt++) {
      let port;
      try {
        port = await net.show(caller, 'port', portId);
      } catch (err) {
        if (!add.length && err instanceof ApiError && err.status === 404) return;
        throw err;
      }
      const pairs = port.allowed_address_pairs as AddressPair[];
      const next = changedPairs(pairs, add, remove);
      if (next.length === pairs.length && next.every((p, i) => same(p, pairs[i]!))) return;
      try {
        await net.update(caller, 'port', portId, { allowed_address_pairs: next }, { revisionNumber: Number(port.revision_number) });
        return;
      } catch (err) {
        // Another writer (a status write, another pod, another process) came first: read again.
        if (!(err instanceof ApiError && err.status === 412) || attempt >= ATTEMPTS) throw err;
      }
    }
  });
}

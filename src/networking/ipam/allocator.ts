// Address allocation inside one transaction. The subnet's ipam row is locked first (an UPDATE),
// so allocations on one subnet serialise across processes; the next free address is found from
// a cursor — the address at the cursor is claimed outright when free, else one range query over
// the sorted keys finds the next free one (no scan of the used set); the primary key (subnet,
// address) makes a duplicate impossible even so.
import { insertRow, prepared, type Tx } from '../../store/index.js';
import { fromBig, inNet, ipKey, parseNet, toBig, type IpVersion, type Range } from './ip.js';

export interface SubnetIpam {
  id: string;
  network_id: string;
  cidr: string;
  allocation_pools: { start: string; end: string }[];
}

const BATCH = 256;

// allocateNext's statements, compiled once (it runs for nearly every port create).
const lockAndCount = prepared((db, p: { subnet: string }) => db.updateTable('ipam_subnets').set((eb) => ({ allocated: eb('allocated', '+', 1) }))
  .where('subnet_id', '=', p.subnet).returning(['cursor', 'allocated']));
const takenFrom = prepared((db, p: { subnet: string; from: string; to: string }) => db.selectFrom('ip_allocations').select('ip_key')
  .where('subnet_id', '=', p.subnet).where('ip_key', '>=', p.from).where('ip_key', '<=', p.to).orderBy('ip_key').limit(BATCH));
const claim = prepared((db, p: { subnet: string; key: string; ip: string; network: string; port: string }) => db.insertInto('ip_allocations')
  .values({ subnet_id: p.subnet, ip_key: p.key, ip_address: p.ip, network_id: p.network, port_id: p.port }).onConflict((oc) => oc.doNothing()));
const moveCursor = prepared((db, p: { subnet: string; cursor: string }) => db.updateTable('ipam_subnets').set({ cursor: p.cursor }).where('subnet_id', '=', p.subnet));

const keyOf = (n: bigint, v: IpVersion) => n.toString(16).padStart(v === 4 ? 8 : 32, '0');

function poolRanges(s: SubnetIpam): Range[] {
  return s.allocation_pools.map((p) => ({ start: toBig(p.start), end: toBig(p.end) })).sort((a, b) => (a.start < b.start ? -1 : 1));
}

export const inPools = (s: SubnetIpam, ip: string) => {
  const n = toBig(ip);
  return poolRanges(s).some((r) => n >= r.start && n <= r.end);
};

export async function createIpamSubnet(tx: Tx, s: SubnetIpam): Promise<void> {
  const first = poolRanges(s)[0];
  await tx.db.insertInto('ipam_subnets').values({ subnet_id: s.id, cursor: String(first?.start ?? 0n), allocated: 0 }).execute();
}

/** The next free address in the subnet's pools for `portId`, or undefined when the pools are full. */
export async function allocateNext(tx: Tx, s: SubnetIpam, portId: string): Promise<string | undefined> {
  const version = parseNet(s.cidr).version;
  const pools = poolRanges(s);
  const size = pools.reduce((n, p) => n + (p.end - p.start + 1n), 0n);
  const state = await lockAndCount.first(tx.db, { subnet: s.id });
  if (!state) throw new Error(`subnet ${s.id} has no IPAM state`);
  if (BigInt(state.allocated) > size) {
    await tx.db.updateTable('ipam_subnets').set((eb) => ({ allocated: eb('allocated', '-', 1) })).where('subnet_id', '=', s.id).execute();
    return undefined;
  }
  const cursor = BigInt(state.cursor);
  // The cursor follows the last allocation, so the address at it is nearly always free: claim it
  // outright (a taken one changes nothing) before looking for the next free one.
  if (pools.some((p) => cursor >= p.start && cursor <= p.end)) {
    const ip = fromBig(cursor, version);
    if (await claim.run(tx.db, { subnet: s.id, key: keyOf(cursor, version), ip, network: s.network_id, port: portId })) {
      await moveCursor.run(tx.db, { subnet: s.id, cursor: String(cursor + 1n) });
      return ip;
    }
  }
  // Walk the pools from the cursor to their end, then from their start back to the cursor.
  const segments: Range[] = [];
  for (const p of pools) if (p.end >= cursor) segments.push({ start: p.start > cursor ? p.start : cursor, end: p.end });
  for (const p of pools) if (p.start < cursor) segments.push({ start: p.start, end: p.end < cursor ? p.end : cursor - 1n });
  for (const seg of segments) {
    let from = seg.start;
    while (from <= seg.end) {
      const taken = await takenFrom.all(tx.db, { subnet: s.id, from: keyOf(from, version), to: keyOf(seg.end, version) });
      let candidate = from;
      for (const t of taken) {
        const n = BigInt(`0x${t.ip_key}`);
        if (n > candidate) break;
        candidate = n + 1n;
      }
      if (candidate <= seg.end && (taken.length < BATCH || candidate < BigInt(`0x${taken.at(-1)!.ip_key}`))) {
        const ip = fromBig(candidate, version);
        await insertRow(tx.db, 'ip_allocations', { subnet_id: s.id, ip_key: keyOf(candidate, version), ip_address: ip, network_id: s.network_id, port_id: portId });
        await moveCursor.run(tx.db, { subnet: s.id, cursor: String(candidate + 1n) });
        return ip;
      }
      if (taken.length < BATCH) break;
      from = BigInt(`0x${taken.at(-1)!.ip_key}`) + 1n;
    }
  }
  // The count said there was room but no address was free: the count drifted (pools changed); fix it.
  await recount(tx, s);
  return undefined;
}

/** True when `ip` is already allocated in the subnet. */
export async function isAllocated(tx: Tx, subnetId: string, ip: string): Promise<boolean> {
  return Boolean(await tx.db.selectFrom('ip_allocations').select('port_id').where('subnet_id', '=', subnetId).where('ip_key', '=', ipKey(ip)).executeTakeFirst());
}

/** Allocates exactly `ip` (the caller has checked it is in the subnet and free). */
export async function allocateExact(tx: Tx, s: SubnetIpam, ip: string, portId: string): Promise<void> {
  if (inPools(s, ip)) await tx.db.updateTable('ipam_subnets').set((eb) => ({ allocated: eb('allocated', '+', 1) })).where('subnet_id', '=', s.id).execute();
  await tx.db.insertInto('ip_allocations').values({ subnet_id: s.id, ip_key: ipKey(ip), ip_address: ip, network_id: s.network_id, port_id: portId }).execute();
}

/** Releases `ip` (or every address of the port, when `ip` is omitted) in the subnet. */
export async function release(tx: Tx, s: SubnetIpam, portId: string, ip?: string): Promise<void> {
  let q = tx.db.selectFrom('ip_allocations').select(['ip_address', 'ip_key']).where('subnet_id', '=', s.id).where('port_id', '=', portId);
  if (ip) q = q.where('ip_key', '=', ipKey(ip));
  const rows = await q.execute();
  if (!rows.length) return;
  await tx.db.deleteFrom('ip_allocations').where('subnet_id', '=', s.id).where('ip_key', 'in', rows.map((r) => r.ip_key)).execute();
  const inPool = rows.filter((r) => inPools(s, r.ip_address)).length;
  if (inPool) await tx.db.updateTable('ipam_subnets').set((eb) => ({ allocated: eb('allocated', '-', inPool) })).where('subnet_id', '=', s.id).execute();
}

/** Recomputes the in-pool count after the pools changed. */
export async function recount(tx: Tx, s: SubnetIpam): Promise<void> {
  const version = parseNet(s.cidr).version;
  let n = 0;
  for (const p of poolRanges(s)) {
    const row = await tx.db.selectFrom('ip_allocations').select((eb) => eb.fn.countAll<number>().as('n')).where('subnet_id', '=', s.id)
      .where('ip_key', '>=', keyOf(p.start, version)).where('ip_key', '<=', keyOf(p.end, version)).executeTakeFirst();
    n += Number(row?.n ?? 0);
  }
  await tx.db.updateTable('ipam_subnets').set({ allocated: n }).where('subnet_id', '=', s.id).execute();
}

export { inNet };

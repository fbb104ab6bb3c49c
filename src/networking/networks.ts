// Networks: a segment per network (provider attributes, allocated from the pools), sharing and
// external access mirrored as RBAC entries, and deletion refused while ports remain.
import { sql, type Selectable } from 'kysely';
import { newUuid } from '../core/ids.js';
import type { Values } from '../core/resource/index.js';
import { prepared, type Tx } from '../store/index.js';
import type { Database } from '../store/schema.js';
import { deleteIn, type Collection, type Db, type Query } from './collection.js';
import { elevated, type Caller } from './context.js';
import { network } from './definitions/network.js';
import { InvalidInput, NetworkInUse, notFound } from './errors.js';
import { floatingIps } from './floating-ips.js';
import { allocateSegment, requestedSegment } from './segments.js';
import { deleteSubnetRows } from './subnets.js';
import { networkVisible, visible } from './visibility.js';

const PROVIDER = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'] as const;
const RBAC_OF = { shared: 'access_as_shared', 'router:external': 'access_as_external' } as const;

/** Keeps the `*` RBAC entry for `shared` / `router:external` in step with the flag. */
async function syncWildcardRbac(tx: Tx, net: Values, flag: keyof typeof RBAC_OF, on: boolean): Promise<void> {
  const action = RBAC_OF[flag];
  const q = tx.db.deleteFrom('rbac_policies').where('object_type', '=', 'network').where('object_id', '=', String(net.id))
    .where('action', '=', action).where('target_tenant', '=', '*');
  if (!on) { await q.execute(); return; }
  const exists = await tx.db.selectFrom('rbac_policies').select('id').where('object_id', '=', String(net.id)).where('action', '=', action).where('target_tenant', '=', '*').executeTakeFirst();
  if (!exists) {
    await tx.db.insertInto('rbac_policies').values({
      id: newUuid(), project_id: String(net.project_id), object_type: 'network', object_id: String(net.id), action, target_tenant: '*',
    }).execute();
  }
}

export const networks: Collection = {
  def: network,
  notFound: notFound.network,
  visible: visible.network,
  quota: 'network',
  filters: Object.fromEntries(PROVIDER.map((attr) => [attr, (q: Query, values: string[]) => {
    const column = attr.slice('provider:'.length);
    // Each value as its attribute reads a query value; one that names nothing (not a segment id) is dropped.
    const type = network.attributes[attr].type;
    const wanted = values.map((v) => (type.fromQuery ? type.fromQuery(v) : v)).filter((v) => v !== undefined);
    if (!wanted.length) return q.where(sql.lit(false));
    return q.where(sql<boolean>`exists (select 1 from network_segments s where s.network_id = networks.id and ${sql.ref(`s.${column}`)} in (${sql.join(wanted)}))`);
  }])),

  async expand(db, items) {
    const ids = items.map((v) => String(v.id));
    const segments = await db.selectFrom('network_segments').selectAll().where('network_id', 'in', ids).execute();
    const subnets = await db.selectFrom('subnets').leftJoin('subnetpools', 'subnetpools.id', 'subnets.subnetpool_id')
      .select(['subnets.id', 'subnets.network_id', 'subnets.ip_version', 'subnetpools.address_scope_id'])
      .where('subnets.network_id', 'in', ids).orderBy('subnets.created_at').orderBy('subnets.id').execute();
    for (const v of items) {
      const seg = segments.find((s) => s.network_id === v.id);
      v['provider:network_type'] = seg?.network_type ?? null;
      v['provider:physical_network'] = seg?.physical_network ?? null;
      v['provider:segmentation_id'] = seg?.segmentation_id ?? null;
      v.subnets = subnets.filter((s) => s.network_id === v.id).map((s) => s.id);
      v.availability_zone_hints = [];
      v.availability_zones = [];
      // OpenStack: a network is in the address scope of the pools its subnets came from.
      const scope = (version: number) => subnets.find((s) => s.network_id === v.id && s.ip_version === version && s.address_scope_id)?.address_scope_id ?? null;
      v.ipv4_address_scope = scope(4);
      v.ipv6_address_scope = scope(6);
    }
  },

  async beforeCreate(_tx, _caller, values, ctx) {
    const seg = requestedSegment(values, ctx.config);
    const maxMtu = seg.network_type === 'vxlan' ? ctx.config.physicalMtu - 50 : ctx.config.physicalMtu;
    if (values.mtu !== undefined && Number(values.mtu) > maxMtu) throw new InvalidInput(`Requested MTU is too big, maximum is ${maxMtu}`);
    values.mtu ??= maxMtu;
    values.status = 'ACTIVE';
    values.segment = seg;
  },

  async afterCreate(tx, _caller, values, ctx) {
    await allocateSegment(tx, String(values.id), values.segment as ReturnType<typeof requestedSegment>, ctx.config);
    if (values.shared) await syncWildcardRbac(tx, values, 'shared', true);
    if (values['router:external']) await syncWildcardRbac(tx, values, 'router:external', true);
  },

  async beforeUpdate(tx, _caller, current, changes) {
    for (const attr of PROVIDER) {
      if (attr in changes) throw new InvalidInput('Plugin does not support updating provider attributes');
    }
    if (changes.mtu !== undefined && current['provider:network_type'] === 'vxlan' && Number(changes.mtu) > Number(current.mtu) && Number(changes.mtu) > 1450) {
      throw new InvalidInput('Requested MTU is too big, maximum is 1450');
    }
    for (const flag of ['shared', 'router:external'] as const) {
      if (flag in changes && changes[flag] !== current[flag]) await syncWildcardRbac(tx, current, flag, Boolean(changes[flag]));
    }
  },

  async beforeDelete(tx, caller, current, ctx) {
    const id = String(current.id);
    // OpenStack: Neutron deletes an external network's disassociated floating IPs with it
    // (delete_disassociated_floatingips); an associated one keeps the network in use.
    const fips = await tx.db.selectFrom('floatingips').select('id').where('floating_network_id', '=', id).where('port_id', 'is', null).execute();
    for (const f of fips) await deleteIn(tx, floatingIps, ctx, elevated(caller), f.id);
    const ports = await tx.db.selectFrom('ports').select('id').where('network_id', '=', id).execute();
    if (ports.length) throw new NetworkInUse(id, ports.map((p) => p.id));
    const subnets = await tx.db.selectFrom('subnets').select('id').where('network_id', '=', id).execute();
    for (const s of subnets) await deleteSubnetRows(tx, s.id);
    await tx.db.deleteFrom('rbac_policies').where('object_type', '=', 'network').where('object_id', '=', id).execute();
  },
};

type NetworkRow = Selectable<Database['networks']>;

// A port or subnet create reads its network three times (parent check, policy target, defaults):
// within one transaction the first read answers the others. Only creates of things on a network
// read through it, and none of them changes the network.
const readInTx = new WeakMap<object, Map<string, Promise<NetworkRow | undefined>>>();

const byId = prepared((db, p: { id: string }) => db.selectFrom('networks').selectAll().where('id', '=', p.id));

/** The network row, read once per transaction (every time outside one). */
export function networkRow(db: Db, id: string, caller?: Caller): Promise<NetworkRow | undefined> {
  const load = () => {
    if (!caller || caller.isAdmin) return byId.first(db, { id });
    return db.selectFrom('networks').selectAll().where('id', '=', id).where(networkVisible(caller, 'networks.id')).executeTakeFirst();
  };
  if (!db.isTransaction) return load();
  let memo = readInTx.get(db);
  if (!memo) readInTx.set(db, (memo = new Map()));
  const key = `${caller && !caller.isAdmin ? caller.projectId : '*'}:${id}`;
  let row = memo.get(key);
  if (!row) {
    memo.set(key, (row = load()));
    // A network the caller may see is also the plain row a later unfiltered read asks for.
    const plain = `*:${id}`;
    if (key !== plain && !memo.has(plain)) {
      const unfiltered = row.then((r) => r ?? byId.first(db, { id }));
      unfiltered.catch(() => { /* a failed read fails the transaction through `row`; none may await this one */ });
      memo.set(plain, unfiltered);
    }
  }
  return row;
}

/** Loads a network the caller may see, or throws NetworkNotFound. */
export async function visibleNetwork(tx: Tx, caller: Caller, id: string): Promise<NetworkRow> {
  const row = await networkRow(tx.db, id, caller);
  if (!row) throw notFound.network(id);
  return row;
}

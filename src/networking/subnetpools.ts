// Subnet pools (subnet_allocation, default-subnetpools) and address scopes: a subnet asked of a
// pool gets the first free prefix of the requested length inside the pool's prefixes.
import { BadRequest, Conflict } from '../core/errors.js';
import type { Values } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import type { Collection } from './collection.js';
import type { Caller } from './context.js';
import { addressScope } from './definitions/address-scope.js';
import { subnetpool } from './definitions/subnetpool.js';
import { InvalidInput, notFound } from './errors.js';
import { canonicalCidr, fromBig, mergeCidrs, overlaps, parseNet, type Net } from './ipam/ip.js';
import { visible } from './visibility.js';

/** The CIDR (and pool id) for a subnet created from a pool with `prefixlen` or a `cidr` inside it. */
export async function allocateFromPool(tx: Tx, caller: Caller, values: Values): Promise<Values> {
  let q = tx.db.selectFrom('subnetpools').selectAll();
  if (values.subnetpool_id) q = q.where('id', '=', String(values.subnetpool_id));
  else q = q.where('is_default', '=', 1).where('ip_version', '=', Number(values.ip_version ?? 4));
  const pool = await q.executeTakeFirst();
  if (!pool || (!caller.isAdmin && pool.project_id !== caller.projectId && !pool.shared)) {
    if (!values.subnetpool_id) throw new BadRequest('No default subnetpool found for IPv4', 'BadRequest');
    throw notFound.subnetpool(String(values.subnetpool_id));
  }
  const prefixes = (JSON.parse(pool.prefixes) as string[]).map(parseNet);
  // Taken space: subnets of this pool, or of any pool in the same address scope.
  const scoped = pool.address_scope_id
    ? tx.db.selectFrom('subnetpools').select('id').where('address_scope_id', '=', pool.address_scope_id)
    : tx.db.selectFrom('subnetpools').select('id').where('id', '=', pool.id);
  const taken = (await tx.db.selectFrom('subnets').select('cidr').where('subnetpool_id', 'in', scoped).execute()).map((s) => parseNet(s.cidr));
  if (values.cidr !== undefined) {
    const net = parseNet(canonicalCidr(String(values.cidr)));
    if (!prefixes.some((p) => p.version === net.version && net.first >= p.first && net.last <= p.last)) {
      throw new BadRequest(`Cidr ${String(values.cidr)} not within subnet pool prefixes`, 'SubnetAllocationError');
    }
    if (taken.some((t) => overlaps(t, net))) throw new Conflict(`Failed to allocate subnet: ${String(values.cidr)} overlaps with an allocated prefix.`, 'SubnetAllocationError');
    return { subnetpool_id: pool.id, cidr: canonicalCidr(String(values.cidr)) };
  }
  const len = Number(values.prefixlen ?? pool.default_prefixlen);
  if (len > pool.max_prefixlen) throw new BadRequest(`Unable to allocate subnet with prefix length ${len}, maximum allowed prefix is ${pool.max_prefixlen}.`, 'MaxPrefixSubnetAllocationError');
  if (len < pool.min_prefixlen) throw new BadRequest(`Unable to allocate subnet with prefix length ${len}, minimum allowed prefix is ${pool.min_prefixlen}.`, 'MinPrefixSubnetAllocationError');
  const free = firstFreePrefix(prefixes, taken, len);
  if (free) return { subnetpool_id: pool.id, cidr: `${fromBig(free.first, free.version)}/${len}`, ip_version: free.version };
  throw new Conflict(`Insufficient prefix space to allocate subnet size /${len}.`, 'SubnetAllocationError');
}

/** The first prefix of length `len` inside `prefixes` that overlaps nothing `taken`. */
export function firstFreePrefix(prefixes: readonly Net[], taken: readonly Net[], len: number): Net | undefined {
  for (const p of prefixes) {
    if (len < p.prefix) continue;
    const step = 1n << BigInt((p.version === 4 ? 32 : 128) - len);
    for (let first = p.first; first + step - 1n <= p.last; first += step) {
      const candidate: Net = { version: p.version, prefix: len, first, last: first + step - 1n };
      const clash = taken.find((t) => overlaps(t, candidate));
      if (!clash) return candidate;
      // Skip past the clashing subnet rather than stepping through it block by block.
      if (clash.last > first + step - 1n) first = ((clash.last + 1n) / step) * step - step;
    }
  }
  return undefined;
}

function checkPrefixes(prefixes: string[]): { nets: Net[]; version: 4 | 6 } {
  const nets = prefixes.map((p) => parseNet(canonicalCidr(p)));
  const version = nets[0]?.version;
  if (!version || nets.some((n) => n.version !== version)) throw new InvalidInput('Illegal subnetpool prefixes: prefixes must be of one IP version and at least one given');
  return { nets, version };
}

export const subnetpools: Collection = {
  def: subnetpool,
  path: 'subnetpools',
  notFound: notFound.subnetpool,
  visible: visible.sharedOr('subnetpools'),
  quota: 'subnetpool',

  async beforeCreate(tx, _caller, values) {
    const { nets, version } = checkPrefixes(values.prefixes as string[]);
    values.prefixes = mergeCidrs(nets);
    values.ip_version = version;
    const max = version === 4 ? 32 : 128;
    values.min_prefixlen ??= version === 4 ? 8 : 64;
    values.max_prefixlen ??= max;
    values.default_prefixlen ??= values.min_prefixlen;
    const [min, dflt, hi] = [Number(values.min_prefixlen), Number(values.default_prefixlen), Number(values.max_prefixlen)];
    if (hi > max || !(min <= dflt && dflt <= hi)) throw new InvalidInput(`Illegal prefix bounds: min_prefixlen=${min}, default_prefixlen=${dflt}, max_prefixlen=${hi}`);
    await checkScope(tx, values.address_scope_id, version);
    if (values.is_default) await onlyDefault(tx, version, '');
  },

  async beforeUpdate(tx, _caller, current, changes) {
    if (changes.prefixes) {
      const { nets } = checkPrefixes(changes.prefixes as string[]);
      const old = (current.prefixes as string[]).map(parseNet);
      if (!old.every((o) => nets.some((n) => o.first >= n.first && o.last <= n.last))) throw new InvalidInput('Illegal update to prefixes: existing prefixes must be kept');
      changes.prefixes = mergeCidrs([...nets, ...old]);
    }
    if ('address_scope_id' in changes) await checkScope(tx, changes.address_scope_id, Number(current.ip_version));
    if (changes.is_default) await onlyDefault(tx, Number(current.ip_version), String(current.id));
  },

  async beforeDelete(tx, _caller, current) {
    const used = await tx.db.selectFrom('subnets').select('id').where('subnetpool_id', '=', String(current.id)).executeTakeFirst();
    if (used) throw new Conflict('Unable to delete subnet pool: Subnet pool has existing allocations.', 'SubnetPoolDeleteError');
  },
};

async function checkScope(tx: Tx, scopeId: unknown, version: number): Promise<void> {
  if (!scopeId) return;
  const scope = await tx.db.selectFrom('address_scopes').select('ip_version').where('id', '=', String(scopeId)).executeTakeFirst();
  if (!scope) throw notFound.address_scope(String(scopeId));
  if (scope.ip_version !== version) throw new InvalidInput(`Illegal subnetpool association: subnetpool of IP version ${version} cannot be associated with address scope of IP version ${scope.ip_version}`);
}

async function onlyDefault(tx: Tx, version: number, self: string): Promise<void> {
  const other = await tx.db.selectFrom('subnetpools').select('id').where('is_default', '=', 1).where('ip_version', '=', version).where('id', '<>', self).executeTakeFirst();
  if (other) throw new InvalidInput(`A default subnetpool for this IP family has already been set. Only one default may exist per IP family`);
}

export const addressScopes: Collection = {
  def: addressScope,
  path: 'address-scopes',
  notFound: notFound.address_scope,
  visible: visible.sharedOr('address_scopes'),
  async beforeUpdate(_tx, _caller, current, changes) {
    if (current.shared && changes.shared === false) throw new BadRequest(`Unable to update address scope ${String(current.id)} : Shared address scope can't be unshared.`, 'AddressScopeUpdateError');
  },
  async beforeDelete(tx, _caller, current) {
    const used = await tx.db.selectFrom('subnetpools').select('id').where('address_scope_id', '=', String(current.id)).executeTakeFirst();
    if (used) throw new Conflict(`Unable to complete operation on address scope ${String(current.id)}. There are one or more subnet pools in use on the address scope.`, 'AddressScopeInUse');
  },
};

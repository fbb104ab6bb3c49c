// Security groups and rules: each project's `default` group (made on first use, with Neutron's
// default rules, exactly once even across processes), rule validation and duplicate detection,
// and the in-use checks on delete.
import { isoSeconds, newUuid } from '../core/ids.js';
import { fromRow, type Values } from '../core/resource/index.js';
import { prepared, type Tx } from '../store/index.js';
import { touch, type Collection, type Db } from './collection.js';
import { securityGroup, securityGroupRule } from './definitions/security-group.js';
import { BadRequest, Conflict } from '../core/errors.js';
import { InvalidInput, SecurityGroupCannotRemoveDefault, SecurityGroupInUse, SecurityGroupRuleExists, notFound } from './errors.js';
import { canonicalCidr, parseNet } from './ipam/ip.js';
import { PROTOCOLS, cidr, protocol as protocolType } from './types.js';
import { visible } from './visibility.js';

type RuleRow = Omit<import('./tables.js').NetworkingTables['security_group_rules'], never>;

function ruleRow(projectId: string, sgId: string, r: Partial<RuleRow>): RuleRow {
  const now = isoSeconds();
  return {
    id: newUuid(), project_id: projectId, security_group_id: sgId, description: null, created_at: now, updated_at: now, revision_number: 0,
    direction: 'egress', ethertype: 'IPv4', protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null, remote_group_id: null, ...r,
  };
}

/** Creates a group with Neutron's default egress rules (and, for `default`, ingress from itself). */
async function insertGroup(tx: Tx, projectId: string, values: { id: string; name: string; description: string | null; stateful: boolean }, isDefault: boolean): Promise<void> {
  const now = isoSeconds();
  await tx.db.insertInto('security_groups').values({
    id: values.id, project_id: projectId, name: values.name, description: values.description, created_at: now, updated_at: now,
    revision_number: 0, stateful: values.stateful ? 1 : 0,
  }).execute();
  await insertDefaultRules(tx, projectId, values.id, isDefault);
}

async function insertDefaultRules(tx: Tx, projectId: string, sgId: string, isDefault: boolean): Promise<void> {
  const rules: RuleRow[] = [];
  for (const ethertype of ['IPv4', 'IPv6']) {
    if (isDefault) rules.push(ruleRow(projectId, sgId, { direction: 'ingress', ethertype, remote_group_id: sgId }));
    rules.push(ruleRow(projectId, sgId, { direction: 'egress', ethertype }));
  }
  await tx.db.insertInto('security_group_rules').values(rules).execute();
}

/** The project's `default` group id, created with its rules if the project has none yet. */
const defaultGroup = prepared((db, p: { project: string }) => db.selectFrom('default_security_groups').select('security_group_id').where('project_id', '=', p.project));

export async function ensureDefaultGroup(tx: Tx, projectId: string): Promise<string> {
  const row = await defaultGroup.first(tx.db, { project: projectId });
  if (row) return row.security_group_id;
  const id = newUuid();
  await insertGroup(tx, projectId, { id, name: 'default', description: 'Default security group', stateful: true }, true);
  // Two processes racing here: the primary key fails one transaction, which retries and finds this row.
  await tx.db.insertInto('default_security_groups').values({ project_id: projectId, security_group_id: id }).execute();
  await tx.emit({ resource: 'security_group', id, action: 'create', projectId });
  return id;
}

async function loadRules(db: Db, groupIds: string[]): Promise<Values[]> {
  if (!groupIds.length) return [];
  const rows = await db.selectFrom('security_group_rules').selectAll().where('security_group_id', 'in', groupIds).orderBy('created_at').orderBy('id').execute();
  const tags = await db.selectFrom('tags').select(['resource_id', 'tag']).where('resource_type', '=', 'security_group_rule').where('resource_id', 'in', rows.length ? rows.map((r) => r.id) : ['']).execute();
  return rows.map((r) => ruleView(fromRow(securityGroupRule, r as never), tags.filter((t) => t.resource_id === r.id).map((t) => t.tag)));
}

function ruleView(v: Values, tags: string[]): Values {
  v.tenant_id = v.project_id;
  v.tags = tags;
  v.remote_address_group_id = null;
  v.normalized_cidr = v.remote_ip_prefix ? canonicalCidr(String(v.remote_ip_prefix)) : null;
  return v;
}

export const securityGroups: Collection = {
  def: securityGroup,
  path: 'security-groups',
  notFound: notFound.security_group,
  quota: 'security_group',
  // OpenStack: listing security groups gives the caller's project its default group.
  async prepare(caller, ctx) {
    if (!caller.projectId) return;
    const has = await ctx.store.db.selectFrom('default_security_groups').select('project_id').where('project_id', '=', caller.projectId).executeTakeFirst();
    if (!has) await ctx.store.tx((tx) => ensureDefaultGroup(tx, caller.projectId), { retryUnique: true });
  },
  async expand(db, items) {
    const rules = await loadRules(db, items.map((v) => String(v.id)));
    for (const v of items) {
      v.shared = false;
      v.security_group_rules = rules.filter((r) => r.security_group_id === v.id);
    }
  },
  async afterCreate(tx, _caller, values) {
    await insertDefaultRules(tx, String(values.project_id), String(values.id), false);
  },
  async beforeCreate(tx, _caller, values) {
    // The project's default group exists before any other; a second "default" is refused.
    await ensureDefaultGroup(tx, String(values.project_id));
    refuseDefaultName(values.name);
  },
  async beforeUpdate(tx, _caller, current, changes) {
    refuseDefaultName(changes.name);
    const isDefault = await tx.db.selectFrom('default_security_groups').select('project_id').where('security_group_id', '=', String(current.id)).executeTakeFirst();
    if (isDefault && changes.name !== undefined && changes.name !== 'default') throw new Conflict('Updating default security group not allowed.', 'SecurityGroupCannotUpdateDefault');
  },
  async beforeDelete(tx, caller, current) {
    const id = String(current.id);
    const isDefault = await tx.db.selectFrom('default_security_groups').select('project_id').where('security_group_id', '=', id).executeTakeFirst();
    if (isDefault && !caller.isAdmin) throw new SecurityGroupCannotRemoveDefault();
    const used = await tx.db.selectFrom('port_security_groups').select('port_id').where('security_group_id', '=', id).executeTakeFirst();
    if (used) throw new SecurityGroupInUse(id);
    // Rules elsewhere that name this group as their remote go with it.
    await tx.db.deleteFrom('security_group_rules').where('remote_group_id', '=', id).execute();
    await tx.db.deleteFrom('security_group_rules').where('security_group_id', '=', id).execute();
    await tx.db.deleteFrom('default_security_groups').where('security_group_id', '=', id).execute();
  },
};

/** OpenStack: Neutron's name_not_default validator, on create and update alike, any case. */
function refuseDefaultName(name: unknown): void {
  if (typeof name === 'string' && name.toLowerCase() === 'default') throw new Conflict('Default security group already exists.', 'SecurityGroupDefaultAlreadyExists');
}

const PORTED = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', '6', '17', '132', '33', '136']);
const ICMP = new Set(['icmp', 'ipv6-icmp', 'icmpv6', '1', '58']);

function checkRule(v: Values): void {
  if (v.ethertype !== 'IPv4' && v.ethertype !== 'IPv6') {
    throw new BadRequest(`Security group rule for ethertype '${String(v.ethertype)}' not supported. Allowed values are ['IPv4', 'IPv6'].`, 'SecurityGroupRuleInvalidEtherType');
  }
  if (v.protocol !== null && protocolType.check(v.protocol)) throw new BadRequest(`${protocolType.check(v.protocol)}.`, 'SecurityGroupRuleInvalidProtocol');
  v.protocol = v.protocol === null ? null : String(v.protocol).toLowerCase();
  const proto = v.protocol as string | null;
  const [min, max] = [v.port_range_min as number | null, v.port_range_max as number | null];
  // OpenStack: Neutron's port converter bounds both values for every protocol (ICMP's too).
  for (const p of [min, max]) {
    if (p !== null && (p < 0 || p > 65535)) throw new BadRequest(`Invalid value for port ${p}.`, 'SecurityGroupInvalidPortValue');
  }
  if (v.remote_ip_prefix && v.remote_group_id) {
    throw new BadRequest('Only remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.', 'SecurityGroupMultipleRemoteEntites');
  }
  if (v.remote_ip_prefix) {
    if (cidr.check(v.remote_ip_prefix)) throw new BadRequest(`Invalid CIDR ${String(v.remote_ip_prefix)} given as IP prefix.`, 'InvalidCIDR');
    v.remote_ip_prefix = cidr.convert!(v.remote_ip_prefix);
    const version = parseNet(String(v.remote_ip_prefix)).version;
    if ((version === 4) !== (v.ethertype === 'IPv4')) {
      throw new BadRequest(`Conflicting value ethertype ${String(v.ethertype)} for CIDR ${String(v.remote_ip_prefix)}`, 'SecurityGroupRuleParameterConflict');
    }
  }
  if (proto === null && (min !== null || max !== null)) {
    throw new BadRequest('Must also specify protocol if port range is given.', 'SecurityGroupProtocolRequiredWithPorts');
  }
  if (proto !== null && PORTED.has(proto)) {
    if ((min === 0) || (max === 0)) throw new BadRequest('Invalid value for port 0', 'SecurityGroupInvalidPortValue');
    // A range needs both ends (one alone is no range), the lower first.
    if ((min !== null || max !== null) && !(min !== null && max !== null && min <= max)) {
      throw new BadRequest('For TCP/UDP protocols, port_range_min must be <= port_range_max', 'SecurityGroupInvalidPortRange');
    }
  } else if (proto !== null && ICMP.has(proto)) {
    if (min !== null && min > 255) throw new BadRequest(`Invalid value for ICMP type (port_range_min) ${min}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
    if (max !== null && max > 255) throw new BadRequest(`Invalid value for ICMP code (port_range_max) ${max}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
    if (min === null && max !== null) throw new BadRequest(`ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`, 'SecurityGroupMissingIcmpType');
  } else if (proto !== null && (min !== null || max !== null)) {
    throw new BadRequest(`Invalid protocol ${proto} for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.`, 'SecurityGroupInvalidProtocolForPort');
  }
  if (proto !== null && !(proto in PROTOCOLS) && !/^\d+$/.test(proto)) throw new InvalidInput(`Protocol ${proto} is not supported`);
}

export const securityGroupRules: Collection = {
  def: securityGroupRule,
  path: 'security-group-rules',
  notFound: notFound.security_group_rule,
  visible: visible.securityGroupRule,
  quota: 'security_group_rule',
  async expand(_db, items) {
    for (const v of items) ruleView(v, v.tags as string[]);
  },
  async target(db, v) {
    const sg = typeof v.security_group_id === 'string'
      ? await db.selectFrom('security_groups').select('project_id').where('id', '=', v.security_group_id).executeTakeFirst() : undefined;
    return sg ? { 'security_group:project_id': sg.project_id } : {};
  },
  async beforeCreate(tx, caller, values) {
    const sgId = String(values.security_group_id);
    let q = tx.db.selectFrom('security_groups').select(['id', 'project_id']).where('id', '=', sgId);
    if (!caller.isAdmin) q = q.where('project_id', '=', caller.projectId);
    const sg = await q.executeTakeFirst();
    if (!sg) throw notFound.security_group(sgId);
    if (caller.isAdmin && values.project_id === caller.projectId) values.project_id = sg.project_id;
    if (values.remote_group_id) {
      const remote = await tx.db.selectFrom('security_groups').select('id').where('id', '=', String(values.remote_group_id)).executeTakeFirst();
      if (!remote) throw notFound.security_group(String(values.remote_group_id));
    }
    checkRule(values);
    // OpenStack: a duplicate is the same rule however it is spelt (tcp or 6, 10.0.0.5/8 or 10.0.0.0/8).
    const proto = (p: string | null) => (p === null ? null : String(PROTOCOLS[p] ?? p));
    const prefix = (c: string | null) => (c === null ? null : canonicalCidr(c));
    const same = (await tx.db.selectFrom('security_group_rules').selectAll().where('security_group_id', '=', sgId)
      .where('direction', '=', String(values.direction)).where('ethertype', '=', String(values.ethertype)).execute())
      .find((r) => proto(r.protocol) === proto(values.protocol as string | null) && r.port_range_min === values.port_range_min
        && r.port_range_max === values.port_range_max && prefix(r.remote_ip_prefix) === prefix(values.remote_ip_prefix as string | null)
        && r.remote_group_id === values.remote_group_id);
    if (same) throw new SecurityGroupRuleExists(same.id);
    await touch(tx, securityGroups, sgId);
  },
  async beforeDelete(tx, _caller, current) {
    await touch(tx, securityGroups, String(current.security_group_id));
  },
};

export { insertGroup };

// Domain-specific configuration (/v3/domains/{id}/config[/{group}[/{option}]] and the defaults
// under /v3/domains/config): stored and shown as Keystone does, for the `identity` and `ldap`
// groups and their whitelisted options. Pier keeps every domain's users in its own store, so a
// stored driver or LDAP setting is recorded, not acted on.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Forbidden, NotFound } from '../core/errors.js';
import { authorize, loadEntity } from './crud.js';
import { domain } from './definitions/domain.js';
import { DOMAIN_CONFIG_DEFAULTS, SENSITIVE_OPTIONS } from './domain-config-defaults.js';
import type { IdentityState } from './state.js';

type Config = Record<string, Record<string, unknown>>;
type P = { Params: { id: string; group?: string; option?: string } };

const invalid = (reason: string) => new Forbidden(`Invalid domain specific configuration: ${reason}.`, 'InvalidDomainConfig');
const missing = (domainId: string, what: string) => new NotFound(`Could not find ${what} in domain configuration for domain ${domainId}.`, 'DomainConfigNotFound');

/** Refuses a group or option outside Keystone's whitelist (403 InvalidDomainConfig). */
function checkName(group: string, option?: string): void {
  if (!Object.hasOwn(DOMAIN_CONFIG_DEFAULTS, group)) throw invalid(`Group ${group} is not supported for domain specific configurations`);
  if (option !== undefined && !Object.hasOwn(DOMAIN_CONFIG_DEFAULTS[group]!, option) && !SENSITIVE_OPTIONS[group]!.includes(option)) {
    throw invalid(`Option ${option} in group ${group} is not supported for domain specific configurations`);
  }
}

function checkConfig(config: unknown): Config {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || !Object.keys(config).length) {
    throw invalid('Domain config must be a non-empty object of groups');
  }
  for (const [group, options] of Object.entries(config)) {
    checkName(group);
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalid(`Group ${group} must be an object of options`);
    for (const option of Object.keys(options)) checkName(group, option);
  }
  return config as Config;
}

/** Without the sensitive options, which are never shown. */
function shown(config: Config): Config {
  return Object.fromEntries(Object.entries(config).map(([g, o]) => [g, Object.fromEntries(Object.entries(o).filter(([k]) => !SENSITIVE_OPTIONS[g]?.includes(k)))]));
}

export function domainConfigRoutes(scope: FastifyInstance, state: IdentityState): void {
  const read = async (id: string): Promise<Config | undefined> => {
    await loadEntity(state, domain, id);
    const row = await state.store.db.selectFrom('domain_configs').select('config').where('domain_id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.config) as Config) : undefined;
  };
  const write = async (id: string, config: Config | undefined) => {
    await state.store.tx(async (tx) => {
      await tx.db.deleteFrom('domain_configs').where('domain_id', '=', id).execute();
      if (config && Object.keys(config).length) await tx.db.insertInto('domain_configs').values({ domain_id: id, config: JSON.stringify(config) }).execute();
      await tx.emit({ resource: 'domain_config', id, action: 'update' });
    });
  };
  /** The stored part the path names, or DomainConfigNotFound. */
  const part = async (id: string, group?: string, option?: string) => {
    if (group !== undefined) checkName(group, option);
    const config = await read(id);
    if (!config) throw missing(id, 'any options');
    if (group === undefined) return shown(config);
    const g = config[group];
    if (!g) throw missing(id, `group ${group}`);
    if (option === undefined) return shown({ [group]: g });
    if (!Object.hasOwn(g, option) || SENSITIVE_OPTIONS[group]?.includes(option)) throw missing(id, `option ${option} in group ${group}`);
    return { [option]: g[option] };
  };
  const body = (b: unknown) => (b as { config?: unknown } | undefined)?.config;

  scope.put<P>('/v3/domains/:id/config', async (req, reply: FastifyReply) => {
    authorize(req, 'identity:create_domain_config');
    const config = checkConfig(body(req.body));
    const existed = await read(req.params.id);
    await write(req.params.id, config);
    return reply.code(existed ? 200 : 201).send({ config: shown(config) });
  });

  for (const path of ['/v3/domains/:id/config', '/v3/domains/:id/config/:group', '/v3/domains/:id/config/:group/:option']) {
    scope.get<P>(path, async (req) => {
      authorize(req, 'identity:get_domain_config');
      return { config: await part(req.params.id, req.params.group, req.params.option) };
    });
    // An update merges into what is stored: options into their group, groups into the config.
    scope.patch<P>(path, async (req) => {
      authorize(req, 'identity:update_domain_config');
      const { id, group, option } = req.params;
      const stored = await read(id);
      if (!stored) throw missing(id, 'any options');
      const given = body(req.body);
      const changes: Config = option !== undefined ? { [group!]: checkOption(group!, option, given) } : checkConfig(given);
      if (group !== undefined && Object.keys(changes).some((g) => g !== group)) throw invalid(`Trying to update group ${group}, so that, and only that, group must be specified in the config`);
      if (group !== undefined && !stored[group]) throw missing(id, `group ${group}`);
      const merged: Config = { ...stored };
      for (const [g, o] of Object.entries(changes)) merged[g] = { ...merged[g], ...o };
      await write(id, merged);
      // OpenStack: whatever the path named, Keystone answers with the whole configuration.
      return { config: shown(merged) };
    });
    scope.delete<P>(path, async (req, reply: FastifyReply) => {
      authorize(req, 'identity:delete_domain_config');
      const { id, group, option } = req.params;
      await part(id, group, option);
      const stored = (await read(id))!;
      if (group === undefined) await write(id, undefined);
      else if (option === undefined) { delete stored[group]; await write(id, stored); }
      else { delete stored[group]![option]; if (!Object.keys(stored[group]!).length) delete stored[group]; await write(id, stored); }
      return reply.code(204).send();
    });
  }

  type D = { Params: { group?: string; option?: string } };
  scope.get('/v3/domains/config/default', async (req) => {
    authorize(req, 'identity:get_domain_config_default');
    return { config: DOMAIN_CONFIG_DEFAULTS };
  });
  scope.get<D>('/v3/domains/config/:group/default', async (req) => {
    authorize(req, 'identity:get_domain_config_default');
    checkName(req.params.group!);
    return { config: { [req.params.group!]: DOMAIN_CONFIG_DEFAULTS[req.params.group!] } };
  });
  scope.get<D>('/v3/domains/config/:group/:option/default', async (req) => {
    authorize(req, 'identity:get_domain_config_default');
    const { group, option } = req.params as { group: string; option: string };
    checkName(group, option);
    if (SENSITIVE_OPTIONS[group]!.includes(option)) throw invalid(`Reading the default for option ${option} in group ${group} is not supported`);
    return { config: { [option]: DOMAIN_CONFIG_DEFAULTS[group]![option] } };
  });
}

/** An option update's body: `{option: value}` naming that option only. */
function checkOption(group: string, option: string, given: unknown): Record<string, unknown> {
  if (given === null || typeof given !== 'object' || Array.isArray(given) || Object.keys(given).length !== 1 || !Object.hasOwn(given, option)) {
    throw invalid(`Trying to update option ${option} in group ${group}, so that, and only that, option must be specified in the config`);
  }
  return given as Record<string, unknown>;
}

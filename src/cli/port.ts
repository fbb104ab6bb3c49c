// `pier port plug PORT --netns NS [--ifname eth0]` and `pier port unplug PORT`: asks the running
// Pier (found through <data-dir>/clouds.yaml, as the admin cloud `pier`) to (un)plug a port.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const HELP = `Usage: pier port plug PORT_ID --netns NAME [--ifname NAME] [--data-dir DIR]
       pier port unplug PORT_ID [--data-dir DIR]

Plugs a Neutron port into a network namespace on this host (its far end appears there as
--ifname, default eth0, with the port's MAC, addresses and routes), or unplugs it.
Talks to the Pier whose clouds.yaml is in --data-dir (default $PIER_DATA_DIR or ./.pier).
`;

export async function port(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        netns: { type: 'string' }, ifname: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        'data-dir': { type: 'string', default: process.env.PIER_DATA_DIR ?? './.pier' },
      },
    });
  } catch (err) {
    process.stderr.write(`pier port: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  const [action, portId] = parsed.positionals;
  if (parsed.values.help) { process.stdout.write(HELP); return 0; }
  if ((action !== 'plug' && action !== 'unplug') || !portId || (action === 'plug' && !parsed.values.netns)) {
    process.stderr.write(HELP);
    return 2;
  }
  try {
    const { url, token } = await login(resolve(parsed.values['data-dir']!));
    const res = await fetch(`${url}/pier/v1/ports/${encodeURIComponent(portId)}/plug`, {
      method: action === 'plug' ? 'PUT' : 'DELETE',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: action === 'plug' ? JSON.stringify({ netns: parsed.values.netns, ...(parsed.values.ifname ? { ifname: parsed.values.ifname } : {}) }) : undefined,
    });
    if (res.status !== 204) {
      const body = (await res.json().catch(() => ({}))) as { NeutronError?: { message?: string } };
      process.stderr.write(`pier port ${action}: ${body.NeutronError?.message ?? `HTTP ${res.status}`}\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`pier port ${action}: ${(err as Error).message}\n`);
    return 1;
  }
}

async function login(dataDir: string): Promise<{ url: string; token: string }> {
  let auth: Record<string, string>;
  try {
    auth = (parse(readFileSync(join(dataDir, 'clouds.yaml'), 'utf8')) as { clouds: { pier: { auth: Record<string, string> } } }).clouds.pier.auth;
  } catch {
    throw new Error(`no Pier clouds.yaml in ${dataDir} (is Pier running with --data-dir ${dataDir}?)`);
  }
  const res = await fetch(`${auth.auth_url}/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: auth.username, domain: { name: auth.user_domain_name }, password: auth.password } } },
      scope: { project: { name: auth.project_name, domain: { name: auth.project_domain_name } } } } }),
  }).catch(() => { throw new Error(`cannot reach Pier at ${auth.auth_url}`); });
  if (res.status !== 201) throw new Error(`cannot log in to Pier (HTTP ${res.status})`);
  return { url: auth.auth_url!.replace(/\/identity\/v3\/?$/, ''), token: res.headers.get('x-subject-token')! };
}

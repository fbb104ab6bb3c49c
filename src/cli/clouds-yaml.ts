// <data-dir>/clouds.yaml: the `pier` (admin) and `pier-demo` clouds for the openstack CLI and
// openstacksdk. Passwords are known only when generated or given; on later starts the file's
// passwords are kept and only the auth URL is refreshed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

type Clouds = { clouds?: Record<string, { auth?: Record<string, unknown> }> };

export function writeCloudsYaml(dataDir: string, authUrl: string, passwords: { admin?: string; demo?: string }): string {
  const file = join(dataDir, 'clouds.yaml');
  const old = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Clouds | null) : null;
  const kept = (cloud: string) => old?.clouds?.[cloud]?.auth?.password as string | undefined;
  const cloud = (user: string, project: string, password: string | undefined) => ({
    auth: { auth_url: authUrl, username: user, password: password ?? '', project_name: project, user_domain_name: 'Default', project_domain_name: 'Default' },
    region_name: 'RegionOne',
    identity_api_version: 3,
    interface: 'public',
  });
  const doc = {
    clouds: {
      pier: cloud('admin', 'admin', passwords.admin ?? kept('pier')),
      'pier-demo': cloud('demo', 'demo', passwords.demo ?? kept('pier-demo')),
    },
  };
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}

// A small world for the fuzzer to hit: one of each kind of resource every service serves, made
// by real requests whose paths give the fuzzer real ids and whose bodies it mutates.
import assert from 'node:assert/strict';
import type { MountedRoute } from '../../../src/core/http/server.js';
import { call } from '../pier.js';
import type { ParamSource } from './params.js';

export interface World {
  /** Bodies the seeding sent, by `METHOD url-pattern`. */
  samples: Map<string, unknown>;
  /** Ids the run must keep: the callers' users, projects and roles, the default domain. */
  protectedIds: Set<string>;
}

/** The mounted pattern a concrete path matches (the one with most literal segments). */
export function patternOf(routes: readonly MountedRoute[], method: string, path: string): string | undefined {
  const segs = path.split('?')[0]!.split('/');
  let best: { url: string; literals: number } | undefined;
  for (const r of routes) {
    if (r.method !== method) continue;
    const p = r.url.split('/');
    if (p.length !== segs.length || !p.every((s, i) => s.startsWith(':') || s === segs[i])) continue;
    const literals = p.filter((s) => !s.startsWith(':')).length;
    if (!best || literals > best.literals) best = { url: r.url, literals };
  }
  return best?.url;
}

export async function seedWorld(base: string, routes: readonly MountedRoute[], params: ParamSource, admin: string, member: string): Promise<World> {
  const samples = new Map<string, unknown>();
  const req = async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await call(base, method, path, { token, body, headers });
    assert.ok(r.status < 300, `seed ${method} ${path}: ${r.status} ${String(JSON.stringify(r.body)).slice(0, 400)}`);
    params.observe(path);
    const pattern = patternOf(routes, method, path);
    if (pattern && body !== undefined) samples.set(`${method} ${pattern}`, body);
    return r.body;
  };
  const who = async (token: string) => (await call(base, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token;
  const me = await who(admin);
  const demo = await who(member);
  const protectedIds = new Set<string>(['default', me.user.id, me.project.id, demo.user.id, demo.project.id, ...me.roles.map((x: { id: string }) => x.id), ...demo.roles.map((x: { id: string }) => x.id)]);

  // Identity.
  const ks = (method: string, path: string, body?: unknown) => req(admin, method, `/identity/v3${path}`, body);
  const domain = (await ks('POST', '/domains', { domain: { name: 'fz-domain', enabled: false } })).domain;
  const project = (await ks('POST', '/projects', { project: { name: 'fz-project', domain_id: 'default', description: 'x' } })).project;
  const user = (await ks('POST', '/users', { user: { name: 'fz-user', domain_id: 'default', password: 'fz-password', default_project_id: project.id } })).user;
  const group = (await ks('POST', '/groups', { group: { name: 'fz-group', domain_id: 'default' } })).group;
  const role = (await ks('POST', '/roles', { role: { name: 'fz-role' } })).role;
  await ks('PUT', `/projects/${project.id}/users/${user.id}/roles/${role.id}`);
  await ks('PUT', `/domains/${domain.id}/groups/${group.id}/roles/${role.id}`);
  await ks('PUT', `/groups/${group.id}/users/${user.id}`);
  await ks('PATCH', `/projects/${project.id}`, { project: { description: 'y' } });
  await ks('GET', `/users/${user.id}/projects`);
  await ks('POST', '/regions', { region: { id: 'fz-region', description: 'x' } });
  const service = (await ks('POST', '/services', { service: { type: 'fz', name: 'fz' } })).service;
  await ks('POST', '/endpoints', { endpoint: { service_id: service.id, interface: 'public', url: 'http://fz.invalid/', region_id: 'fz-region' } });
  await req(member, 'POST', `/identity/v3/users/${demo.user.id}/application_credentials`, { application_credential: { name: 'fz-cred', description: 'x' } });
  await req(admin, 'POST', '/identity/v3/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: user.id, password: 'fz-password' } } } } });

  // Networking: the member's network, subnet, port, router, security group; the admin's external network.
  const nn = (token: string, method: string, path: string, body?: unknown) => req(token, method, `/networking/v2.0${path}`, body);
  const net = (await nn(member, 'POST', '/networks', { network: { name: 'fz-net' } })).network;
  const subnet = (await nn(member, 'POST', '/subnets', { subnet: { network_id: net.id, cidr: '10.77.0.0/24', ip_version: 4, name: 'fz-subnet' } })).subnet;
  await nn(member, 'POST', '/ports', { port: { network_id: net.id, name: 'fz-port', fixed_ips: [{ subnet_id: subnet.id }] } });
  await nn(member, 'PUT', `/networks/${net.id}`, { network: { name: 'fz-net2' } });
  const sg = (await nn(member, 'POST', '/security-groups', { security_group: { name: 'fz-sg' } })).security_group;
  await nn(member, 'POST', '/security-group-rules', { security_group_rule: { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, ethertype: 'IPv4' } });
  await nn(admin, 'GET', '/security-groups');
  const ext = (await nn(admin, 'POST', '/networks', { network: { name: 'fz-ext', 'router:external': true } })).network;
  await nn(admin, 'POST', '/subnets', { subnet: { network_id: ext.id, cidr: '172.31.77.0/24', ip_version: 4 } });
  const router = (await nn(member, 'POST', '/routers', { router: { name: 'fz-router', external_gateway_info: { network_id: ext.id } } })).router;
  await nn(member, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
  await nn(member, 'POST', '/floatingips', { floatingip: { floating_network_id: ext.id } });
  await nn(admin, 'POST', '/address-scopes', { address_scope: { name: 'fz-scope', ip_version: 4 } });
  await nn(admin, 'POST', '/subnetpools', { subnetpool: { name: 'fz-pool', prefixes: ['10.200.0.0/16'], default_prefixlen: 24 } });
  await nn(admin, 'POST', '/rbac-policies', { rbac_policy: { object_type: 'network', object_id: net.id, action: 'access_as_shared', target_tenant: project.id } });
  await nn(member, 'PUT', `/networks/${net.id}/tags/fz-tag`);

  // Image.
  const image = await req(member, 'POST', '/image/v2/images', { name: 'fz-image', disk_format: 'raw', container_format: 'bare', visibility: 'shared' });
  await req(member, 'PATCH', `/image/v2/images/${image.id}`, [{ op: 'replace', path: '/name', value: 'fz-image2' }], { 'content-type': 'application/openstack-images-v2.1-json-patch' });
  await req(member, 'POST', `/image/v2/images/${image.id}/members`, { member: project.id });
  await req(member, 'PUT', `/image/v2/images/${image.id}/tags/fz-tag`);
  const busybox = (await req(member, 'GET', '/image/v2/images?name=busybox')).images[0].id;

  // Compute.
  const nova = (token: string, method: string, path: string, body?: unknown) => req(token, method, `/compute/v2.1${path}`, body);
  const flavor = (await nova(admin, 'POST', '/flavors', { flavor: { name: 'fz-flavor', ram: 64, vcpus: 1, disk: 0 } })).flavor;
  await nova(admin, 'POST', `/flavors/${flavor.id}/os-extra_specs`, { extra_specs: { 'fz:key': 'v' } });
  await nova(member, 'POST', '/os-keypairs', { keypair: { name: 'fz-key' } });
  const server = (await nova(member, 'POST', '/servers', { server: { name: 'fz-server', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }], metadata: { a: 'b' } } })).server;
  await nova(member, 'POST', `/servers/${server.id}/metadata`, { metadata: { c: 'd' } });
  await nova(member, 'PUT', `/servers/${server.id}`, { server: { name: 'fz-server2' } });
  await nova(member, 'GET', `/servers/${server.id}/os-instance-actions`);

  // Orchestration.
  const heat = (method: string, path: string, body?: unknown) => req(member, method, `/orchestration/v1/${demo.project.id}${path}`, body);
  const template = { heat_template_version: '2015-10-15', parameters: { n: { type: 'number', default: 8 } }, resources: { s: { type: 'OS::Heat::RandomString', properties: { length: { get_param: 'n' } } } }, outputs: { o: { value: { get_attr: ['s', 'value'] } } } };
  const stack = (await heat('POST', '/stacks', { stack_name: 'fz-stack', template })).stack;
  const settle = async () => {
    for (let i = 0; i < 400; i++) {
      const s = (await heat('GET', `/stacks/fz-stack/${stack.id}`)).stack;
      if (!String(s.stack_status).endsWith('IN_PROGRESS')) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.fail('fz-stack never settled');
  };
  await settle();
  await heat('POST', '/validate', { template });
  await heat('PATCH', `/stacks/fz-stack/${stack.id}`, { parameters: { n: 9 } });
  await settle();
  await heat('POST', `/stacks/fz-stack/${stack.id}/actions`, { check: null });
  await settle();
  return { samples, protectedIds };
}

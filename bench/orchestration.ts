// Orchestration benchmarks against `pier up` in a child process: create and delete time of a
// 100-resource stack (50 networks + 50 subnets) and of a ResourceGroup of 200 ports, measured
// from the create (or delete) request until the stack settles, polling its status every 20 ms.
import { call, DEMO_PASSWORD, tokenFor } from '../test/support/pier.js';
import { startPierProcess } from '../test/support/process.js';

function hundred(): unknown {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) {
    resources[`net${i}`] = { type: 'OS::Neutron::Net' };
    resources[`subnet${i}`] = { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: `net${i}` }, cidr: `10.${100 + (i >> 8)}.${i & 255}.0/24` } };
  }
  return { heat_template_version: '2018-08-31', resources };
}

const group = (count: number) => ({
  heat_template_version: '2018-08-31',
  resources: {
    net: { type: 'OS::Neutron::Net' },
    subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: '10.200.0.0/22' } },
    ports: { type: 'OS::Heat::ResourceGroup', depends_on: 'subnet', properties: { count, resource_def: { type: 'OS::Neutron::Port', properties: { network: { get_resource: 'net' } } } } },
  },
});

export async function benchOrchestration(store: 'sqlite' | 'postgres'): Promise<Record<string, number>> {
  const p = await startPierProcess(store);
  try {
    const token = await tokenFor(p.url, 'demo', DEMO_PASSWORD, 'demo');
    const project = (await call(p.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
    const heat = (method: string, path: string, body?: unknown) => call(p.url, method, `/orchestration/v1/${project}${path}`, { token, body });
    const settle = async (name: string, id: string, want: string) => {
      for (;;) {
        const r = await heat('GET', `/stacks/${name}/${id}`);
        const status = String(r.body.stack.stack_status);
        if (!status.endsWith('IN_PROGRESS')) {
          if (status !== want) throw new Error(`${name}: ${status} ${r.body.stack.stack_status_reason}`);
          return;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    const cycle = async (name: string, template: unknown) => {
      const t0 = performance.now();
      const r = await heat('POST', '/stacks', { stack_name: name, template });
      if (r.status !== 201) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
      await settle(name, r.body.stack.id, 'CREATE_COMPLETE');
      const created = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await heat('DELETE', `/stacks/${name}/${r.body.stack.id}`);
      await settle(name, r.body.stack.id, 'DELETE_COMPLETE');
      return [created, (performance.now() - t1) / 1000] as const;
    };
    const [c100, d100] = await cycle('hundred', hundred());
    const [c200, d200] = await cycle('group', group(200));
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      '100 resources (50 nets + 50 subnets) CREATE_COMPLETE, s': round(c100),
      '100 resources (50 nets + 50 subnets) DELETE_COMPLETE, s': round(d100),
      'ResourceGroup of 200 ports CREATE_COMPLETE, s': round(c200),
      'ResourceGroup of 200 ports DELETE_COMPLETE, s': round(d200),
    };
  } finally {
    await p.cleanup();
  }
}

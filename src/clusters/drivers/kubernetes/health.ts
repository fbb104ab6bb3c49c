// A Kubernetes cluster's health as Magnum reports it (health_status, health_status_reason): the
// API server answers /readyz and every node is Ready. Asked with a client certificate of the
// cluster CA (an admin's); never throws — an unreachable API is UNHEALTHY with the reason.
import { request } from 'node:https';

export interface ApiCredentials {
  /** https://address:port */
  server: string;
  /** PEM texts. */
  ca: string;
  cert: string;
  key: string;
}

export interface ClusterHealth {
  status: 'HEALTHY' | 'UNHEALTHY';
  /** Magnum's shape: {"api": "ok", "<node>.Ready": "True", …}. */
  reason: Record<string, string>;
}

function get(c: ApiCredentials, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${c.server}${path}`, { ca: c.ca, cert: c.cert, key: c.key, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

type NodeList = { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };

export async function clusterHealth(c: ApiCredentials, timeoutMs = 5000): Promise<ClusterHealth> {
  const reason: Record<string, string> = {};
  try {
    const ready = await get(c, '/readyz', timeoutMs);
    reason['api'] = ready.status === 200 ? 'ok' : `readyz ${ready.status}: ${ready.body.trim().split('\n').at(-1)}`;
    const nodes = await get(c, '/api/v1/nodes', timeoutMs);
    if (nodes.status !== 200) throw new Error(`listing nodes: ${nodes.status}`);
    for (const n of (JSON.parse(nodes.body) as NodeList).items) {
      reason[`${n.metadata.name}.Ready`] = n.status?.conditions?.find((x) => x.type === 'Ready')?.status ?? 'Unknown';
    }
  } catch (err) {
    reason['api'] = (err as Error).message;
  }
  const nodes = Object.entries(reason).filter(([k]) => k.endsWith('.Ready'));
  const healthy = reason['api'] === 'ok' && nodes.length > 0 && nodes.every(([, v]) => v === 'True');
  return { status: healthy ? 'HEALTHY' : 'UNHEALTHY', reason };
}

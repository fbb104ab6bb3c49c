// A swarm cluster's health as Magnum reports it (health_status, health_status_reason): the
// first master's dockerd answers on its TLS port, its swarm is active, and every node is ready.
// Asked with a client certificate of the cluster CA; never throws — an unreachable API is
// UNHEALTHY with the reason.
import { request } from 'node:https';

export interface DockerCredentials {
  /** tcp://address:port, as api_address has it. */
  host: string;
  /** PEM texts. */
  ca: string;
  cert: string;
  key: string;
}

export interface SwarmHealth {
  status: 'HEALTHY' | 'UNHEALTHY';
  /** Magnum's shape: {"api": "ok", "<node>.Ready": "True", …}. */
  reason: Record<string, string>;
}

/** One Docker Engine API GET over TLS. */
export function dockerGet(c: DockerCredentials, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const url = c.host.replace(/^tcp:/, 'https:');
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { ca: c.ca, cert: c.cert, key: c.key, timeout: timeoutMs, agent: false }, (res) => {
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

type SwarmNodes = { Description?: { Hostname?: string }; Status?: { State?: string } }[];

export async function swarmHealth(c: DockerCredentials, timeoutMs = 5000): Promise<SwarmHealth> {
  const reason: Record<string, string> = {};
  try {
    const info = await dockerGet(c, '/info', timeoutMs);
    if (info.status !== 200) throw new Error(`info ${info.status}`);
    const swarm = (JSON.parse(info.body) as { Swarm?: { LocalNodeState?: string } }).Swarm;
    reason['api'] = swarm?.LocalNodeState === 'active' ? 'ok' : `swarm ${swarm?.LocalNodeState ?? 'unknown'}`;
    const nodes = await dockerGet(c, '/nodes', timeoutMs);
    if (nodes.status !== 200) throw new Error(`listing nodes: ${nodes.status}`);
    for (const n of JSON.parse(nodes.body) as SwarmNodes) reason[`${n.Description?.Hostname ?? '?'}.Ready`] = n.Status?.State === 'ready' ? 'True' : 'False';
  } catch (err) {
    reason['api'] = (err as Error).message;
  }
  const nodes = Object.entries(reason).filter(([k]) => k.endsWith('.Ready'));
  const healthy = reason['api'] === 'ok' && nodes.length > 0 && nodes.every(([, v]) => v === 'True');
  return { status: healthy ? 'HEALTHY' : 'UNHEALTHY', reason };
}

// A Kubernetes cluster's health as Magnum reports it (health_status, health_status_reason): the
// API server answers /readyz and every node is Ready. Asked with a client certificate of the
// cluster CA (an admin's); never throws — an unreachable API is UNHEALTHY with the reason.
import { kubeRequest, type ApiCredentials } from './api.js';

export type { ApiCredentials };

export interface ClusterHealth {
  status: 'HEALTHY' | 'UNHEALTHY';
  /** Magnum's shape: {"api": "ok", "<node>.Ready": "True", …}. */
  reason: Record<string, string>;
}

type NodeList = { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };

export async function clusterHealth(c: ApiCredentials, timeoutMs = 5000): Promise<ClusterHealth> {
  const reason: Record<string, string> = {};
  try {
    const ready = await kubeRequest(c, 'GET', '/readyz', undefined, timeoutMs);
    reason['api'] = ready.status === 200 ? 'ok' : `readyz ${ready.status}: ${ready.body.trim().split('\n').at(-1)}`;
    const nodes = await kubeRequest(c, 'GET', '/api/v1/nodes', undefined, timeoutMs);
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

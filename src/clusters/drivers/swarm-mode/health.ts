// A swarm cluster's health as Magnum reports it (health_status, health_status_reason): the
// first master's dockerd answers on its TLS port, its swarm is active, and every node is ready.
// Never throws — an unreachable API is UNHEALTHY with the reason.
import { dockerJson, type DockerCredentials, type SwarmNode } from './api.js';

export interface SwarmHealth {
  status: 'HEALTHY' | 'UNHEALTHY';
  /** Magnum's shape: {"api": "ok", "<node>.Ready": "True", …}. */
  reason: Record<string, string>;
}

export async function swarmHealth(c: DockerCredentials): Promise<SwarmHealth> {
  const reason: Record<string, string> = {};
  try {
    const swarm = (await dockerJson<{ Swarm?: { LocalNodeState?: string } }>(c, 'GET', '/info')).Swarm;
    reason['api'] = swarm?.LocalNodeState === 'active' ? 'ok' : `swarm ${swarm?.LocalNodeState ?? 'unknown'}`;
    for (const n of await dockerJson<SwarmNode[]>(c, 'GET', '/nodes')) {
      // A hostname twice (a replaced server's node not forgotten yet): the second by its id.
      const name = n.Description?.Hostname && !(`${n.Description.Hostname}.Ready` in reason) ? n.Description.Hostname : n.ID;
      reason[`${name}.Ready`] = n.Status?.State === 'ready' ? 'True' : 'False';
    }
  } catch (err) {
    reason['api'] = (err as Error).message;
  }
  const nodes = Object.entries(reason).filter(([k]) => k.endsWith('.Ready'));
  const healthy = reason['api'] === 'ok' && nodes.length > 0 && nodes.every(([, v]) => v === 'True');
  return { status: healthy ? 'HEALTHY' : 'UNHEALTHY', reason };
}

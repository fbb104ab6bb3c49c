// Swarm nodes leaving a cluster, as `docker node update --availability drain` and `docker node
// rm` would treat them: before its server goes, a node is drained (the managers move its tasks
// to the nodes that stay) and we wait a little for its tasks to stop; once the server is gone,
// the node is removed from the swarm, so `docker node ls` and the health check see only the
// nodes the cluster has. Managers are never removed here (that would need a demotion first).
import { dockerJson, dockerRequest, type DockerCredentials, type SwarmNode } from './api.js';

const byHostname = (nodes: SwarmNode[], names: readonly string[]) => nodes.filter((n) => names.includes(n.Description?.Hostname ?? ''));

/**
 * Drains each named node and waits (up to `waitMs`: Magnum's resize gives a drain 15 s) until
 * none of their tasks runs — by their state, not their desired state, which a drain turns to
 * shutdown at once while the container is still stopping. Best effort.
 */
export async function drainNodes(c: DockerCredentials, names: readonly string[], waitMs = 12_000): Promise<void> {
  const leaving = byHostname(await dockerJson<SwarmNode[]>(c, 'GET', '/nodes'), names);
  for (const n of leaving) await dockerRequest(c, 'POST', `/nodes/${n.ID}/update?version=${n.Version.Index}`, { ...n.Spec, Availability: 'drain' });
  if (!leaving.length) return;
  const filters = encodeURIComponent(JSON.stringify({ node: leaving.map((n) => n.ID) }));
  for (const end = Date.now() + waitMs; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    const tasks = await dockerJson<{ Status?: { State?: string } }[]>(c, 'GET', `/tasks?filters=${filters}`);
    if (!tasks.some((t) => t.Status?.State === 'running')) return;
  }
}

/**
 * Removes the worker nodes not named in `members` (nodes whose servers are gone) once they are
 * drained or no longer ready — never a ready, active one: the members may be read just before a
 * resize adds a server whose node has joined already — and down ones whose name a ready node has
 * now (a server of the same name replaced theirs). Answers the hostnames removed.
 */
export async function forgetNodes(c: DockerCredentials, members: ReadonlySet<string>): Promise<string[]> {
  const nodes = await dockerJson<SwarmNode[]>(c, 'GET', '/nodes');
  const host = (n: SwarmNode) => n.Description?.Hostname ?? '';
  const ready = new Set(nodes.filter((n) => n.Status?.State === 'ready').map(host));
  const gone = nodes.filter((n) => n.Spec.Role === 'worker' && (
    (!members.has(host(n)) && (n.Status?.State !== 'ready' || n.Spec.Availability === 'drain'))
    || (n.Status?.State === 'down' && ready.has(host(n)))));
  for (const n of gone) await dockerRequest(c, 'DELETE', `/nodes/${n.ID}?force=1`);
  return gone.map((n) => n.Description?.Hostname ?? n.ID);
}

// Nodes leaving a cluster, as `kubectl drain` and the node lifecycle controller of a cloud
// provider would treat them: before its server goes, a node is cordoned and its pods evicted
// (through the Eviction API, so disruption budgets hold and controllers make replacements on the
// nodes that stay); once the server is gone, its Node object is deleted, so `kubectl get nodes`
// and the health check see only the nodes the cluster has.
import { kubeJson, kubeRequest, type ApiCredentials } from './api.js';

interface Pod {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; ownerReferences?: { kind: string }[] };
}

/**
 * Cordons each node, asks for its pods' eviction (DaemonSet and static pods stay, as kubectl
 * drain leaves them) and, as kubectl drain does, waits until they are gone — their kubelets
 * confirm the end while the servers still run — for at most `waitMs`. Best effort: a node
 * already unreachable is skipped.
 */
export async function drainNodes(c: ApiCredentials, names: readonly string[], waitMs = 10_000): Promise<void> {
  const evicted: string[] = [];
  for (const name of names) {
    const node = encodeURIComponent(name);
    const cordon = await kubeRequest(c, 'PATCH', `/api/v1/nodes/${node}`, { spec: { unschedulable: true } }, 5000, 'application/strategic-merge-patch+json');
    if (cordon.status !== 200) continue;
    const pods = await kubeJson<{ items: Pod[] }>(c, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${name}`)}`);
    for (const p of pods.items) {
      if (p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet') || p.metadata.annotations?.['kubernetes.io/config.mirror']) continue;
      const { name: pod, namespace } = p.metadata;
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
      const r = await kubeRequest(c, 'POST', `${path}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace } });
      if (r.status === 201 || r.status === 200) evicted.push(path);
    }
  }
  for (const end = Date.now() + waitMs; evicted.length && Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    for (const path of [...evicted]) if ((await kubeRequest(c, 'GET', path).catch(() => undefined))?.status === 404) evicted.splice(evicted.indexOf(path), 1);
  }
}

/** Deletes the Node objects not named in `members` (nodes whose servers are gone); answers the names deleted. */
export async function forgetNodes(c: ApiCredentials, members: ReadonlySet<string>): Promise<string[]> {
  const nodes = await kubeJson<{ items: { metadata: { name: string } }[] }>(c, 'GET', '/api/v1/nodes');
  const gone = nodes.items.map((n) => n.metadata.name).filter((n) => !members.has(n));
  for (const name of gone) await kubeRequest(c, 'DELETE', `/api/v1/nodes/${encodeURIComponent(name)}`);
  return gone;
}

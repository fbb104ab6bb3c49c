// The Docker Engine API of a swarm cluster's first master, as Magnum uses it from outside
// (health, draining and forgetting nodes): HTTPS with a client certificate of the cluster CA —
// the same one-request client as the Kubernetes driver's.
import { kubeJson, kubeRequest, type ApiCredentials, type ApiReply } from '../kubernetes/api.js';

export type DockerCredentials = ApiCredentials;

/** Credentials for `tcp://address:2376` (api_address) from a client key pair. */
export const dockerAt = (apiAddress: string, ca: string, pair: { cert: string; key: string }): DockerCredentials =>
  ({ server: apiAddress.replace(/^tcp:/, 'https:'), ca, ...pair });

export const dockerRequest = (c: DockerCredentials, method: string, path: string, body?: unknown, timeoutMs?: number): Promise<ApiReply> =>
  kubeRequest(c, method, path, body, timeoutMs);
export const dockerJson = <T>(c: DockerCredentials, method: string, path: string, body?: unknown): Promise<T> => kubeJson<T>(c, method, path, body);

export interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role?: string; Availability?: string; Labels?: Record<string, string>; Name?: string };
  Description?: { Hostname?: string };
  Status?: { State?: string; Addr?: string };
}

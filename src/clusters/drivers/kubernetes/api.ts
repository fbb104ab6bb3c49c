// A minimal client of a cluster's Kubernetes API for what Magnum does to it from outside (health,
// draining and forgetting nodes): HTTPS with a client certificate of the cluster CA, JSON in and
// out, one request per call, never kept alive (a cluster may be gone by the next call).
import { request } from 'node:https';

export interface ApiCredentials {
  /** https://address:port */
  server: string;
  /** PEM texts. */
  ca: string;
  cert: string;
  key: string;
}

export interface ApiReply {
  status: number;
  body: string;
}

export function kubeRequest(c: ApiCredentials, method: string, path: string, body?: unknown, timeoutMs = 5000, contentType = 'application/json'): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', ...(data ? { 'content-type': contentType, 'content-length': String(Buffer.byteLength(data)) } : {}) };
    const req = request(`${c.server}${path}`, { method, headers, ca: c.ca, cert: c.cert, key: c.key, timeout: timeoutMs, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** The body of a 2xx answer as JSON; anything else throws with the status. */
export async function kubeJson<T>(c: ApiCredentials, method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  const r = await kubeRequest(c, method, path, body, undefined, contentType);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body) as T;
}

// Puts a built node image into Glance through its v2 API, as an admin: public (only then does
// Nova make its servers container hosts), os_distro for Magnum's template check, the container
// host property, and the build's hash — an active image with the same hash is reused. The
// Kubernetes node image by default; the swarm node image says what it is (NodeImageKind).
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { NodeImageBuild } from './node-image.js';
import { CONTAINER_HOST_PROPERTY, NODE_OS_DISTRO } from './user-data.js';

export const IMAGE_HASH_PROPERTY = 'pier_image_hash';

export interface GlanceTarget {
  /** The image endpoint (…/image), as the catalog gives it. */
  endpoint: string;
  /** An admin token (publicize_image is admin-only). */
  token: string;
}

async function glance(t: GlanceTarget, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${t.endpoint.replace(/\/$/, '')}${path}`, {
    method, headers: { 'x-auth-token': t.token, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`Glance ${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** What a node image is in Glance: its name, os_distro and extra properties. */
export interface NodeImageKind {
  name: string;
  osDistro: string;
  properties?: Record<string, string>;
}

/** The id of the active public image built with `hash`, if Glance has one. */
export async function findNodeImage(t: GlanceTarget, hash: string, osDistro: string = NODE_OS_DISTRO): Promise<string | undefined> {
  let path: string | undefined = `/v2/images?visibility=public&os_distro=${osDistro}&limit=100`;
  while (path) {
    const page: { images: Record<string, unknown>[]; next?: string } = await glance(t, 'GET', path);
    const hit = page.images.find((i) => i[IMAGE_HASH_PROPERTY] === hash && i['status'] === 'active');
    if (hit) return String(hit['id']);
    path = page.next;
  }
  return undefined;
}

/** Uploads `build` unless Glance has it; returns the image id. */
export async function importNodeImage(
  t: GlanceTarget, build: Pick<NodeImageBuild, 'hash' | 'path' | 'size'> & Partial<NodeImageBuild>, progress: (line: string) => void = () => {}, kind?: NodeImageKind,
): Promise<{ id: string; reused: boolean; seconds: number }> {
  const t0 = performance.now();
  const k: NodeImageKind = kind ?? { name: `pier-kubernetes-${build.kubeVersion}`, osDistro: NODE_OS_DISTRO, properties: { kube_version: String(build.kubeVersion) } };
  const found = await findNodeImage(t, build.hash, k.osDistro);
  if (found) {
    progress(`Glance has this node image already: ${found}`);
    return { id: found, reused: true, seconds: (performance.now() - t0) / 1000 };
  }
  const image = await glance(t, 'POST', '/v2/images', {
    name: k.name, disk_format: 'raw', container_format: 'docker', visibility: 'public',
    os_distro: k.osDistro, os_type: 'linux', [CONTAINER_HOST_PROPERTY]: 'true', [IMAGE_HASH_PROPERTY]: build.hash,
    ...k.properties, hw_architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
  });
  progress(`uploading ${Math.round(build.size / 1048576)} MiB to Glance image ${image.id}`);
  const body = Readable.toWeb(createReadStream(build.path)) as ReadableStream;
  const r = await fetch(`${t.endpoint.replace(/\/$/, '')}/v2/images/${image.id}/file`, {
    method: 'PUT', headers: { 'x-auth-token': t.token, 'content-type': 'application/octet-stream' }, body, duplex: 'half',
  } as RequestInit);
  if (!r.ok) {
    const text = await r.text();
    await glance(t, 'DELETE', `/v2/images/${image.id}`).catch(() => {});
    throw new Error(`Glance upload: ${r.status} ${text}`);
  }
  return { id: String(image.id), reused: false, seconds: (performance.now() - t0) / 1000 };
}

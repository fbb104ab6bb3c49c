// The fake runtime: no processes, state in memory — the API-only default without root and in the
// API tests. It still refuses an image that is not a root-filesystem tarball (or OCI layout), as
// the real runtime would, so a server on such an image goes ERROR with the reason.
import { openSync, readSync, closeSync } from 'node:fs';
import type { ComputeDriver, RuntimeState, ServerObserved, ServerSpec } from '../driver.js';

/** Why an image cannot run as a container, or undefined when it can (a ustar/GNU tar file). */
export function imageProblem(spec: ServerSpec): string | undefined {
  const { image } = spec;
  if (image.containerFormat && !['bare', 'docker', 'oci'].includes(image.containerFormat)) {
    return `Image ${image.id} has container_format ${image.containerFormat}; Pier runs root filesystem tarballs (bare) and OCI image layouts (docker, oci)`;
  }
  if (image.diskFormat && image.diskFormat !== 'raw' && image.containerFormat === 'bare') {
    return `Image ${image.id} has disk_format ${image.diskFormat}; a root filesystem tarball must be raw`;
  }
  const head = Buffer.alloc(512);
  let n = 0;
  try {
    const fd = openSync(image.path, 'r');
    try { n = readSync(fd, head, 0, 512, 0); } finally { closeSync(fd); }
  } catch {
    return `Image ${image.id} has no data on this host`;
  }
  if (n < 512 || head.subarray(257, 262).toString() !== 'ustar') return `Image ${image.id} is not a tar archive (a root filesystem or an OCI image layout)`;
  return undefined;
}

export class FakeDriver implements ComputeDriver {
  readonly name = 'fake';
  private readonly boxes = new Map<string, { spec: ServerSpec; state: RuntimeState; log: string[] }>();

  private seen(id: string): ServerObserved {
    return { id, state: this.boxes.get(id)?.state ?? 'absent' };
  }
  private set(id: string, state: RuntimeState, line: string): ServerObserved {
    const box = this.boxes.get(id);
    if (!box) throw new Error(`no container for server ${id}`);
    if (box.state !== state) box.log.push(`[fake] ${line}`);
    box.state = state;
    return this.seen(id);
  }

  async create(spec: ServerSpec): Promise<ServerObserved> {
    if (this.boxes.has(spec.id)) return this.seen(spec.id);
    const problem = spec.bootVolume ? undefined : imageProblem(spec);
    if (problem) throw new Error(problem);
    this.boxes.set(spec.id, { spec, state: 'created', log: [`[fake] created ${spec.hostname} from image ${spec.image.id} with ${spec.ports.length} port(s)`] });
    return this.seen(spec.id);
  }
  async start(id: string) { return this.set(id, 'running', `${this.boxes.get(id)?.spec.hostname} started`); }
  async stop(id: string) { return this.set(id, 'stopped', 'stopped'); }
  async pause(id: string) { return this.set(id, 'paused', 'paused'); }
  async unpause(id: string) { return this.set(id, 'running', 'unpaused'); }
  async remove(id: string) { this.boxes.delete(id); }
  async inspect(id: string) { return this.seen(id); }
  async list() { return [...this.boxes.keys()].map((id) => this.seen(id)); }
  async logs(id: string, lines?: number) {
    const log = this.boxes.get(id)?.log ?? [];
    return `${(lines === undefined ? log : log.slice(-lines)).join('\n')}\n`;
  }
}

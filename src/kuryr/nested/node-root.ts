// Paths inside a container-host server as the host reaches them: under /proc/<init pid>/root,
// with the container's own symbolic links resolved against its root — an absolute link such as
// Debian's /var/run → /run would otherwise be followed on the host — and never above it.
import { lstatSync, readlinkSync } from 'node:fs';

const MAX_LINKS = 40;

/** `path` (absolute, as the container sees it) under `root`; missing components are kept as given. */
export function resolveInRoot(root: string, path: string): string {
  const parts = path.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  let missing = false;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    if (!missing) {
      const here = `${root}/${[...done, part].join('/')}`;
      let link: string | undefined;
      try {
        if (lstatSync(here).isSymbolicLink()) link = readlinkSync(here);
      } catch {
        missing = true;
      }
      if (link !== undefined) {
        if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links in ${path}`);
        if (link.startsWith('/')) done.length = 0;
        parts.unshift(...link.split('/').filter(Boolean));
        continue;
      }
    }
    done.push(part);
  }
  return `${root}/${done.join('/')}`.replace(/\/+$/, '') || '/';
}

/** Where the host reaches `path` of the container whose first process is `pid`. */
export const inNode = (pid: number, path: string) => resolveInRoot(`/proc/${pid}/root`, path);

// What both node images (kubernetes, swarm-mode) are made of, put into a root file system being
// built: host binaries with the shared libraries they load, busybox under every applet name no
// real binary took, and baked files.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `file` and every shared library ldd names for it (static binaries: none). */
export function withLibraries(file: string): string[] {
  let ldd = '';
  try { ldd = execFileSync('ldd', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { /* static */ }
  return [file, ...[...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!)];
}

/** Copies each binary and its libraries to the same path under `root`. */
export function copyBinaries(root: string, binaries: readonly string[]): void {
  for (const f of new Set(binaries.flatMap(withLibraries))) {
    const to = join(root, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f, to); // follows symlinks: the library under the name the loader asks for
    chmodSync(to, 0o755);
  }
}

/** Debian's static busybox at /bin/busybox, linked under every applet name not taken (util-linux mount keeps its own). */
export function installBusybox(root: string): void {
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const applet of execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    const to = join(root, applet);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync('/bin/busybox', to);
  }
}

/** Writes path → text under `root`. */
export function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [p, text] of Object.entries(files)) { mkdirSync(dirname(join(root, p)), { recursive: true }); writeFileSync(join(root, p), text); }
}

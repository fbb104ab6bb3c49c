// Running a host tool: one process, its input on stdin, its output back — the one way Pier runs
// programs (ip, nft, tc, runc, tar, mount), so every failure reads the same.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export class CommandError extends Error {
  constructor(readonly command: string, readonly code: number | null, readonly stderr: string) {
    super(`${command} failed (${code}): ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
  }
}

/** Runs `cmd args` with `input` on stdin; resolves stdout, rejects with CommandError. */
export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', (e) => reject(new CommandError(`${cmd} ${args.join(' ')}`, null, e.message)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new CommandError(`${cmd} ${args.join(' ')}`, code, err))));
    child.stdin.on('error', () => { /* the tool exited before reading its input; its exit code tells */ });
    child.stdin.end(input ?? '');
  });
}

/** Whether `cmd` is an executable on PATH (a default that needs a tool checks before choosing it). */
export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try { accessSync(join(dir, cmd), constants.X_OK); return true; } catch { return false; }
  });
}

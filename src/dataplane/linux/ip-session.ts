// A long-lived `ip -force -batch -` in one network namespace, for the small changes of the hot
// path (a port plugged or unplugged): each costs a write and a read instead of a process (an `ip`
// start is a few ms here, most of a plug). Each request ends with a line that always fails —
// `link show dev a/b`, as no interface name holds a '/' — so the request's own failures are the
// stderr reports before that marker's. The process holds its namespace open: close the session
// before deleting the namespace.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CommandError } from './exec.js';

const MARKER = 'link show dev a/b';
const FAILED = /^Command failed -:(\d+)$/;
/** A request unanswered this long ends the process (and fails): a stuck `ip` must not stall every sync after it. */
const STUCK_MS = 10_000;

interface Request {
  lines: string[];
  /** Line number of its first line and of its marker, as ip counts them. */
  first: number;
  marker: number;
  failures: string[];
  resolve(): void;
  reject(err: Error): void;
}

export class IpSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private sent = 0;
  private stderr = '';
  private message: string[] = [];
  private current: Request | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly ns: string, private readonly stuckMs = STUCK_MS) {}

  /** Runs `lines` (ip batch commands) in order; all run, and it rejects naming those that failed. */
  run(lines: string[]): Promise<void> {
    if (!lines.length) return Promise.resolve();
    const done = this.queue.then(() => this.send(lines));
    this.queue = done.catch(() => {});
    return done;
  }

  /** Ends the process (and with it, its hold on the namespace). */
  close(): void {
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
    child?.kill();
  }

  private send(lines: string[]): Promise<void> {
    const answered = new Promise<void>((resolve, reject) => {
      const child = this.child ?? this.start();
      const first = this.sent + 1;
      this.sent += lines.length + 1;
      this.current = { lines, first, marker: this.sent, failures: [], resolve, reject };
      this.hold(true);
      child.stdin.write(`${lines.join('\n')}\n${MARKER}\n`);
    });
    const child = this.child;
    const stuck = setTimeout(() => { if (this.child === child) child?.kill('SIGKILL'); }, this.stuckMs); // 'close' rejects the request
    return answered.finally(() => clearTimeout(stuck));
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('ip', ['-n', this.ns, '-force', '-batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.sent = 0;
    this.stderr = '';
    this.message = [];
    child.stdout.resume(); // what `ip` prints is not needed
    child.stderr.on('data', (chunk: Buffer) => this.read(chunk.toString()));
    child.stdin.on('error', () => { /* it exited: 'close' reports it */ });
    child.on('close', (code) => {
      if (this.child === child) this.child = undefined;
      const r = this.current;
      this.current = undefined;
      r?.reject(new CommandError(`ip -n ${this.ns} -batch`, code, [...this.message, this.stderr].join('\n') || 'ip exited'));
    });
    child.unref();
    return child;
  }

  /** Idle, the session must not keep Node alive; busy, it must. */
  private hold(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    // The process too: a request it fails by exiting is answered only at its exit.
    for (const s of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (busy) s.ref(); else s.unref();
    }
  }

  private read(text: string): void {
    this.stderr += text;
    for (let nl = this.stderr.indexOf('\n'); nl >= 0; nl = this.stderr.indexOf('\n')) {
      const line = this.stderr.slice(0, nl);
      this.stderr = this.stderr.slice(nl + 1);
      const failed = FAILED.exec(line);
      if (!failed) { this.message.push(line); continue; }
      const n = Number(failed[1]);
      const why = this.message.join(' ').trim();
      this.message = [];
      const r = this.current;
      if (!r) continue;
      if (n !== r.marker) {
        r.failures.push(`${r.lines[n - r.first] ?? `line ${n}`}: ${why}`);
        continue;
      }
      this.current = undefined;
      this.hold(false);
      if (r.failures.length) r.reject(new CommandError(`ip -n ${this.ns} -batch`, 1, r.failures.join('\n')));
      else r.resolve();
    }
  }
}

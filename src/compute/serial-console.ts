// The serial console proxy: a websocket on the edge's port that redeems a console token (one
// use, 10 minutes, as Nova's console token_ttl) and joins the socket to a shell in the server's
// running container. Tokens live in this process: the API process that issued one serves it.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { openShell } from './runtime/shell.js';

const TOKEN_TTL_MS = 600_000;

/** Answers an upgrade with a plain HTTP status and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

export class SerialConsoles {
  private readonly tokens = new Map<string, { serverId: string; expires: number }>();
  // Nova's proxy speaks raw bytes in binary frames; novaconsole and websockify clients offer `binary`.
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has('binary') ? 'binary' : false) });

  /** `initPid` says where a running server's processes are (undefined when it does not run here). */
  constructor(private readonly initPid: (serverId: string) => number | undefined, private readonly logger: Logger) {}

  /** A new one-time token for server `serverId`. */
  issue(serverId: string): string {
    const now = Date.now();
    for (const [t, v] of this.tokens) if (v.expires < now) this.tokens.delete(t);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { serverId, expires: now + TOKEN_TTL_MS });
    return token;
  }

  /** The edge's upgrade handler for the console path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    const entry = this.tokens.get(token);
    this.tokens.delete(token); // one use, whatever happens next
    const refuse = (status: string) => refuseUpgrade(socket, status);
    if (!entry || entry.expires < Date.now()) return refuse('401 Unauthorized');
    const pid = this.initPid(entry.serverId);
    if (!pid) return refuse('409 Conflict');
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => this.attach(ws, entry.serverId, pid));
  }

  private attach(ws: WebSocket, serverId: string, pid: number): void {
    const shell = openShell(pid);
    this.logger.info({ server: serverId }, 'serial console attached');
    const out = (b: Buffer) => { if (ws.readyState === ws.OPEN) ws.send(b); };
    shell.stdout.on('data', out);
    shell.stderr.on('data', out);
    shell.on('exit', () => ws.close(1000, 'shell exited'));
    shell.on('error', (err) => { this.logger.warn({ err, server: serverId }, 'serial console shell failed'); ws.close(1011, 'no shell'); });
    ws.on('message', (data: Buffer | string) => { if (shell.stdin.writable) shell.stdin.write(data); });
    ws.on('close', () => { if (shell.exitCode === null) shell.kill('SIGHUP'); });
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.tokens.clear();
  }
}

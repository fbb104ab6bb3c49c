// The plugin socket's framing, as Docker's plugin client reads it: a JSON answer, an error as 500
// with `{"Err"}`, an unknown method as 404; a stale socket file is replaced, a live one refused.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { NotFound } from '../../core/errors.js';
import type { KuryrContext } from '../context.js';
import { servePlugin } from './server.js';

// Only what the server itself uses of the context: the caller it passes on, and the log.
const k = { caller: async () => ({ projectId: 'p' }), log: pino({ level: 'silent' }) } as unknown as KuryrContext;

const post = (socket: string, path: string, body: string) => new Promise<{ status: number; type: string; body: any }>((done, fail) => {
  const req = request({ socketPath: socket, path, method: 'POST', headers: { 'content-type': 'application/vnd.docker.plugins.v1.2+json' } }, (res) => {
    let text = '';
    res.on('data', (c: Buffer) => { text += c.toString(); });
    res.on('end', () => done({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: JSON.parse(text) }));
  });
  req.on('error', fail);
  req.end(body);
});

describe('libnetwork plugin socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-plugin-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers JSON, errors as 500 {"Err"}, an unknown method as 404', async () => {
    const socket = join(dir, 'a.sock');
    writeFileSync(socket, ''); // stale: nobody listens
    const server = await servePlugin(k, socket, {
      'Plugin.Activate': () => ({ Implements: ['NetworkDriver'] }),
      'Echo.Call': (body: unknown, caller: { projectId: string }) => ({ body, project: caller.projectId }),
      'Fail.Call': () => { throw new NotFound('Network x could not be found.'); },
    });
    try {
      const ok = await post(socket, '/Plugin.Activate', '');
      assert.deepEqual([ok.status, ok.body], [200, { Implements: ['NetworkDriver'] }]);
      assert.equal(ok.type, 'application/vnd.docker.plugins.v1+json');
      assert.deepEqual((await post(socket, '/Echo.Call', '{"a":1}')).body, { body: { a: 1 }, project: 'p' });
      assert.deepEqual(await post(socket, '/Fail.Call', '{}').then((r) => [r.status, r.body]), [500, { Err: 'Network x could not be found.' }]);
      const unknown = await post(socket, '/Nope.Call', '{}');
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.Err, /not a method/);
      assert.equal((await post(socket, '/Echo.Call', '{bad')).status, 500);
    } finally {
      await server.close();
    }
  });

  it('refuses a socket someone serves', async () => {
    const socket = join(dir, 'b.sock');
    const other = createServer().listen(socket);
    await new Promise((r) => other.once('listening', r));
    try {
      await assert.rejects(servePlugin(k, socket, {}), /another process serves/);
    } finally {
      other.close();
    }
  });
});

// The dashboard's static files, as `npm run build` wrote them to dist/dashboard: read once,
// gzipped once, served from memory. Nothing here is generated per request or fetched.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface Asset { type: string; body: Buffer; gzip: Buffer; etag: string }

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

/** dist/dashboard, from the compiled module (dist/src/dashboard) or from the bundle (dist/pier.cjs). */
export function assetsDir(): string | undefined {
  const candidates = [new URL('../../dashboard/', import.meta.url), new URL('./dashboard/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((d) => existsSync(join(d, 'index.html')));
}

export function loadAssets(dir: string | undefined): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!dir) return out;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    out.set(name, { type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${body.length.toString(36)}-${hash(body)}"` });
  }
  return out;
}

function hash(b: Buffer): string {
  let h = 2166136261;
  for (const byte of b) h = Math.imul(h ^ byte, 16777619);
  return (h >>> 0).toString(36);
}

// Builds the dashboard's static files into dist/dashboard: the client type-checked on its own
// (DOM types, not Node's), bundled and minified by esbuild (xterm's CSS with it), index.html
// copied. Prints the page's weight gzipped: the budget is 300 kB.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = 'src/dashboard/client';
const out = 'dist/dashboard';
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `${src}/tsconfig.json`], { stdio: 'inherit' });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: `${src}/main.ts` }, bundle: true, minify: true, format: 'esm', target: 'es2022', splitting: true, chunkNames: 'chunk-[hash]',
  outdir: out, legalComments: 'none', logLevel: 'warning',
});
copyFileSync(`${src}/index.html`, `${out}/index.html`);
const gz = readdirSync(out).reduce((n, f) => n + gzipSync(readFileSync(`${out}/${f}`), { level: 9 }).length, 0);
console.log(`dashboard: ${readdirSync(out).join(', ')} — ${(gz / 1024).toFixed(1)} kB gzipped`);

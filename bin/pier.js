#!/usr/bin/env node
// The `pier` command. `npm run build` compiles src/ and bundles it into dist/pier.cjs: one file
// loads several times faster than hundreds of modules. It is compiled with V8's code cache
// (dist/pier.cjs.cache, written when a run that had none exits): compiling the bundle afresh
// was a good part of start time.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const file = fileURLToPath(new URL('../dist/pier.cjs', import.meta.url));
const cacheFile = `${file}.cache`;
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { /* first start after a build */ }
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
  filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, fileURLToPath(new URL('../dist', import.meta.url)));
if (!cachedData || script.cachedDataRejected) {
  // Written at exit, so it also holds what the run compiled (startup, the request path). A
  // read-only install goes without; concurrent runs each write a whole file and rename it.
  process.once('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch { /* no cache: only slower starts */ }
  });
}
bundle.exports.main(process.argv.slice(2));

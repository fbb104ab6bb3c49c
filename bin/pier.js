#!/usr/bin/env node
// The `pier` command. `npm run build` compiles src/ and bundles it into dist/pier.mjs: one file
// loads several times faster than hundreds of modules, which is most of Pier's start time.
import('../dist/pier.mjs').then((m) => m.main(process.argv.slice(2)));

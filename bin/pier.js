#!/usr/bin/env node
// The `pier` command: runs the compiled CLI (npm run build makes dist/).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2)));

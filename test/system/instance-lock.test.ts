// Two Piers on one host: a second one on the same dataplane namespace refuses to start, naming
// the first, and leaves the first's bridges alone; with its own namespace it runs beside it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPierProcess, type PierProcess } from '../support/process.js';
import { requireRoot, sh, uniquePrefix } from '../support/system.js';

describe('one Pier per dataplane namespace', () => {
  const prefix = uniquePrefix();
  const args = (ns: string) => ['--dataplane', 'linuxbridge', '--dataplane-namespace', ns, '--physnet', 'physnet1', '--compute', 'fake'];
  let first: PierProcess;
  before(async () => {
    requireRoot();
    first = await startPierProcess('sqlite', args(`${prefix}-dp`));
  });
  after(async () => {
    await first?.cleanup();
    await sh('ip', ['netns', 'del', `${prefix}-dp`]);
  });

  it('refuses a second start on the same namespace with a one-line reason', async () => {
    await assert.rejects(startPierProcess('sqlite', args(`${prefix}-dp`)),
      new RegExp(`pier: dataplane: the dataplane namespace ${prefix}-dp belongs to another Pier \\(pid ${first.child.pid}, data dir ${first.dataDir}\\)`));
  });

  it('runs a second instance on a namespace of its own', async () => {
    const second = await startPierProcess('sqlite', args(`${prefix}-d2`));
    await second.cleanup();
    await sh('ip', ['netns', 'del', `${prefix}-d2`]);
  });
});

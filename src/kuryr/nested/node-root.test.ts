import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInRoot } from './node-root.js';

describe('paths inside a node\'s root', () => {
  const root = mkdtempSync(join(tmpdir(), 'pier-node-root-'));
  mkdirSync(join(root, 'run/netns'), { recursive: true });
  mkdirSync(join(root, 'var'), { recursive: true });
  symlinkSync('/run', join(root, 'var/run'));
  symlinkSync('../run/netns', join(root, 'var/ns'));
  symlinkSync('/../../../etc', join(root, 'escape'));
  symlinkSync('loop', join(root, 'loop'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('resolves absolute links against the node\'s root, not the host\'s', () => {
    assert.equal(resolveInRoot(root, '/var/run/netns/cni-1'), `${root}/run/netns/cni-1`);
    assert.equal(resolveInRoot(root, '/var/ns/cni-1'), `${root}/run/netns/cni-1`);
  });
  it('never climbs above the root', () => {
    assert.equal(resolveInRoot(root, '/../../etc/passwd'), `${root}/etc/passwd`);
    assert.equal(resolveInRoot(root, '/escape/passwd'), `${root}/etc/passwd`);
  });
  it('keeps missing components as given, and refuses link loops', () => {
    assert.equal(resolveInRoot(root, '/run/pier/./cni.sock'), `${root}/run/pier/cni.sock`);
    assert.throws(() => resolveInRoot(root, '/loop/x'), /symbolic links/);
  });
});

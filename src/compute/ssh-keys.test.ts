// Keypair keys: what Pier generates is a key OpenSSH reads (public and private), and the
// fingerprint is the MD5 form ssh-keygen prints for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, generateSshKey } from './ssh-keys.js';

test('a generated key is read by ssh-keygen, with the fingerprint Nova shows', () => {
  const { publicKey, privateKey } = generateSshKey('test');
  const dir = mkdtempSync(join(tmpdir(), 'pier-key-'));
  try {
    writeFileSync(join(dir, 'id'), privateKey, { mode: 0o600 });
    writeFileSync(join(dir, 'id.pub'), `${publicKey}\n`);
    const derived = execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'id')], { encoding: 'utf8' }).trim();
    assert.equal(derived.split(' ').slice(0, 2).join(' '), publicKey.split(' ').slice(0, 2).join(' '));
    const shown = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', join(dir, 'id.pub')], { encoding: 'utf8' });
    assert.equal(`MD5:${fingerprint(publicKey)}`, shown.split(' ')[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fingerprint refuses what is no OpenSSH public key', () => {
  assert.equal(fingerprint('not a key'), undefined);
  assert.equal(fingerprint('ssh-rsa !!!!'), undefined);
  assert.equal(fingerprint(`ssh-rsa ${Buffer.from('\0\0\0\x07ssh-dss').toString('base64')}`), undefined);
});

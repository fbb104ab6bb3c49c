// The cluster CA: a self-signed CA certificate, and CSRs signed with their subject kept
// (CN=admin, O=system:masters, as `coe cluster config` asks) for client authentication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { makeCa, signCsr } from './ca.js';

test('makeCa: a CA certificate for its own key; signCsr keeps the subject and chains to it', () => {
  const ca = makeCa('k1');
  const caCert = new X509Certificate(ca.cert);
  assert.ok(caCert.ca);
  assert.equal(caCert.subject, 'CN=k1');
  assert.ok(caCert.verify(caCert.publicKey));
  const csr = execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=admin/O=system:masters'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const cert = new X509Certificate(signCsr(ca, csr));
  assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey));
  assert.deepEqual(cert.subject.split('\n').sort(), ['CN=admin', 'O=system:masters']);
  assert.ok(!cert.ca);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.throws(() => signCsr(ca, 'not a csr'), /invalid csr/);
});

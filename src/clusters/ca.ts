// Each cluster's certificate authority: made at cluster create, rotated on request, and used to
// sign clients' CSRs (the subject kept as asked: `coe cluster config` sends CN=admin,
// O=system:masters). Keys come from node:crypto; node:crypto cannot issue certificates, so
// node-forge (pure JS, no native code, no dependencies) builds and signs the X.509 structures.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { BadRequest } from '../core/errors.js';

export interface CaPair { cert: string; key: string }

const YEAR_MS = 365 * 24 * 3600 * 1000;

function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f; // positive
  return b.toString('hex');
}

/** A new self-signed CA for `name` (RSA 2048, 5 years). */
export function makeCa(name: string): CaPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * YEAR_MS);
  const subject = [{ name: 'commonName', value: name.slice(0, 64) }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

/** Signs a PEM CSR with the CA: a client certificate (clientAuth) with the CSR's subject. Bad CSR → Magnum's InvalidCsr. */
export function signCsr(ca: CaPair, csrPem: string): string {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
    if (!csr.verify()) throw new Error('signature');
  } catch {
    throw new BadRequest(`Received invalid csr ${csrPem}.`);
  }
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey!;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * YEAR_MS);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A fresh client key and its certificate for `cn` / `o`, signed by the CA (what Pier's own checks of a cluster use). */
export function issueClientCert(ca: CaPair, cn: string, o: string): CaPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  csr.setSubject([{ name: 'commonName', value: cn }, { name: 'organizationName', value: o }]);
  const key = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  csr.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { cert: signCsr(ca, forge.pki.certificationRequestToPem(csr)), key };
}

/** The admin client certificate (CN=admin, O=system:masters) Pier itself uses on a cluster's API, one per CA and kept: an RSA key costs tens of ms. */
export function adminCertOf(ca: CaPair): CaPair {
  let admin = admins.get(ca.cert);
  if (!admin) {
    admin = issueClientCert(ca, 'admin', 'system:masters');
    if (admins.size >= 256) admins.delete(admins.keys().next().value!);
    admins.set(ca.cert, admin);
  }
  return admin;
}
const admins = new Map<string, CaPair>();

/** Whether a PEM string parses as a CSR at all (for a fast 400 before any lookup). */
export function looksLikeCsr(text: unknown): text is string {
  return typeof text === 'string' && text.includes('CERTIFICATE REQUEST');
}

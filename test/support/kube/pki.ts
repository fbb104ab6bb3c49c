// A throwaway cluster PKI for the Kubernetes system tests, made with Debian's openssl: a CA,
// serving and client certificates (the identity is the subject: CN = user, O = group), the
// service-account key pair. EC P-256 keys, because they are generated in milliseconds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertSpec {
  /** File stem: <dir>/<name>.crt and <dir>/<name>.key. */
  name: string;
  cn: string;
  /** Groups (O=), e.g. system:masters. */
  groups?: string[];
  /** serverAuth certificates need their names: DNS:… and IP:… entries. */
  sans?: string[];
  usage: 'server' | 'client';
}

export interface Pki {
  dir: string;
  ca: string;
  crt(name: string): string;
  key(name: string): string;
  saKey: string;
  saPub: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const ecKey = (out: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]);

export function makePki(dir: string, certs: CertSpec[]): Pki {
  mkdirSync(dir, { recursive: true });
  const ca = join(dir, 'ca.crt');
  ecKey(join(dir, 'ca.key'));
  openssl(['req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-out', ca, '-days', '2', '-subj', '/CN=pier-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const c of certs) {
    const key = join(dir, `${c.name}.key`);
    ecKey(key);
    const subj = `${(c.groups ?? []).map((g) => `/O=${g}`).join('')}/CN=${c.cn}`;
    openssl(['req', '-new', '-key', key, '-out', join(dir, `${c.name}.csr`), '-subj', subj]);
    const ext = [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${c.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
      ...(c.sans?.length ? [`subjectAltName=${c.sans.join(',')}`] : []),
    ];
    writeFileSync(join(dir, `${c.name}.ext`), `${ext.join('\n')}\n`);
    openssl(['x509', '-req', '-in', join(dir, `${c.name}.csr`), '-CA', ca, '-CAkey', join(dir, 'ca.key'), '-set_serial',
      `0x${Buffer.from(c.name).toString('hex')}`, '-days', '2', '-extfile', join(dir, `${c.name}.ext`), '-out', join(dir, `${c.name}.crt`)]);
  }
  // Service-account tokens: the apiserver signs with the private key, verifies with the public one.
  ecKey(join(dir, 'sa.key'));
  openssl(['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
  return {
    dir, ca, saKey: join(dir, 'sa.key'), saPub: join(dir, 'sa.pub'),
    crt: (name) => join(dir, `${name}.crt`), key: (name) => join(dir, `${name}.key`),
  };
}

/** A kubeconfig that authenticates with a client certificate of `pki`. */
export function writeKubeconfig(file: string, pki: Pki, server: string, cert: string): string {
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters:
- name: pier-test
  cluster: {server: "${server}", certificate-authority: "${pki.ca}"}
users:
- name: ${cert}
  user: {client-certificate: "${pki.crt(cert)}", client-key: "${pki.key(cert)}"}
contexts:
- name: pier-test
  context: {cluster: pier-test, user: ${cert}}
current-context: pier-test
`);
  return file;
}

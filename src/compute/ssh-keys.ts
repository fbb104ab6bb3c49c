// SSH keys for keypairs: a new RSA key in the formats OpenSSH reads (public `ssh-rsa AAAA…`,
// private PEM), and the MD5 fingerprint Nova shows, from any OpenSSH public key line.
import { createHash, generateKeyPairSync } from 'node:crypto';

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A big-endian unsigned integer as SSH's mpint (a leading zero when the top bit is set). */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshString(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

export function generateSshKey(comment: string): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(Buffer.from(jwk.e, 'base64url')), mpint(Buffer.from(jwk.n, 'base64url'))]);
  return {
    publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

const KEY_TYPES = ['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'];

/** `aa:bb:…` (MD5 of the key blob), or undefined when `line` is no OpenSSH public key. */
export function fingerprint(line: string): string | undefined {
  const [type, data] = line.trim().split(/\s+/);
  if (!type || !data || !KEY_TYPES.includes(type)) return undefined;
  const blob = Buffer.from(data, 'base64');
  if (blob.length < 8 || blob.toString('base64').replace(/=+$/, '') !== data.replace(/=+$/, '')) return undefined;
  const len = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + len).toString() !== type) return undefined;
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

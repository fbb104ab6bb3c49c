// Tokens are sealed, not stored (Keystone's fernet idea): AES-256-GCM over a compact payload,
// with keys from the store so every Pier process on one database accepts every other's tokens.
// A token cannot be forged or altered without a key; revocation is checked separately.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** What a token carries. Everything else (names, roles, catalog) is looked up at validation. */
export interface TokenPayload {
  userId: string;
  methods: string[];
  scope: { project: string } | { domain: string } | { system: 'all' } | null;
  issuedAt: number;
  expiresAt: number;
  /** [own audit id, audit chain id of the token it was rescoped from]. */
  auditIds: string[];
  appCredId?: string;
}

const VERSION = 1;

export class TokenCodec {
  /** `keys[0]` seals; every key opens (so a rotated-out key keeps working until its tokens expire). */
  constructor(private readonly keys: Buffer[]) {
    if (!keys.length) throw new Error('no token keys');
  }

  seal(p: TokenPayload): string {
    const scope = p.scope === null ? null : 'project' in p.scope ? ['p', p.scope.project] : 'domain' in p.scope ? ['d', p.scope.domain] : ['s', 'all'];
    const plain = Buffer.from(JSON.stringify([p.userId, p.methods, scope, p.issuedAt, p.expiresAt, p.auditIds, p.appCredId ?? null]));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The payload, or undefined when the token is malformed or was not sealed by one of our keys. */
  open(token: string): TokenPayload | undefined {
    if (token.length < 40 || token.length > 1024) return undefined;
    const raw = Buffer.from(token, 'base64url');
    if (raw[0] !== VERSION || raw.length < 1 + 12 + 16 + 2) return undefined;
    const iv = raw.subarray(1, 13);
    const tag = raw.subarray(raw.length - 16);
    const body = raw.subarray(13, raw.length - 16);
    for (const key of this.keys) {
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAuthTag(tag);
        const plain = Buffer.concat([d.update(body), d.final()]).toString();
        const [userId, methods, scope, issuedAt, expiresAt, auditIds, appCredId] = JSON.parse(plain);
        const payload: TokenPayload = {
          userId, methods,
          scope: scope === null ? null : scope[0] === 'p' ? { project: scope[1] } : scope[0] === 'd' ? { domain: scope[1] } : { system: 'all' },
          issuedAt, expiresAt, auditIds,
        };
        if (appCredId) payload.appCredId = appCredId;
        return payload;
      } catch { /* not this key */ }
    }
    return undefined;
  }
}

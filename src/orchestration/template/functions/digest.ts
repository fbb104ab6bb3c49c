// digest (2015-04-30+): hex digest of a string with a named hash algorithm.
import { createHash, getHashes } from 'node:crypto';
import { FnArgError } from './types.js';
import type { FunctionDef } from './types.js';

// Python hashlib names → OpenSSL names as Node knows them.
const PY_TO_NODE: Readonly<Record<string, string>> = {
  md5: 'md5', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512',
  sha3_224: 'sha3-224', sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512',
  sha512_224: 'sha512-224', sha512_256: 'sha512-256', blake2b: 'blake2b512', blake2s: 'blake2s256',
};

const available = new Set(getHashes().map((h) => h.toLowerCase()));
export const DIGEST_ALGORITHMS: readonly string[] = Object.keys(PY_TO_NODE).filter((k) => available.has(PY_TO_NODE[k]!));

export const digest: FunctionDef = {
  description: 'Returns the hex digest of a value with the given hash algorithm.',
  evaluate(args, name, r) {
    const a = r.resolve(args);
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) {
      throw new FnArgError(`Argument to function "${name}" must be a list of strings`);
    }
    if (a.length !== 2) throw new FnArgError(`Function "${name}" usage: ["<algorithm>", "<value>"]`);
    const [algorithm, value] = a as [string, string];
    const alg = PY_TO_NODE[algorithm.toLowerCase()];
    if (alg === undefined || !DIGEST_ALGORITHMS.includes(algorithm.toLowerCase())) {
      throw new FnArgError(`Algorithm must be one of {${DIGEST_ALGORITHMS.map((x) => `'${x}'`).join(', ')}}`);
    }
    // OpenStack: Heat hashes value.encode('latin-1'), which fails beyond U+00FF.
    if (/[^\u0000-\u00ff]/.test(value)) throw new FnArgError("'latin-1' codec can't encode characters in the value");
    return createHash(alg).update(Buffer.from(value, 'latin1')).digest('hex');
  },
};

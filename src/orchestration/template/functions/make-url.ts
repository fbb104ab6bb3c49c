// make_url (2017-09-01+): build a correctly escaped URL from its parts.
import { pyQuote, pyRepr, pyStr } from '../py.js';
import { FnArgError, FnCall, isMap } from './types.js';
import type { FunctionDef, Json } from './types.js';

const KEYS = ['scheme', 'username', 'password', 'host', 'port', 'path', 'query', 'fragment'] as const;
// urllib's uses_netloc: schemes whose URLs get '//' even without a host.
const USES_NETLOC = new Set(['', 'ftp', 'http', 'gopher', 'nntp', 'telnet', 'imap', 'wais', 'file', 'mms', 'https',
  'shttp', 'snews', 'prospero', 'rtsp', 'rtspu', 'rsync', 'svn', 'svn+ssh', 'sftp', 'nfs', 'git', 'git+ssh', 'ws', 'wss']);

function checkArgs(args: { [key: string]: unknown }, name: string): void {
  for (const arg of KEYS) {
    if (!(arg in args)) continue;
    const v = args[arg];
    if (arg === 'query') {
      if (!(v instanceof FnCall) && !isMap(v)) throw new FnArgError(`The "${arg}" argument to "${name}" must be a map`);
      return; // OpenStack: Heat stops checking at "query" (fragment is not checked).
    }
    if (arg === 'port') {
      if (v instanceof FnCall) continue;
      const port = typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : NaN;
      if (Number.isNaN(port)) throw new FnArgError(`Invalid URL port "${pyStr(v)}" for ${name} called with ${pyRepr(args)}`);
      if (!(port > 0 && port <= 65535)) throw new FnArgError(`Invalid URL port ${port}, must be in range 1-65535`);
    } else if (!(v instanceof FnCall) && typeof v !== 'string') {
      throw new FnArgError(`The "${arg}" argument to "${name}" must be a string`);
    }
  }
}

export const makeUrl: FunctionDef = {
  description: 'Builds a correctly escaped URL from its components.',
  check(args, name) {
    if (!isMap(args)) throw new FnArgError(`The arguments to "${name}" must be a map`);
    const invalid = Object.keys(args).filter((k) => !(KEYS as readonly string[]).includes(k));
    if (invalid.length > 0) throw new FnArgError(`Invalid arguments to "${name}": ${invalid.join(', ')}`);
    checkArgs(args, name);
  },
  evaluate(args, name, r) {
    const a = r.resolve(args) as { [key: string]: Json };
    checkArgs(a, name);
    const get = (k: string): string => (a[k] === undefined || a[k] === null ? '' : pyStr(a[k]));
    const scheme = get('scheme');
    if (scheme.includes(':')) throw new FnArgError(`URL "scheme" should not contain ':'`);
    let netloc = '';
    const username = pyQuote(get('username'), '');
    const password = pyQuote(get('password'), '');
    if (username || password) netloc += username + (password ? `:${password}` : '') + '@';
    let host = get('host');
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    host = pyQuote(host, ':');
    netloc += host.includes(':') ? `[${host}]` : host;
    const port = a['port'];
    if (port !== undefined && port !== null && port !== '' && port !== 0) netloc += `:${pyStr(port)}`;
    let url = pyQuote(get('path'));
    const query = Object.entries((a['query'] as { [key: string]: Json } | undefined) ?? {})
      .map(([k, v]) => `${pyQuote(k, '', true)}=${pyQuote(pyStr(v), '', true)}`)
      .join('&')
      .replace(/%2F/g, '/');
    const fragment = pyQuote(get('fragment'));
    // urllib.parse.urlunsplit
    if (netloc || (scheme && USES_NETLOC.has(scheme) && url.slice(0, 2) !== '//')) {
      if (url && !url.startsWith('/')) url = `/${url}`;
      url = `//${netloc}${url}`;
    }
    if (scheme) url = `${scheme}:${url}`;
    if (query) url += `?${query}`;
    if (fragment) url += `#${fragment}`;
    return url;
  },
};

// Errors that mean "the store cannot serve now" rather than "the request is wrong": the data dir's
// disk full or read-only (SQLite, image files), the PostgreSQL server gone or refusing. The edge
// answers them 503 in each service's body; nothing was written (the transaction rolled back), and
// the next request succeeds once the cause is gone — no restart.

const SQLITE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|PROTOCOL)/;
const ERRNO = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EIO', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
// PostgreSQL: connection exceptions (08), insufficient resources (53), operator intervention (57),
// and a database that does not accept connections now (55000, e.g. during maintenance).
const PG_CLASSES = ['08', '53', '57'];
const PG_CODES = new Set(['55000']);

/** Why the store cannot serve, when `err` says so; undefined for any other error. */
export function unavailableReason(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (SQLITE.test(code)) {
    if (code.startsWith('SQLITE_FULL')) return 'the data directory is full';
    if (code.startsWith('SQLITE_READONLY')) return 'the data directory is read-only';
    return 'the store cannot be written now';
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the data directory is full';
  if (code === 'EROFS') return 'the data directory is read-only';
  if (ERRNO.has(code)) return 'the database cannot be reached';
  if (/^[0-9A-Z]{5}$/.test(code) && (PG_CLASSES.includes(code.slice(0, 2)) || PG_CODES.has(code))) return 'the database cannot serve now';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message)) return 'the database cannot be reached';
  return undefined;
}

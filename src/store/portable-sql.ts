// The few SQL expressions the two databases spell differently, for list filters: a regular
// expression match (SQLite gets a `regexp` function from the embedded backend) and a text value
// inside a JSON-as-text column.
import { sql, type RawBuilder } from 'kysely';
import type { StoreKind } from './store.js';

/** `column` matches the regular expression `pattern` somewhere (MySQL's REGEXP, as Nova's name filter). */
export function regexpMatch(kind: StoreKind, column: string, pattern: string): RawBuilder<boolean> {
  return kind === 'postgres' ? sql<boolean>`${sql.ref(column)} ~ ${pattern}` : sql<boolean>`${sql.ref(column)} regexp ${pattern}`;
}

/** The text of top-level `key` in the JSON object stored as text in `column` (null when absent). */
export function jsonText(kind: StoreKind, column: string, key: string): RawBuilder<string | null> {
  return kind === 'postgres'
    ? sql<string | null>`(${sql.ref(column)}::json ->> ${key})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${`$."${key.replaceAll('"', '""')}"`})`;
}

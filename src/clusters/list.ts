// Magnum's list controls over keysetPage: limit (positive, at most 1000), marker (a uuid),
// sort_key (a sortable attribute; `id` is creation order) and sort_dir, with Magnum's words
// for a bad one, and the `next` link of a full page.
import { sql, type SelectQueryBuilder } from 'kysely';
import { keysetPage, type ResourceDef, type QueryParams, queryValues } from '../core/resource/index.js';
import { BadRequest, InvalidParameterValue } from './errors.js';

const MAX_LIMIT = 1000;

export async function magnumPage<R extends Record<string, unknown>>(
  def: ResourceDef, qb: SelectQueryBuilder<any, any, any>, params: QueryParams, marker: (uuid: string) => Promise<R>,
): Promise<{ rows: R[]; next: (url: string) => string | undefined }> {
  const limitText = queryValues(params, 'limit')[0];
  let limit = MAX_LIMIT;
  if (limitText !== undefined) {
    if (!/^-?\d+$/.test(limitText)) throw new BadRequest(`Invalid input for field/attribute limit. Value: '${limitText}'. unable to convert to int`);
    if (Number(limitText) <= 0) throw new InvalidParameterValue('Limit must be positive');
    limit = Math.min(Number(limitText), MAX_LIMIT);
  }
  const dir = (queryValues(params, 'sort_dir')[0] ?? 'asc').toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw new InvalidParameterValue(`Invalid sort direction: ${dir}. Acceptable values are 'asc' or 'desc'`);
  const key = queryValues(params, 'sort_key')[0] ?? 'id';
  // OpenStack: Magnum's `id` is an autoincrement: creation order.
  const column = key === 'id' ? 'created_at' : key;
  if (key !== 'id' && !def.attributes[key]?.sort) throw new InvalidParameterValue(`The sort_key value "${key}" is an invalid field for sorting`);
  const sort: [string, 'asc' | 'desc'][] = [[column, dir], ['uuid', dir]];
  const markerId = queryValues(params, 'marker')[0];
  const markerRow = markerId ? await marker(markerId) : undefined;
  const expr = (k: string) => sql.ref(`${def.table}.${k}`);
  const { rows, more } = await keysetPage<R>(def.table, qb, { sort, limit }, markerRow, expr);
  const asked = limitText !== undefined;
  return {
    rows,
    next: (url) => (asked && (more || rows.length === limit) && rows.length
      ? `${url}?${new URLSearchParams({ limit: String(limit), sort_key: key, sort_dir: dir, marker: String(rows.at(-1)!['uuid']) }).toString()}` : undefined),
  };
}

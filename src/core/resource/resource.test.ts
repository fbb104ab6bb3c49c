// The resource machinery on a sample definition: body checks, defaults, views, and list
// queries (filters, sorting, keyset pagination) against a real SQLite database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { InvalidAttribute, MalformedBody } from '../errors.js';
import { applyFilters, bool, checkBody, defineResource, fromRow, int, json, listOf, nullable, oneOf, pageRows, planList, str, toRow, unwrap, uuid, view } from './index.js';

const widget = defineResource({
  singular: 'widget', plural: 'widgets', table: 'widgets',
  attributes: {
    id: { type: str(), filter: true, sort: true },
    name: { type: str({ max: 10 }), create: 'required', update: true, filter: true, sort: true },
    size: { type: int({ min: 0, max: 100 }), create: true, update: true, default: 1, filter: true, sort: true },
    shared: { type: bool, create: true, default: false, filter: true },
    color: { type: nullable(oneOf('red', 'blue')), create: true, default: null, filter: true },
    owner: { type: uuid, create: true, update: true },
    tags: { type: listOf(str()), create: true, default: [] },
    meta: { type: json(), create: true, default: {} },
    secret: { type: str(), create: true, visible: false },
    status: { type: str(), default: 'DOWN' },
    computed: { type: str(), stored: false },
  },
});

describe('body checks', () => {
  const bad = (body: Record<string, unknown>, mode: 'create' | 'update', attribute: string, reason: RegExp) => {
    assert.throws(() => checkBody(widget, body, mode), (e: unknown) => e instanceof InvalidAttribute && e.attribute === attribute && reason.test(e.reason));
  };
  const cases: [string, Record<string, unknown>, 'create' | 'update', string, RegExp][] = [
    ['unknown attribute', { name: 'a', bogus: 1 }, 'create', 'bogus', /Unrecognized attribute/],
    ['read-only on create', { name: 'a', status: 'UP' }, 'create', 'status', /not allowed in POST/],
    ['create-only on update', { shared: true }, 'update', 'shared', /not allowed in PUT/],
    ['required missing', {}, 'create', 'name', /Required attribute 'name'/],
    ['string too long', { name: 'a'.repeat(11) }, 'create', 'name', /exceeds maximum length/],
    ['not a string', { name: 5 }, 'create', 'name', /not a valid string/],
    ['int out of range', { name: 'a', size: 101 }, 'create', 'size', /too large/],
    ['not a boolean', { name: 'a', shared: 'yes' }, 'create', 'shared', /boolean/],
    ['not in enum', { name: 'a', color: 'green' }, 'create', 'color', /not in/],
    ['not a uuid', { name: 'a', owner: 'x' }, 'create', 'owner', /UUID/],
    ['list item', { name: 'a', tags: ['ok', 3] }, 'create', 'tags', /string/],
    ['not a dict', { name: 'a', meta: [] }, 'create', 'meta', /dictionary/],
  ];
  for (const [what, body, mode, attribute, reason] of cases) test(what, () => bad(body, mode, attribute, reason));

  test('prototype names are unknown attributes, not read-only ones', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const body = JSON.parse(`{"name": "a", "${key}": 1}`) as Record<string, unknown>;
      assert.throws(() => checkBody(widget, body, 'create'), (e: unknown) => e instanceof InvalidAttribute && e.kind === 'unknown' && e.attribute === key, key);
    }
    assert.deepEqual(view(widget, JSON.parse('{"id": "1", "constructor": 2}')), { id: '1' });
  });

  test('integer filter values outside the range match nothing', () => {
    const size = widget.attributes.size.type;
    assert.equal(size.fromQuery!('7'), 7);
    assert.equal(size.fromQuery!('101'), undefined);
    assert.equal(size.fromQuery!('99999999999999999999'), undefined);
  });

  test('defaults and conversion on create; nothing added on update', () => {
    const { values } = checkBody(widget, { name: 'a', shared: 'True', size: '7', owner: 'AAAAAAAA-0000-0000-0000-000000000000' }, 'create');
    assert.deepEqual(values, { name: 'a', shared: true, size: 7, owner: 'aaaaaaaa-0000-0000-0000-000000000000', color: null, tags: [], meta: {}, status: 'DOWN' });
    assert.deepEqual(checkBody(widget, { size: 3 }, 'update').values, { size: 3 });
  });

  test('envelopes', () => {
    assert.deepEqual(unwrap(widget, { widget: { name: 'a' } }), { name: 'a' });
    assert.throws(() => unwrap(widget, { other: {} }), MalformedBody);
    assert.throws(() => unwrap(widget, 'text'), MalformedBody);
  });

  test('view hides invisible attributes and honours fields', () => {
    const v = { id: '1', name: 'a', secret: 's', size: 1 };
    assert.deepEqual(view(widget, v), { id: '1', name: 'a', size: 1 });
    assert.deepEqual(view(widget, v, ['name']), { name: 'a' });
  });

  test('rows round-trip: booleans as 0/1, JSON as text, unstored attributes dropped', () => {
    const row = toRow(widget, { id: '1', name: 'a', shared: true, tags: ['x'], meta: { k: 1 }, computed: 'c' });
    assert.deepEqual(row, { id: '1', name: 'a', shared: 1, tags: '["x"]', meta: '{"k":1}' });
    assert.deepEqual(fromRow(widget, row), { id: '1', name: 'a', shared: true, tags: ['x'], meta: { k: 1 } });
  });
});

describe('list queries', () => {
  let db: Kysely<any>;
  before(async () => {
    db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Sqlite(':memory:') }) });
    await db.schema.createTable('widgets').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('name', 'text').addColumn('size', 'integer')
      .addColumn('shared', 'integer').addColumn('color', 'text').addColumn('owner', 'text').addColumn('tags', 'text').addColumn('meta', 'text')
      .addColumn('secret', 'text').addColumn('status', 'text').execute();
    const rows = Array.from({ length: 25 }, (_, i) => toRow(widget, {
      id: `w${String(i).padStart(2, '0')}`, name: `n${i % 5}`, size: i, shared: i % 2 === 0, color: i % 3 ? 'red' : null, tags: [], meta: {}, status: 'DOWN',
    }));
    await db.insertInto('widgets').values(rows).execute();
  });
  after(() => db.destroy());

  const list = async (params: Record<string, string | string[]>) => {
    const plan = planList(widget, params);
    const q = applyFilters(widget, db.selectFrom('widgets').selectAll(), params, { strictFilters: true });
    const marker = plan.marker ? await db.selectFrom('widgets').selectAll().where('id', '=', plan.marker).executeTakeFirst() : undefined;
    return pageRows(widget, q, plan, marker);
  };

  test('filters: equality, repeated key is OR, booleans, empty means null', async () => {
    assert.equal((await list({ name: 'n1' })).rows.length, 5);
    assert.equal((await list({ name: ['n1', 'n2'] })).rows.length, 10);
    assert.equal((await list({ shared: 'true' })).rows.length, 13);
    await assert.rejects(list({ shared: 'maybe' }), /cannot be converted to boolean/);
    assert.equal((await list({ color: '' })).rows.length, 9);
    assert.throws(() => applyFilters(widget, db.selectFrom('widgets'), { secretive: 'x' }, { strictFilters: true }), /invalid attribute for filtering/);
  });

  test('prototype names are neither filters nor sort keys', () => {
    assert.throws(() => applyFilters(widget, db.selectFrom('widgets'), { constructor: 'x' }, { strictFilters: true }), /invalid attribute for filtering/);
    assert.throws(() => planList(widget, { sort_key: 'toString', sort_dir: 'asc' }), /invalid attribute for sort_keys/);
  });

  test('a limit past what SQL holds pages like no limit', async () => {
    const { rows, more } = await list({ limit: '99999999999999999999' });
    assert.equal(rows.length, 25);
    assert.equal(more, false);
  });

  test('sorting with a tie-breaker and both directions', async () => {
    const { rows } = await list({ sort_key: ['name', 'size'], sort_dir: ['desc', 'asc'] });
    assert.deepEqual(rows.slice(0, 3).map((r) => r.id), ['w04', 'w09', 'w14']);
    assert.throws(() => planList(widget, { sort_key: 'secret', sort_dir: 'asc' }), /invalid attribute for sort_keys/);
    assert.throws(() => planList(widget, { sort_key: 'name' }), /sort_keys and sort_dirs must be same/);
    assert.throws(() => planList(widget, { sort_key: 'name', sort_dir: 'sideways' }), /invalid value for sort_dirs/);
  });

  test('keyset pagination walks every row exactly once, in any sort order', async () => {
    for (const params of [{}, { sort_key: 'size', sort_dir: 'desc' }, { sort_key: ['name', 'size'], sort_dir: ['asc', 'asc'] }] as Record<string, string | string[]>[]) {
      const seen: string[] = [];
      let marker: string | undefined;
      for (let page = 0; page < 10; page++) {
        const { rows, more } = await list({ ...params, limit: '7', ...(marker ? { marker } : {}) });
        seen.push(...rows.map((r) => String(r.id)));
        if (!more) break;
        marker = String(rows.at(-1)!.id);
      }
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
    }
  });
});

// The graph walk: dependency order, reverse order, the parallelism bound, and a failure stopping
// new nodes while running ones finish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reversed, traverse } from './graph.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));
const tick = () => new Promise((r) => setTimeout(r, 1));

test('every node runs after what it requires; reverse runs dependants first', async () => {
  const g = graph({ net: [], subnet: ['net'], port: ['net', 'subnet'], router: [], iface: ['router', 'subnet'] });
  const order: string[] = [];
  assert.equal(await traverse(g, async (n) => { await tick(); order.push(n); }), null);
  const at = (n: string) => order.indexOf(n);
  assert.equal(order.length, 5);
  assert.ok(at('net') < at('subnet') && at('subnet') < at('port') && at('subnet') < at('iface') && at('router') < at('iface'));
  const back: string[] = [];
  assert.equal(await traverse(g, async (n) => { await tick(); back.push(n); }, { reverse: true }), null);
  const bt = (n: string) => back.indexOf(n);
  assert.ok(bt('port') < bt('subnet') && bt('iface') < bt('subnet') && bt('subnet') < bt('net') && bt('iface') < bt('router'));
  assert.deepEqual([...reversed(g).get('net')!].sort(), ['port', 'subnet']);
});

test('independent nodes run in parallel, never more than the limit', async () => {
  const g = graph(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`n${i}`, []])));
  let active = 0;
  let peak = 0;
  await traverse(g, async () => { active++; peak = Math.max(peak, active); await tick(); active--; }, { limit: 4 });
  assert.equal(peak, 4);
});

test('a failure stops new nodes; running ones finish; the first error is returned', async () => {
  const g = graph({ a: [], b: [], c: ['a'], d: ['c'] });
  const done: string[] = [];
  const err = await traverse(g, async (n) => {
    if (n === 'a') throw new Error('a broke');
    await tick();
    done.push(n);
  });
  assert.equal(err?.message, 'a broke');
  assert.deepEqual(done, ['b']);
});

test('stop() ends the walk with its reason', async () => {
  const g = graph({ a: [], b: ['a'] });
  let ran = 0;
  const err = await traverse(g, async () => { ran++; }, { stop: () => (ran > 0 ? 'Stack cancelled' : null) });
  assert.equal(err?.message, 'Stack cancelled');
  assert.equal(ran, 1);
});

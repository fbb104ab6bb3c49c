// One fuzz case for one route: who calls (admin, member, nobody, a forged token), the path
// (real ids or odd segments), hostile query and headers, and a body — aimed at the resource
// definition the route serves when there is one, else mutated from a body a real request sent,
// else any hostile JSON, raw text or a wrong content type.
import { definitions, type ResourceDef } from '../../../src/core/resource/index.js';
import { deepText, hostileHeaders, hostileQuery, hostileSegment, hostileValue, mutateLeaves, protoObject, valueFor } from './hostile.js';
import type { Prng } from './prng.js';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Raw body text (or undefined for none). */
  body?: string;
  /** What was aimed at, for the failure report. */
  note: string;
}

export interface Callers { admin: string; member: string }

/** The definition a route's path serves: the one its last literal segment names (`/v2.0/ports/:id`). */
export function definitionOf(url: string): ResourceDef | undefined {
  const last = url.split('/').filter((s) => s && !s.startsWith(':')).at(-1);
  if (!last) return undefined;
  const name = last.replace(/-/g, '_');
  // The last one made wins: an extended definition replaces its base.
  return [...definitions()].reverse().find((d) => d.plural === name);
}

const json = (v: unknown) => JSON.stringify(v);

function withEnvelope(def: ResourceDef, inner: Record<string, unknown>): Record<string, unknown> {
  return { [def.singular]: inner };
}

/** A body aimed at one attribute of `def` (or at its envelope), starting from `sample` when given. */
function definitionBody(r: Prng, def: ResourceDef, sample: Record<string, unknown> | undefined): { body: string; note: string } {
  const base = { ...(sample ?? {}) };
  const keys = Object.keys(def.attributes);
  switch (r.int(10)) {
    case 0: return { body: json({ [def.singular]: hostileValue(r) }), note: `${def.singular} envelope` };
    case 1: return { body: json({ [def.plural]: [base, hostileValue(r)] }), note: `${def.plural} bulk` };
    case 2: {
      // One prototype name (or an unknown key) beside a good body, so it is the only thing wrong.
      const k = r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'bogus_attribute']);
      const inner = json(base).slice(1, -1);
      return { body: `{"${def.singular}": {${inner ? `${inner},` : ''}"${k}": ${json(hostileValue(r))}}}`, note: `key ${k}` };
    }
    case 3: {
      // Duplicated keys: JSON.parse keeps the last, a naive scanner the first.
      const k = r.pick(keys);
      const inner = json(base).slice(1, -1);
      return { body: `{"${def.singular}": {${inner ? `${inner},` : ''}"${k}": "first", "${k}": ${json(valueFor(r, def.attributes[k]!.type))}}}`, note: `duplicate ${k}` };
    }
    default: {
      const k = r.pick(keys);
      return { body: json(withEnvelope(def, { ...base, [k]: valueFor(r, def.attributes[k]!.type, base[k]) })), note: `${def.singular}.${k}` };
    }
  }
}

/** A body with no definition to aim at: a known good one mutated, or anything hostile. */
function genericBody(r: Prng, sample: unknown): { body: string; note: string } {
  if (sample !== undefined && r.chance(0.6)) return { body: json(mutateLeaves(r, sample)), note: 'mutated sample' };
  if (sample && typeof sample === 'object' && !Array.isArray(sample) && r.chance(0.5)) {
    const [k] = Object.keys(sample);
    if (k) return { body: json({ [k]: hostileValue(r) }), note: `${k} envelope` };
  }
  return { body: json(hostileValue(r)), note: 'hostile json' };
}

/** Bodies no JSON API should take, or should read carefully. */
function rawBody(r: Prng): { body: string; note: string; type?: string } {
  return r.pick([
    { body: '{', note: 'truncated json' },
    { body: '{"a": 1,}', note: 'trailing comma' },
    { body: 'null', note: 'null body' },
    { body: '[]', note: 'array body' },
    { body: '"text"', note: 'string body' },
    { body: '1e999', note: 'infinite number body' },
    { body: deepText(r.pick([500, 5000, 100_000]), r.pick(['array', 'object'] as const)), note: 'deep json' },
    { body: protoObject(), note: 'prototype keys body' },
    { body: '{"a":1,"a":{"b":2}}', note: 'duplicate top-level keys' },
    { body: '\ufeff{}', note: 'byte order mark' },
    { body: '{"x": "\\ud800"}', note: 'lone surrogate escape' },
    { body: '<xml/>', note: 'xml', type: 'application/xml' },
    { body: '{}', note: 'text/plain json', type: 'text/plain' },
    { body: '{}', note: 'no content type', type: '' },
    { body: '{}', note: 'utf-16 charset', type: 'application/json; charset=utf-16' },
    { body: '{}', note: 'patch media type', type: 'application/openstack-images-v2.1-json-patch' },
    { body: 'abc', note: 'octet stream', type: 'application/octet-stream' },
    { body: '--x\r\n\r\n--x--', note: 'multipart', type: 'multipart/form-data; boundary=x' },
    { body: 'a=1', note: 'form', type: 'application/x-www-form-urlencoded' },
    { body: `{"a": "${'x'.repeat(1_100_000)}"}`, note: 'over the body limit' },
  ]);
}

export interface CaseInput {
  method: string;
  url: string;
  params: Record<string, string> | undefined;
  /** A body a real request sent to this route, if any. */
  sample: unknown;
  callers: Callers;
}

export function makeCase(r: Prng, input: CaseInput): FuzzRequest {
  const { method, url, callers } = input;
  const notes: string[] = [];
  // Path: real ids mostly (deletes get odd ones, so the seeded resources stay), else odd segments.
  const real = input.params && method !== 'DELETE' && r.chance(0.7);
  const path = url.split('/').map((s) => {
    if (!s.startsWith(':')) return s;
    // Real ids, with now and then one odd segment among them (a real server, an odd metadata key).
    if (real && !r.chance(0.25)) return encodeURIComponent(input.params![s.slice(1)]!);
    const odd = hostileSegment(r);
    notes.push(`${s}=${odd.slice(0, 40)}`);
    return odd;
  }).join('/');
  const query = r.chance(method === 'GET' ? 0.7 : 0.2) ? hostileQuery(r, filterKeys(url)) : [];
  const qs = query.length ? `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';
  if (qs) notes.push(`query ${qs.slice(0, 80)}`);
  const headers = r.chance(0.4) ? hostileHeaders(r) : {};
  if (Object.keys(headers).length) notes.push(`headers ${json(headers).slice(0, 120)}`);

  const who = r.next();
  if (who < 0.45) headers['x-auth-token'] = callers.admin;
  else if (who < 0.8) headers['x-auth-token'] = callers.member;
  else if (who < 0.9) headers['x-auth-token'] = r.pick(['garbage', 'gAAAAA' + 'x'.repeat(200), callers.admin.slice(0, -2), '\u00e9']);
  notes.push(who < 0.45 ? 'admin' : who < 0.8 ? 'member' : who < 0.9 ? 'forged token' : 'no token');

  let body: string | undefined;
  let type: string | undefined = 'application/json';
  const wantsBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (wantsBody || r.chance(0.1)) {
    const def = definitionOf(url);
    const roll = r.next();
    let made: { body: string; note: string; type?: string };
    if (roll < 0.2) made = rawBody(r);
    else if (def && roll < 0.75) made = definitionBody(r, def, sampleInner(def, input.sample));
    else made = genericBody(r, input.sample);
    body = made.body;
    if (made.type !== undefined) type = made.type;
    notes.push(made.note);
  }
  if (body !== undefined && type) headers['content-type'] = type;
  if (method === 'PATCH' && !headers['content-type']?.includes('patch') && url.startsWith('/image') && r.chance(0.5)) {
    headers['content-type'] = 'application/openstack-images-v2.1-json-patch';
  }
  return { method, path: path + qs, headers, body, note: notes.join('; ') };
}

function sampleInner(def: ResourceDef, sample: unknown): Record<string, unknown> | undefined {
  const inner = sample && typeof sample === 'object' ? (sample as Record<string, unknown>)[def.singular] : undefined;
  return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
}

function filterKeys(url: string): string[] {
  const def = definitionOf(url);
  if (!def) return [];
  return Object.entries(def.attributes).filter(([, a]) => a.filter || a.sort).map(([k]) => k);
}

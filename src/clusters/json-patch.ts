// RFC 6902 JSON patches as Magnum takes them for templates, clusters and nodegroups: a list of
// {op, path, value}; Magnum's JsonPatchType refuses internal and (for remove) mandatory
// attributes before anything is applied. The document is never changed in place.
import { BadRequest } from '../core/errors.js';
import { PatchError } from './errors.js';

export interface PatchRules {
  /** Top-level attributes a patch may not touch at all. */
  readonly internal: readonly string[];
  /** Top-level attributes a patch may not remove. */
  readonly mandatory: readonly string[];
}

type Doc = Record<string, unknown>;
const OPS = ['add', 'replace', 'remove', 'test', 'move', 'copy'];

const bad = (msg: string) => new BadRequest(`Invalid input for field/attribute patch. Value: ''. ${msg}`);

function pointer(path: unknown): string[] {
  if (typeof path !== 'string' || !path.startsWith('/')) throw bad(`Invalid path: ${String(path)}`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Doc, parts: string[], patch: unknown): [Doc | unknown[], string] {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Doc)[p] : undefined;
    if (cur === undefined || cur === null || typeof cur !== 'object') throw new PatchError(patch, `can't resolve path ${parts.join('/')}`);
  }
  return [cur as Doc | unknown[], parts.at(-1)!];
}

/** Applies `ops` to a copy of `doc` (Magnum's PatchError on a path that does not apply). */
export function applyPatch(doc: Doc, ops: unknown, rules: PatchRules): Doc {
  if (!Array.isArray(ops)) throw bad('Expected a list of patch operations');
  for (const op of ops) {
    if (op === null || typeof op !== 'object' || !OPS.includes(String((op as Doc)['op']))) throw bad(`Invalid patch operation: ${JSON.stringify(op)}`);
    const [top] = pointer((op as Doc)['path']);
    if (rules.internal.includes(top!)) throw bad(`'/${top}' is an internal attribute and can not be updated`);
    if ((op as Doc)['op'] === 'remove' && rules.mandatory.includes(top!) && pointer((op as Doc)['path']).length === 1) {
      throw bad(`'/${top}' is a mandatory attribute and can not be removed`);
    }
    if ((op as Doc)['op'] === 'add' && pointer((op as Doc)['path']).length === 1 && !(top! in doc)) {
      throw bad(`Adding a new attribute (/${top}) to the root of the resource is not allowed.`);
    }
    if (['add', 'replace', 'test'].includes(String((op as Doc)['op'])) && !('value' in (op as Doc))) throw bad(`'add' and 'replace' operations need a value`);
  }
  let out = structuredClone(doc);
  for (const raw of ops as Doc[]) {
    const parts = pointer(raw['path']);
    const op = String(raw['op']);
    const get = (ps: string[]) => { const [p, k] = parentOf(out, ps, ops); return Array.isArray(p) ? p[Number(k)] : p[k]; };
    const put = (ps: string[], v: unknown, replace: boolean) => {
      const [p, k] = parentOf(out, ps, ops);
      if (Array.isArray(p)) {
        const i = k === '-' ? p.length : Number(k);
        if (!Number.isInteger(i) || i < 0 || i > p.length || (replace && i >= p.length)) throw new PatchError(ops, `can't replace outside of list`);
        if (replace) p[i] = v; else p.splice(i, 0, v);
      } else {
        if (replace && !(k in p)) throw new PatchError(ops, `can't replace a non-existent object '${k}'`);
        p[k] = v;
      }
    };
    const remove = (ps: string[]) => {
      const [p, k] = parentOf(out, ps, ops);
      if (Array.isArray(p)) { const i = Number(k); if (!(i >= 0 && i < p.length)) throw new PatchError(ops, `can't remove a non-existent object '${k}'`); p.splice(i, 1); return; }
      if (!(k in p)) throw new PatchError(ops, `can't remove a non-existent object '${k}'`);
      delete p[k];
    };
    if (op === 'add') put(parts, structuredClone(raw['value']), false);
    else if (op === 'replace') put(parts, structuredClone(raw['value']), true);
    else if (op === 'remove') remove(parts);
    else if (op === 'test') { if (JSON.stringify(get(parts)) !== JSON.stringify(raw['value'])) throw new PatchError(ops, 'test failed'); }
    else {
      const from = pointer(raw['from']);
      const v = structuredClone(get(from));
      if (op === 'move') remove(from);
      put(parts, v, false);
    }
    out = out as Doc;
  }
  return out;
}

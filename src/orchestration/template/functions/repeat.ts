// repeat (2015-04-30+): copy a template once per item (or per combination of items)
// of the for_each lists, replacing each loop variable. 2016-10-14 adds maps (their
// keys are iterated); 2017-09-01 adds `permutations: false` (items zipped instead).
import { pyStr } from '../py.js';
import { FnArgError, FnCall, isMap, keyError } from './types.js';
import type { FunctionDef, Json, Snippet } from './types.js';

type Variant = 'lists' | 'maps' | 'nested';

const EXAMPLE = "repeat:\n              template: This is %var%\n              for_each:\n                %var%: ['a', 'b', 'c']";

function makeRepeat(variant: Variant): FunctionDef {
  return {
    description:
      variant === 'lists'
        ? 'Repeats a template for each item of the for_each lists.'
        : variant === 'maps'
          ? 'Repeats a template for each item of the for_each lists or keys of maps.'
          : 'Repeats a template for each item of the for_each lists or maps, optionally without permutations.',
    check(args, name) {
      if (!isMap(args)) throw new FnArgError(`Arguments to "${name}" must be a map`);
      if (!('for_each' in args) || !('template' in args)) throw keyError(`"repeat" syntax should be ${EXAMPLE}`);
      if (variant === 'nested' && 'permutations' in args && typeof args['permutations'] !== 'boolean') {
        throw new FnArgError(`"permutations" should be boolean type for ${name} function.`);
      }
      const forEach = args['for_each'];
      if (!(forEach instanceof FnCall) && !isMap(forEach)) {
        throw new FnArgError(`The "for_each" argument to "${name}" must contain a map`);
      }
    },
    evaluate(args, name, r) {
      const a = args as { [key: string]: Snippet };
      const nested = variant !== 'nested' || a['permutations'] !== false;
      const forEach = r.resolve(a['for_each'] ?? null);
      if (!isMap(forEach)) throw new FnArgError(`The "for_each" argument to "${name}" must contain a map`);
      const keys = Object.keys(forEach);
      const listsOnly = variant === 'lists' || !nested;
      const values = keys.map((k) => {
        const v = forEach[k] as Json;
        if (v === null) return { items: [] as Json[], counted: false };
        if (Array.isArray(v)) return { items: v, counted: true };
        if (!listsOnly && isMap(v)) return { items: Object.keys(v) as Json[], counted: true };
        throw new FnArgError(
          `The values of the "for_each" argument to "${name}" must be ${listsOnly ? 'lists' : 'lists or maps'}`,
        );
      });
      const lengths = new Set(values.filter((v) => v.counted).map((v) => v.items.length));
      if (!nested && lengths.size > 1) {
        throw new FnArgError(`For ${name}, the length of for_each values should be equal if no nested loop.`);
      }
      const template = r.resolve(a['template'] ?? null);
      const lists = values.map((v) => v.items);
      const combos = nested ? product(lists) : zip(lists);
      return combos.map((combo) => replaceIn(template, keys, combo.map(pyStr)));
    },
  };
}

function product(lists: Json[][]): Json[][] {
  return lists.reduce<Json[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

function zip(lists: Json[][]): Json[][] {
  const n = Math.min(...lists.map((l) => l.length));
  return Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, i) => lists.map((l) => l[i] as Json));
}

function replaceIn(t: Json, keys: readonly string[], values: readonly string[]): Json {
  if (typeof t === 'string') return keys.reduce((s, k, i) => s.split(k).join(values[i]), t);
  if (Array.isArray(t)) return t.map((x) => replaceIn(x, keys, values));
  if (isMap(t)) {
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [replaceIn(k, keys, values) as string, replaceIn(v, keys, values)]));
  }
  return t;
}

/** 2015-04-30 … 2016-04-08: for_each values must be lists. */
export const repeat = makeRepeat('lists');
/** 2016-10-14 … 2017-02-24: for_each values may be maps (keys are used). */
export const repeatWithMap = makeRepeat('maps');
/** From 2017-09-01: `permutations: false` zips equal-length lists. */
export const repeatNested = makeRepeat('nested');

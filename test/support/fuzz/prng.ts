// A small seeded PRNG (mulberry32): the same seed gives the same cases, so a failure found in
// CI replays locally with PIER_FUZZ_SEED.
export class Prng {
  private state: number;

  constructor(readonly seed: number) { this.state = seed >>> 0; }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }

  chance(p: number): boolean { return this.next() < p; }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }

  /** A derived generator, so one route's cases do not depend on how many another drew. */
  fork(label: string): Prng {
    let h = this.seed ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Prng(h >>> 0);
  }
}

/** CI's seed: its runs are deterministic (a red CI is a change's doing); explore with PIER_FUZZ_SEED=random. */
export const CI_SEED = 18;

/** The run's seed: PIER_FUZZ_SEED when set (to replay), CI_SEED under CI, else a fresh one. */
export function fuzzSeed(): number {
  const given = process.env.PIER_FUZZ_SEED;
  if (given === undefined || given === '') {
    if (process.env.CI === 'true') return CI_SEED;
  } else if (given !== 'random') {
    const n = Number(given);
    if (!Number.isInteger(n)) throw new Error(`PIER_FUZZ_SEED must be an integer, not ${given}`);
    return n >>> 0;
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

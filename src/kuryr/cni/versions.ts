// The CNI spec versions Pier's CNI endpoint speaks (cni/main.go answers VERSION with the same
// list) and how versions compare: CHECK needs 0.4.0, STATUS and GC 1.1.0.

export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type CniVersion = (typeof SUPPORTED_VERSIONS)[number];
export const LATEST_VERSION: CniVersion = '1.1.0';

export const isSupported = (v: unknown): v is CniVersion => typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v);

/** `a >= b` for dotted versions (both supported or at least numeric). */
export function atLeast(a: string, b: string): boolean {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
}

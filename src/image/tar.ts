// A minimal ustar writer: directories, regular files and symlinks — enough to build a root
// filesystem tarball in-process (the seeded busybox image) without a tar binary or dependency.

export type TarEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  const name = e.kind === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: path too long: ${name}`);
  const mode = e.kind === 'symlink' ? 0o777 : (e.mode ?? (e.kind === 'dir' ? 0o755 : 0o644));
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148); // checksum field counts as spaces while summing
  h.write(e.kind === 'dir' ? '5' : e.kind === 'symlink' ? '2' : '0', 156);
  if (e.kind === 'symlink') h.write(e.target, 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** The tarball's chunks, in order (header, data, padding …, two zero blocks). */
export function* tarChunks(entries: Iterable<TarEntry>): Generator<Buffer> {
  for (const e of entries) {
    const data = e.kind === 'file' ? e.data : Buffer.alloc(0);
    yield header(e, data.length);
    if (data.length) {
      yield data;
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) yield Buffer.alloc(pad);
    }
  }
  yield Buffer.alloc(1024);
}

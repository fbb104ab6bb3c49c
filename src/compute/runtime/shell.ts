// A login shell inside a running container, on a pseudo-terminal: util-linux `script` makes the
// pty (Node has none built in) and `nsenter` joins every namespace and the root of the
// container's first process, so the shell sees what the server's own processes see.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const ENV = 'env -i TERM=xterm HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Opens `/bin/sh -i` in the namespaces of host process `pid`; its stdin/stdout are the pty's other side. */
export function openShell(pid: number, size = { rows: 24, cols: 80 }): ChildProcessWithoutNullStreams {
  // A pty made from a pipe has no size; busybox's line editing needs one.
  const inner = `${ENV} /bin/sh -c 'stty rows ${size.rows} cols ${size.cols} 2>/dev/null; exec /bin/sh -i'`;
  const cmd = `exec nsenter --target ${pid} --all --root --wd -- ${inner}`;
  return spawn('script', ['--quiet', '--flush', '--command', cmd, '/dev/null'], { stdio: 'pipe' });
}

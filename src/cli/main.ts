// The `pier` command.
import { cni } from './cni.js';
import { image } from './image.js';
import { port } from './port.js';
import { up } from './up.js';

const USAGE = `Usage: pier <command> [options]

Commands:
  up      start Pier (pier up --help)
  port    plug a port into a network namespace, or unplug it (pier port --help)
  cni     install the pier CNI plugin (pier cni --help)
  image   build the Kubernetes node image into Glance (pier image --help)
`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  let code: number;
  switch (command) {
    case 'up': code = await up(rest); break;
    case 'port': code = await port(rest); break;
    case 'cni': code = await cni(rest); break;
    case 'image': code = await image(rest); break;
    case undefined: case '-h': case '--help': case 'help': process.stdout.write(USAGE); code = 0; break;
    default: process.stderr.write(`pier: unknown command '${command}'\n${USAGE}`); code = 2;
  }
  process.exitCode = code;
}

// Small lookups the libnetwork calls share: a resource by its name (exactly one, as the options
// that name one expect), a 404 as "not there", and a failure worth a log line but not an error.
import { Conflict, NotFound } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import type { Caller, NetworkingKind } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';

export { notFound as gone } from '../container-ports.js';

/** The one visible `kind` named `name`. */
export async function byName(k: KuryrContext, caller: Caller, kind: NetworkingKind, name: string): Promise<Values> {
  const found = await k.networking.list(caller, kind, { name });
  const label = kind === 'subnetpool' ? 'subnet pool' : kind;
  if (!found.length) throw new NotFound(`Neutron ${label} ${name} does not exist.`);
  if (found.length > 1) throw new Conflict(`Multiple Neutron ${label}s are named ${name}: name one by its uuid.`);
  return found[0]!;
}

/** For `.catch`: logs that `what` could not be done and goes on. */
export const ignore = (k: KuryrContext, what: string) => (err: unknown) => {
  k.log.warn({ err }, `kuryr: ${what} left as it is`);
};

// A CNI invocation as the `pier` plugin forwards it — the command, the CNI_* environment and the
// network config — checked the way the spec and libcni's skel check it (environment, decoding,
// name, version, then each command's own needs) and turned into typed data. No side effects.
import { CNI_CODES, CniError } from './errors.js';
import { atLeast, isSupported, LATEST_VERSION, SUPPORTED_VERSIONS, type CniVersion } from './versions.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'STATUS' | 'GC';

/** The keys of a `pier` network config this endpoint reads (others pass untouched). */
export interface PierNetConfig {
  /** The CNI network's name (GC and the ports' tags use it). */
  name: string;
  /**
   * `host`: containers on this host (the host's socket); `nested`: pods inside a container-host
   * server (its own socket), on its port's network. Default: what the socket serves.
   */
  mode?: 'host' | 'nested';
  /** The Neutron network, by name or id (nested: default the node's first port's). */
  network?: string;
  /** The subnet to take the address from, by name or id (default: Neutron's choice). */
  subnet?: string;
  /** Security groups by name or id (default: the project's `default` group). */
  securityGroups?: string[];
  /** The result of the previous plugin in the chain (ADD) or of the ADD (CHECK, DEL). */
  prevResult?: Record<string, unknown>;
  /** GC: the attachments still in use. */
  validAttachments?: { containerID: string; ifname: string }[];
}

export interface CniRequest {
  command: CniCommand;
  version: CniVersion;
  containerId: string;
  /** CNI_NETNS as given: a path to the container's network namespace. */
  netns: string;
  ifname: string;
  /** CNI_ARGS as key → value. */
  args: Record<string, string>;
  config: PierNetConfig;
}

/** What the plugin sends: one per connection. */
export interface ForwardedCall { command?: unknown; env?: Record<string, unknown>; config?: unknown }

const COMMANDS: readonly CniCommand[] = ['ADD', 'DEL', 'CHECK', 'STATUS', 'GC'];
/** Environment each command needs (SPEC.md section 2; CNI_PATH only where it is required). */
const REQUIRED: Record<CniCommand, string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  STATUS: [],
  GC: ['CNI_PATH'],
};
/** Commands newer than the first versions (a config of an older version may not ask for them). */
const SINCE: Partial<Record<CniCommand, string>> = { CHECK: '0.4.0', STATUS: '1.1.0', GC: '1.1.0' };
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The cniVersion an answer to `call` carries: the config's, when it names one. */
export function answerVersion(call: ForwardedCall): string {
  try {
    const v = (JSON.parse(String(call.config)) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' && v ? v : LATEST_VERSION;
  } catch {
    return LATEST_VERSION;
  }
}

/** `nested`: the call came in on a container-host server's socket (nested mode) rather than the host's. */
export function parseRequest(call: ForwardedCall, nested = false): CniRequest {
  const env = (k: string) => (typeof call.env?.[k] === 'string' ? String(call.env[k]) : '');
  const command = String(call.command ?? '') as CniCommand;
  if (!COMMANDS.includes(command)) throw new CniError(CNI_CODES.invalidEnvironment, `unknown CNI_COMMAND: ${command}`);
  const missing = REQUIRED[command].filter((k) => !env(k));
  if (missing.length) throw new CniError(CNI_CODES.invalidEnvironment, `required env variables [${missing.join(',')}] missing`);
  const containerId = env('CNI_CONTAINERID');
  if (containerId && !NAME.test(containerId)) throw new CniError(CNI_CODES.invalidEnvironment, 'invalid characters in CNI_CONTAINERID', containerId);
  const ifname = env('CNI_IFNAME');
  if (ifname && (!/^[^/:\s]{1,15}$/.test(ifname) || ifname === '.' || ifname === '..')) {
    throw new CniError(CNI_CODES.invalidEnvironment, 'invalid CNI_IFNAME', `'${ifname}': 1-15 characters, no '/', ':' or whitespace`);
  }
  const netns = env('CNI_NETNS');
  if (netns && !netns.startsWith('/')) throw new CniError(CNI_CODES.invalidEnvironment, 'CNI_NETNS must be an absolute path', netns);

  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(String(call.config ?? '')) as Record<string, unknown>;
  } catch (err) {
    throw new CniError(CNI_CODES.decodingFailure, 'error decoding the network config', (err as Error).message);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new CniError(CNI_CODES.decodingFailure, 'the network config is not a JSON object');
  if (typeof raw.name !== 'string' || !raw.name) throw new CniError(CNI_CODES.invalidConfig, 'missing network name');
  if (!NAME.test(raw.name)) throw new CniError(CNI_CODES.invalidConfig, 'invalid characters found in network name', raw.name);
  if (!isSupported(raw.cniVersion)) {
    throw new CniError(CNI_CODES.incompatibleVersion, 'incompatible CNI versions', `config is ${JSON.stringify(raw.cniVersion ?? null)}, plugin supports ${SUPPORTED_VERSIONS.join(', ')}`);
  }
  const version = raw.cniVersion;
  const since = SINCE[command];
  if (since && !atLeast(version, since)) throw new CniError(CNI_CODES.incompatibleVersion, `config version does not allow ${command}`, `${command} needs cniVersion ${since} or later, the config is ${version}`);
  // Pier is the IPAM (Neutron's): an ipam section would be silently ignored, so it is refused.
  if (raw.ipam !== undefined) throw new CniError(CNI_CODES.unsupportedField, `unsupported field ipam: ${JSON.stringify(raw.ipam)}`, 'Pier allocates addresses from the Neutron subnet; use "subnet" to pick one');
  // Every call acts as Kuryr's configured user: a config naming another would silently not.
  if (raw.cloud !== undefined) throw new CniError(CNI_CODES.unsupportedField, `unsupported field cloud: ${JSON.stringify(raw.cloud)}`, 'Pier acts as the user and project Kuryr is configured with');

  const config: PierNetConfig = { name: raw.name };
  const text = (k: 'network' | 'subnet') => {
    if (raw[k] === undefined) return;
    if (typeof raw[k] !== 'string' || !raw[k]) throw new CniError(CNI_CODES.invalidConfig, `"${k}" must be a network name or id`, `got ${JSON.stringify(raw[k])}`);
    config[k] = raw[k] as string;
  };
  text('network');
  text('subnet');
  if (raw.mode !== undefined) {
    if (raw.mode !== 'host' && raw.mode !== 'nested') throw new CniError(CNI_CODES.invalidConfig, '"mode" must be "host" or "nested"', `got ${JSON.stringify(raw.mode)}`);
    // The socket says who calls: a config meant for the other mode would wire the wrong namespace.
    if ((raw.mode === 'nested') !== nested) {
      throw new CniError(CNI_CODES.invalidConfig, `a "${raw.mode}" network config reached ${nested ? 'a container-host server\'s' : 'the host\'s'} CNI socket`,
        nested ? 'inside a container-host server every pod is nested on its port' : 'nested mode is for pods inside a container-host server, through the socket Pier serves in it');
    }
    config.mode = raw.mode;
  }
  if (raw.securityGroups !== undefined) {
    const sgs = raw.securityGroups;
    if (!Array.isArray(sgs) || sgs.some((g) => typeof g !== 'string' || !g)) throw new CniError(CNI_CODES.invalidConfig, '"securityGroups" must be a list of security group names or ids', `got ${JSON.stringify(sgs)}`);
    config.securityGroups = sgs as string[];
  }
  if (raw.prevResult !== undefined) {
    if (!raw.prevResult || typeof raw.prevResult !== 'object') throw new CniError(CNI_CODES.decodingFailure, '"prevResult" is not a result object');
    config.prevResult = raw.prevResult as Record<string, unknown>;
  }
  if (!config.network && !nested && (command === 'ADD' || command === 'CHECK' || command === 'STATUS')) {
    throw new CniError(CNI_CODES.invalidConfig, 'missing "network"', 'a pier network config names its Neutron network: "network": NAME_OR_ID');
  }
  if (command === 'GC') {
    const valid = raw['cni.dev/valid-attachments'] ?? [];
    if (!Array.isArray(valid) || valid.some((a) => !a || typeof a.containerID !== 'string' || typeof a.ifname !== 'string')) {
      throw new CniError(CNI_CODES.decodingFailure, '"cni.dev/valid-attachments" must be a list of {containerID, ifname}');
    }
    config.validAttachments = valid as { containerID: string; ifname: string }[];
  }
  return { command, version, containerId, netns, ifname, args: parseArgs(env('CNI_ARGS')), config };
}

/** CNI_ARGS: `K=V;K2=V2` (runtimes add IgnoreUnknown=1; unknown keys are ignored anyway). */
function parseArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      if (pair.trim()) throw new CniError(CNI_CODES.invalidEnvironment, 'invalid CNI_ARGS', `'${pair}' is not KEY=VALUE`);
      continue;
    }
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

// A stack as the engine works on it: its template parsed, parameters and conditions resolved,
// its resources' plugins, and the caller it acts as. Built from the stored row alone, so a
// restarted Pier can rebuild it; the same code checks a template before anything is stored.
import type { ComputeService } from '../../compute/index.js';
import type { VolumeService } from '../../volume/index.js';
import { ApiError } from '../../core/errors.js';
import type { AuthContext } from '../../core/http/context.js';
import type { Caller, NetworkingService } from '../../networking/index.js';
import {
  HeatError, ResourceRegistry, dependencies, evaluateConditions, loadTemplate, resolveParameters, resourceEnabled, toEnvironment,
  type Conditions, type CustomConstraintCheck, type DependencyGraph, type Environment, type JsonMap, type StackParameters, type Template,
} from '../template/index.js';
import { pluginFor } from '../resources/registry.js';
import type { ResourcePlugin } from '../resources/types.js';
import type { StackOwner } from './persist.js';

export interface StackSpec {
  readonly id: string;
  readonly name: string;
  readonly template: JsonMap;
  readonly environment: JsonMap;
  readonly files: Readonly<Record<string, string>>;
  readonly owner: StackOwner;
}

export interface LoadedStack {
  readonly spec: StackSpec;
  readonly template: Template;
  readonly environment: Environment;
  readonly registry: ResourceRegistry;
  readonly params: StackParameters;
  readonly conditions: Conditions;
  /** Enabled resources → the resources they require. */
  readonly graph: DependencyGraph;
  readonly plugins: ReadonlyMap<string, ResourcePlugin>;
  readonly caller: Caller;
}

/** The AuthContext a stack's work runs with (no token: in-process calls need none). */
export function ownerAuth(o: StackOwner): AuthContext {
  return {
    token: '', userId: o.userId, userName: o.userName, userDomainId: o.userDomainId, projectId: o.projectId, projectName: o.projectName,
    projectDomainId: o.projectDomainId, roles: [...o.roles], roleIds: [...o.roleIds], methods: ['password'], auditId: '', issuedAt: '',
    expiresAt: '', isAdmin: o.isAdmin,
  };
}

export function ownerOf(auth: AuthContext): StackOwner {
  return {
    userId: auth.userId, userName: auth.userName, userDomainId: auth.userDomainId, projectId: auth.projectId ?? '',
    projectName: auth.projectName, projectDomainId: auth.projectDomainId, roles: auth.roles, roleIds: auth.roleIds, isAdmin: auth.isAdmin,
  };
}

/** Custom constraints (neutron.network …, and with `compute` nova.flavor, nova.keypair, glance.image)
 * answered by looking the name or id up as the owner. */
export function customConstraints(networking: NetworkingService, caller: Caller, compute?: ComputeService, volume?: VolumeService): CustomConstraintCheck {
  const kinds: Record<string, 'network' | 'subnet' | 'port' | 'router' | 'security_group' | 'subnetpool'> = {
    'neutron.network': 'network', 'neutron.subnet': 'subnet', 'neutron.port': 'port', 'neutron.router': 'router',
    'neutron.security_group': 'security_group', 'neutron.subnetpool': 'subnetpool',
  };
  const nova = compute && novaConstraints(compute, caller);
  return async (constraint, value) => {
    if (nova && constraint in nova && typeof value === 'string') return nova[constraint]!(value);
    // OpenStack: cinderclient's words for a volume that matches nothing.
    if (volume && constraint === 'cinder.volume' && typeof value === 'string') {
      return (await volume.lookupVolume(caller, value)) ? null : `Error validating value '${value}': No volume with a name or ID of '${value}' exists.`;
    }
    const kind = kinds[constraint];
    if (!kind || typeof value !== 'string') return null;
    try {
      await networking.show(caller, kind, value);
      return null;
    } catch { /* not an id: try the name */ }
    const found = await networking.list(caller, kind, { name: value });
    if (found.length === 1) return null;
    if (found.length > 1) return `Error validating value '${value}': Multiple ${kind} matches found for name '${value}', use an ID to be more specific.`;
    return `Error validating value '${value}': Unable to find ${kind} with name or id '${value}'`;
  };
}

// OpenStack: the messages are novaclient's / Heat's glance plugin's for a name that matches nothing.
function novaConstraints(compute: ComputeService, caller: Caller): Record<string, (v: string) => Promise<string | null>> {
  const bad = (v: string, why: string) => `Error validating value '${v}': ${why}`;
  return {
    'nova.flavor': async (v) => ((await compute.findFlavor(caller, v)) ? null : bad(v, `No Flavor matching {'name': '${v}'}. (HTTP 404)`)),
    'glance.image': async (v) => ((await compute.findImage(caller, v)) ? null : bad(v, `No image matching {'name': '${v}'}.`)),
    'nova.keypair': async (v) => compute.showKeypair(caller, v).then(() => null, (e) => {
      if (e instanceof ApiError && e.status === 404) return bad(v, `The Key (${v}) could not be found.`);
      throw e;
    }),
  };
}

/** Parses and checks everything a stack needs; throws HeatError naming the problem. */
export async function loadStack(spec: StackSpec, networking: NetworkingService, checkConstraints = true, compute?: ComputeService, volume?: VolumeService): Promise<LoadedStack> {
  const template = loadTemplate(spec.template);
  const environment = toEnvironment(spec.environment);
  const registry = new ResourceRegistry(environment.resource_registry);
  const caller = networking.callerFor(ownerAuth(spec.owner));
  const params = await resolveParameters(
    template, environment, { stackName: spec.name, stackId: spec.id, projectId: spec.owner.projectId },
    checkConstraints ? customConstraints(networking, caller, compute, volume) : undefined,
  );
  const param = (n: string) => params.values[n];
  const conditions = evaluateConditions(template, param);
  const plugins = new Map<string, ResourcePlugin>();
  for (const name of Object.keys(template.resources)) {
    if (!resourceEnabled(template, name, conditions, param)) continue;
    plugins.set(name, pluginFor(template.resources[name]!.type, registry, name, spec.files));
  }
  const graph = dependencies(template, { param, conditions });
  return { spec, template, environment, registry, params, conditions, graph, plugins, caller };
}

export function notFoundStack(name: string): HeatError {
  return new HeatError('StackValidationFailed', `The Stack (${name}) could not be found.`);
}

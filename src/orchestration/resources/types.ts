// What a resource plugin is: two schemas (properties, attributes) and a few verbs. The engine
// drives the verbs (create once, then checkCreate until done) and persists every state change;
// a plugin never touches the store or HTTP — it calls service functions through its context.
import type { ComputeService } from '../../compute/index.js';
import type { VolumeService } from '../../volume/index.js';
import type { Caller, NetworkingService } from '../../networking/index.js';
import type { Json, JsonMap } from '../template/index.js';

export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'map' | 'any';

export type PropertyConstraint =
  | { readonly allowed_values: readonly Json[] }
  | { readonly range: { readonly min?: number; readonly max?: number } }
  | { readonly length: { readonly min?: number; readonly max?: number } }
  | { readonly allowed_pattern: string }
  /** A name-or-id lookup (neutron.network …), checked through the engine's hook. */
  | { readonly custom_constraint: string };

export interface PropertySchema {
  readonly type: PropertyType;
  readonly description: string;
  readonly required?: boolean;
  readonly default?: Json;
  /** Changing it updates in place; otherwise a change replaces the resource. */
  readonly update_allowed?: boolean;
  /** Changing it is refused (Heat's immutable). */
  readonly immutable?: boolean;
  readonly constraints?: readonly PropertyConstraint[];
  /** A map's keys, or (key '*') a list's items. */
  readonly schema?: Readonly<Record<string, PropertySchema>>;
}

export interface AttributeSchema {
  readonly description: string;
  readonly type?: 'string' | 'list' | 'map' | 'integer' | 'boolean';
}

/** Thrown by a signal handler that had nothing to do (cooldown, alarm not in alarm): the signal
 * is accepted, and — as Heat does — no event is written. */
export class NoActionRequired extends Error {
  constructor(message = 'No action required') { super(message); this.name = 'NoActionRequired'; }
}

/** What the engine gives a plugin for one call. */
export interface ResourceContext {
  readonly networking: NetworkingService;
  /** Nova's service functions (OS::Nova::*), called with the same caller. */
  readonly compute: ComputeService;
  /** Cinder's (OS::Cinder::*), when Block Storage runs in this process. */
  readonly volume?: VolumeService;
  /** The stack owner, as networking sees them. */
  readonly caller: Caller;
  readonly stack: { readonly id: string; readonly name: string; readonly projectId: string };
  readonly resourceName: string;
  /** Heat's physical_resource_name: `<stack>-<resource>-<suffix>`, for names left out. */
  readonly physicalName: string;
  /** Plugin-private state, persisted with the resource; mutate and the engine saves it. */
  readonly data: JsonMap;
  /** An id to create the physical resource with, fixed before the call so a resumed create can find it. */
  readonly plannedId: string;
  /** Child stacks (ResourceGroup, OS::Heat::Stack, template resources). */
  readonly nested: NestedStacks;
  /** Signals: this resource's URL, tokens for the owner, and the stack's other resources. */
  readonly heat: ResourceHeat;
}

export interface ResourceHeat {
  /** This resource's Heat URL (`…/v1/{project}/stacks/{name}/{id}/resources/{resource}`). */
  url(): string;
  /** A project-scoped Keystone token for the stack owner (Heat's token-based handles). */
  issueToken(): Promise<string>;
  /** The saved data of the stack's resource with this reference id (or name), read afresh. */
  peer(ref: string): Promise<{ readonly name: string; readonly type: string; readonly data: JsonMap } | null>;
  /** Delivers a signal to the stack's resource with this reference id (or name). */
  signal(ref: string, details: Json): Promise<void>;
}

export interface NestedStacks {
  /** Creates (or, when it exists, updates) the child stack for this resource; returns its id. */
  apply(input: NestedStackInput): Promise<string>;
  /** 'done' when the child finished its action, 'failed' (with reason) or 'busy'. */
  state(id: string): Promise<{ readonly state: 'done' | 'failed' | 'busy'; readonly reason: string }>;
  delete(id: string): Promise<void>;
  /** An output of the child (get_attr on a nested stack). */
  output(id: string, name: string): Promise<Json>;
  /** The reference ids of the child's resources, by name. */
  resourceIds(id: string): Promise<Record<string, string | null>>;
  /** An attribute of one of the child's resources (null attribute: all of them, as a map). */
  resourceAttribute(id: string, resource: string, attribute: string | null): Promise<Json>;
}

export interface NestedStackInput {
  readonly template: JsonMap;
  readonly parameters: JsonMap;
  readonly files?: Readonly<Record<string, string>>;
  readonly environment?: JsonMap;
  readonly timeoutMins?: number | null;
}

export interface ResourcePlugin {
  readonly type: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, PropertySchema>>;
  readonly attributes: Readonly<Record<string, AttributeSchema>>;
  /** Starts creating; returns the physical resource id (null: none, e.g. OS::Heat::None). Must
   * use ctx.plannedId where the service takes one, so a resumed create finds what it made. */
  create(ctx: ResourceContext, props: JsonMap): Promise<string | null>;
  /** Polled after create until true; throws to fail the create. Default: done at once. */
  checkCreate?(ctx: ResourceContext, id: string | null): Promise<boolean>;
  /** Whether a create interrupted by a crash already made the resource (it is then adopted). */
  exists?(ctx: ResourceContext, id: string): Promise<boolean>;
  /** In-place update of the update_allowed properties in `changed`. Absent: always replace. */
  update?(ctx: ResourceContext, id: string | null, props: JsonMap, previous: JsonMap, changed: readonly string[]): Promise<void>;
  /** Polled after update until true (nested stacks). */
  checkUpdate?(ctx: ResourceContext, id: string | null): Promise<boolean>;
  /** Deletes; a resource already gone must not throw (a NotFound from the service is ignored). */
  delete(ctx: ResourceContext, id: string | null): Promise<void>;
  /** Polled after delete until true. */
  checkDelete?(ctx: ResourceContext, id: string | null): Promise<boolean>;
  /** One attribute (a key of `attributes`, 'show', or any name when dynamicAttributes); get_attr's
   * path is then selected inside the value by the template layer. */
  resolve(ctx: ResourceContext, id: string | null, attribute: string): Promise<Json>;
  /** get_resource's value; default the physical id. */
  refId?(ctx: ResourceContext, id: string | null): string | null;
  /** The definitions a nested-stack resource will make, so they are checked before anything is
   * created (ResourceGroup's resource_def). */
  members?(props: JsonMap): readonly { readonly type: string; readonly properties: JsonMap; /** The property defining them (default resource_def). */ readonly property?: string }[];
  /** Checks between properties before anything is made (values still unknown are absent);
   * returns Heat's StackValidationFailed message, or null. */
  validate?(props: JsonMap): string | null;
  /** Whether the resource must be updated although its properties did not change (a template
   * resource whose template file changed), judged from its saved data. */
  outdated?(data: JsonMap): boolean;
  /** Handles a signal (POST …/signal, or another resource's); returns what the SIGNAL event says
   * after "Signal: " (null: Heat's description of the details). Throws an Error whose name is
   * Heat's exception (ValueError …) for a signal it refuses, NoActionRequired when idle. */
  signal?(ctx: ResourceContext, id: string | null, details: Json): Promise<string | null>;
  /** The resource's metadata after a signal, as GET …/metadata shows it (a handle's signals by id). */
  signalMetadata?(ctx: ResourceContext): Json;
  /** Suspends / resumes (absent: nothing to do, as Heat's default). */
  suspend?(ctx: ResourceContext, id: string | null): Promise<void>;
  resume?(ctx: ResourceContext, id: string | null): Promise<void>;
  /** Properties outside the schema are accepted and kept (OS::Heat::None). */
  readonly openProperties?: boolean;
  /** Whether an update must replace although the changed properties allow updating (TestResource's update_replace). */
  replaceOnUpdate?(props: JsonMap, previous: JsonMap): boolean;
  /** Whether get_attr with any attribute name is valid (nested stacks' resource.<name>…). */
  readonly dynamicAttributes?: boolean;
}

// The shape every intrinsic function shares: a FunctionDef is data (description,
// argument check, references, evaluation); a FnCall is one use of it in a template.
// Nothing here knows about live resources: evaluation goes through EvalContext.
import { pyRepr } from '../py.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonMap = { [key: string]: Json };

/** A template value after parsing: plain data with FnCall nodes where functions are used. */
export type Snippet = null | boolean | number | string | Snippet[] | { [key: string]: Snippet } | FnCall;

/** A value that cannot be computed yet (e.g. an attribute of a resource not yet created). */
export class Unresolved {
  constructor(readonly reason: string) {}
}

/** What `if` yields (2021-04-16) when the condition is false and no false value is given:
 * the enclosing list item or map entry disappears. */
export const OMIT: unique symbol = Symbol('omit');
export type Omit = typeof OMIT;

export type Value = Json | Unresolved;

/** Where functions get live data. The engine implements it; tests use plain objects. */
export interface EvalContext {
  /** The parameter's converted value, or undefined if the stack has no such parameter. */
  param(name: string): Json | undefined;
  /** The resource's reference id (get_resource), or Unresolved while it has none. */
  resourceId(name: string): Value;
  /** A resource attribute; `attribute` null asks for the map of all attributes. */
  attribute(resource: string, attribute: string | null): Value;
  /** Content of a `files` entry, or undefined if absent. */
  file(key: string): string | undefined;
  /** Whether the named condition (or literal boolean) is true; throws HeatError when unknown. */
  condition(name: Json): boolean;
  /** resource_facade: data of the parent resource in a nested stack. */
  resourceFacade?(what: 'metadata' | 'deletion_policy' | 'update_policy'): Json;
  /** Fn::GetAZs. */
  availabilityZones?(): Json;
}

/** A reference from a function to a resource, for the dependency graph. */
export interface ResourceRef {
  readonly resource: string;
  /** get_attr's attribute name; null = all attributes; undefined = a get_resource reference. */
  readonly attribute?: string | null;
}

/** Evaluation helpers handed to a FunctionDef. */
export interface Resolver {
  /** Resolve a snippet to plain data; throws out of the function if it holds an Unresolved. */
  resolve(s: Snippet): Json;
  /** Resolve a snippet, keeping OMIT (for macros whose result may vanish). */
  resolveNullable(s: Snippet): Json | Omit;
  readonly ctx: EvalContext;
}

/** How a parser hands sub-snippets to a macro (`if`). */
export interface MacroParser {
  parse(raw: Json, path: string): Snippet;
  parseCondition(raw: Json, path: string): Snippet;
  /** Whether the template defines a resource of this name (for Ref). */
  isResource(name: string): boolean;
}

export interface FunctionDef {
  /** One line, for GET template_versions/{v}/functions. */
  readonly description: string;
  /** False for functions Pier recognises only to refuse them clearly (yaql). */
  readonly supported?: boolean;
  /** Marks functions removed from HOT in this version (parse error). */
  readonly removed?: boolean;
  /** Parse-time check of the (parsed) arguments; throws FnArgError. */
  check?(args: Snippet, name: string): void;
  /** Macros parse their own arguments (e.g. `if` parses its first one as a condition). */
  parseArgs?(raw: Json, name: string, parser: MacroParser, path: string): Snippet;
  /** Resources this call refers to directly (not those of nested calls). `resolveStatic`
   * evaluates a snippet from parameters alone, or returns undefined when it cannot. */
  refs?(args: Snippet, resolveStatic: (s: Snippet) => Json | undefined): ResourceRef[];
  /** Sub-snippets whose references count as this call's (default: the arguments). */
  children?(args: Snippet, condition?: (c: Snippet) => boolean | undefined): Snippet[];
  evaluate(args: Snippet, name: string, r: Resolver): Json | Unresolved | Omit;
}

/** A function use in a template. A class, so user maps can never be mistaken for one. */
export class FnCall {
  constructor(
    readonly name: string,
    readonly def: FunctionDef,
    readonly args: Snippet,
    /** Template path of the call, ending in the function name (Heat's error path). */
    readonly path: string,
  ) {}
}

/** An argument error; the parser/evaluator prefixes the template path. */
export class FnArgError extends Error {}

/** Heat raises some argument errors as KeyError, whose str() is the repr of the message. */
export function keyError(message: string): FnArgError {
  return new FnArgError(pyRepr(message));
}

export function isMap(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof FnCall) && !(v instanceof Unresolved);
}

/** Python's Sequence check as Heat uses it: lists (strings handled by callers). */
export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

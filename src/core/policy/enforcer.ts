// The policy enforcer: each service declares its default rules (name → rule text); a check
// evaluates a named rule against the caller's credentials and the target's attributes.
import { Forbidden } from '../errors.js';
import { parseRule, type Rule } from './rules.js';

/** What a rule can test about the caller (oslo.policy's credentials). */
export interface Credentials {
  user_id?: string;
  project_id?: string;
  domain_id?: string;
  /** 'all' for a system-scoped token. */
  system_scope?: string;
  /** Role names, lower-case, implied roles included. */
  roles: readonly string[];
  [key: string]: unknown;
}

export type Target = Record<string, unknown>;

export class Enforcer {
  private readonly rules = new Map<string, Rule>();
  private readonly readsTarget = new Map<string, boolean>();

  constructor(defaults: Record<string, string>) {
    for (const [name, text] of Object.entries(defaults)) this.rules.set(name, parseRule(text));
  }

  /** True when `name` allows `creds` on `target`. An undeclared rule name is a programming error. */
  check(name: string, creds: Credentials, target: Target = {}): boolean {
    const rule = this.rules.get(name);
    if (!rule) throw new Error(`policy rule "${name}" is not declared`);
    return this.evaluate(rule, creds, target);
  }

  /** Throws `error` (default: Forbidden, in OpenStack's words) unless allowed. */
  authorize(name: string, creds: Credentials, target: Target = {}, error?: () => Error): void {
    if (this.check(name, creds, target)) return;
    throw error ? error() : new Forbidden(`You are not authorized to perform the requested action: ${name}.`);
  }

  has(name: string): boolean { return this.rules.has(name); }

  /** Whether checking `name` can look at the target (`%(…)s`): when not, a caller need not build one. */
  usesTarget(name: string): boolean {
    let uses = this.readsTarget.get(name);
    if (uses === undefined) this.readsTarget.set(name, (uses = this.reads(this.rules.get(name), new Set())));
    return uses;
  }

  private reads(rule: Rule | undefined, seen: Set<string>): boolean {
    if (!rule) return false;
    switch (rule.kind) {
      case 'rule': return !seen.has(rule.name) && (seen.add(rule.name), this.reads(this.rules.get(rule.name), seen));
      case 'not': return this.reads(rule.rule, seen);
      case 'and': case 'or': return rule.rules.some((r) => this.reads(r, seen));
      case 'match': return /^%\(.+\)s$/.test(rule.value);
      default: return false;
    }
  }

  private evaluate(rule: Rule, creds: Credentials, target: Target): boolean {
    switch (rule.kind) {
      case 'always': return true;
      case 'never': return false;
      case 'role': return creds.roles.includes(rule.role);
      case 'rule': {
        const named = this.rules.get(rule.name);
        return named !== undefined && this.evaluate(named, creds, target);
      }
      case 'not': return !this.evaluate(rule.rule, creds, target);
      case 'and': return rule.rules.every((r) => this.evaluate(r, creds, target));
      case 'or': return rule.rules.some((r) => this.evaluate(r, creds, target));
      case 'match': {
        // The left side is a credential, or a quoted literal (`'True':%(network:shared)s`).
        const have = /^'.*'$/.test(rule.key) ? literal(rule.key) : lookup(creds, rule.key);
        const sub = /^%\((.+)\)s$/.exec(rule.value);
        const want = sub ? lookup(target, sub[1]!) : literal(rule.value);
        if (have === undefined || have === null || want === undefined || want === null) return false;
        return String(have).toLowerCase() === String(want).toLowerCase();
      }
    }
  }
}

/** `a.b.c` in a nested object, or a flat key containing dots (oslo looks up both). */
function lookup(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function literal(v: string): unknown {
  const quoted = /^'(.*)'$/.exec(v);
  return quoted ? quoted[1] : v;
}

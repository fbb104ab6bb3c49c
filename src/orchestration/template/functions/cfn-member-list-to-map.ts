// Fn::MemberListToMap (HOT 2013-05-23 only): AWS query-style member lists to a map:
// ['.member.0.Name=k', '.member.0.Value=v'] → {k: v}.
import { FnArgError } from './types.js';
import type { FunctionDef, Json, JsonMap, Snippet } from './types.js';

export const cfnMemberListToMap: FunctionDef = {
  description: 'Converts an AWS-style member list of names and values to a map.',
  check(args, name) {
    if (!Array.isArray(args) || args.length !== 3) {
      throw new FnArgError(
        `Wrong Arguments try: "{'Fn::MemberListToMap': ['Name', 'Value', ['.member.0.Name=key', '.member.0.Value=door']]}"`,
      );
    }
    if (typeof args[0] !== 'string') throw new FnArgError(`${name} Key Name must be a string`);
    if (typeof args[1] !== 'string') throw new FnArgError(`${name} Value Name must be a string`);
  },
  evaluate(args, _name, r) {
    const [keyName, valueName, listArg] = args as [string, string, Snippet];
    const list = r.resolve(listArg);
    if (!Array.isArray(list)) throw new FnArgError('Member list must be a list');
    const partials = new Map<string, string>();
    for (const s of list) {
      if (typeof s !== 'string') throw new FnArgError('Member list items must be strings');
      const eq = s.indexOf('=');
      partials.set(eq < 0 ? s : s.slice(0, eq), eq < 0 ? '' : s.slice(eq + 1));
    }
    const out: JsonMap = {};
    for (const [k, v] of partials) {
      const m = /^\.member\.(\d+)\.(.*)$/.exec(k);
      if (!m || m[2] !== keyName) continue;
      const value = partials.get(`.member.${m[1]}.${valueName}`);
      if (value !== undefined) out[v] = value as Json;
    }
    return out;
  },
};

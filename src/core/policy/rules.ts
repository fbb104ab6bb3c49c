// A subset of oslo.policy's rule language, parsed once into a tree:
//   "role:admin or (role:member and project_id:%(target.project.id)s)", "rule:name",
//   "not …", "@" (always), "!" (never), "" (always), "key:value" matching a credential.

export type Rule =
  | { kind: 'always' } | { kind: 'never' }
  | { kind: 'role'; role: string }
  | { kind: 'rule'; name: string }
  | { kind: 'match'; key: string; value: string }
  | { kind: 'not'; rule: Rule }
  | { kind: 'and' | 'or'; rules: Rule[] };

export function parseRule(text: string): Rule {
  // A check may hold a substitution, `key:%(target.x)s`, whose parentheses are not grouping.
  const tokens = text.match(/[^\s()]*%\([^)]*\)s|\(|\)|[^\s()]+/g) ?? [];
  if (!tokens.length) return { kind: 'always' };
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (why: string): never => { throw new Error(`policy rule "${text}": ${why}`); };

  const parseOr = (): Rule => {
    const rules = [parseAnd()];
    while (peek() === 'or') { pos++; rules.push(parseAnd()); }
    return rules.length === 1 ? rules[0]! : { kind: 'or', rules };
  };
  const parseAnd = (): Rule => {
    const rules = [parseNot()];
    while (peek() === 'and') { pos++; rules.push(parseNot()); }
    return rules.length === 1 ? rules[0]! : { kind: 'and', rules };
  };
  const parseNot = (): Rule => {
    if (peek() === 'not') { pos++; return { kind: 'not', rule: parseNot() }; }
    return parseAtom();
  };
  const parseAtom = (): Rule => {
    const t = tokens[pos++] ?? fail('unexpected end');
    if (t === '(') {
      const r = parseOr();
      if (tokens[pos++] !== ')') fail('missing )');
      return r;
    }
    if (t === '@') return { kind: 'always' };
    if (t === '!') return { kind: 'never' };
    const colon = t.indexOf(':');
    if (colon < 0) fail(`"${t}" is not a check`);
    const key = t.slice(0, colon);
    const value = t.slice(colon + 1);
    if (key === 'role') return { kind: 'role', role: value.toLowerCase() };
    if (key === 'rule') return { kind: 'rule', name: value };
    return { kind: 'match', key, value };
  };
  const rule = parseOr();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return rule;
}

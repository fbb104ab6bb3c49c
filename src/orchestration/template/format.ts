// Template and environment text → plain data, read the way Heat reads it: JSON first,
// else YAML 1.1 as PyYAML's SafeLoader does, with timestamps kept as the written string.
import { parse as parseYamlText } from 'yaml';
import type { ScalarTag, Tags } from 'yaml';
import { HeatError } from './errors.js';
import type { Json, JsonMap } from './functions/types.js';

/** Heat's default max_template_size. */
export const MAX_TEMPLATE_SIZE = 524288;

// PyYAML's implicit resolvers where they differ from the `yaml` package's YAML 1.1 schema
// (which also reads y/n as booleans, '09' as 9 and '1e5' as a float).
const PY_BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_BOOL_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const PY_INT_DEC = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const PY_INT_TIME = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;
const PY_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/;
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/;

function pyYamlTags(tags: Tags): Tags {
  return tags.map((t) => {
    const s = t as ScalarTag;
    if (!s.test) return t;
    if (s.tag === 'tag:yaml.org,2002:bool') return { ...s, test: s.test.test('true') ? PY_BOOL_TRUE : PY_BOOL_FALSE };
    if (s.tag === 'tag:yaml.org,2002:int' && s.format === undefined) return { ...s, test: PY_INT_DEC };
    if (s.tag === 'tag:yaml.org,2002:int' && s.format === 'TIME') return { ...s, test: PY_INT_TIME };
    if (s.tag === 'tag:yaml.org,2002:float' && s.format === 'EXP') return { ...s, test: PY_FLOAT_EXP };
    if (s.tag === 'tag:yaml.org,2002:float' && s.format === undefined && !s.test.test('.nan')) return { ...s, test: PY_FLOAT };
    // OpenStack: Heat's loader turns timestamps back into the string as written.
    if (s.tag === 'tag:yaml.org,2002:timestamp') return { ...s, resolve: (str: string) => str };
    return t;
  });
}

/** YAML 1.1 as PyYAML reads it; duplicate keys allowed (the last wins); merge keys on. */
export function loadYaml(text: string): Json {
  const v: unknown = parseYamlText(text, {
    version: '1.1',
    customTags: pyYamlTags,
    uniqueKeys: false,
    merge: true,
    maxAliasCount: 1000,
  });
  return (v === undefined ? null : v) as Json;
}

function isMapping(v: Json): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** OpenStack: heat.common.template_format.parse. `url` names the template in errors. */
export function parseTemplate(text: string, options: { url?: string; maxSize?: number } = {}): JsonMap {
  const limit = options.maxSize ?? MAX_TEMPLATE_SIZE;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limit) {
    throw new HeatError(
      'RequestLimitExceeded',
      `Request limit exceeded: Template size (${size} bytes) exceeds maximum allowed size (${limit} bytes).`,
    );
  }
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    try {
      doc = loadYaml(text) ?? {};
    } catch (e) {
      throw new HeatError('ValueError', `Error parsing template ${options.url ?? '[root stack]'} ${(e as Error).message}`);
    }
  }
  if (!isMapping(doc)) throw new HeatError('ValueError', 'The template is not a JSON object or YAML mapping.');
  if (!('HeatTemplateFormatVersion' in doc || 'heat_template_version' in doc || 'AWSTemplateFormatVersion' in doc)) {
    throw new HeatError('ValueError', 'Template format version not found.');
  }
  return doc;
}

// str_replace_strict (2017-02-24+): str_replace, but every param must occur in the template.
import { makeStrReplace } from './str-replace.js';

export const strReplaceStrict = makeStrReplace(
  'Like str_replace, but fails if a param is not found in the template.',
  { json: true, strict: true, allowEmpty: true },
);

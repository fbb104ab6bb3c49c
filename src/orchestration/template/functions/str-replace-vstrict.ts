// str_replace_vstrict (2017-09-01+): str_replace_strict, and no param may be null or empty.
import { makeStrReplace } from './str-replace.js';

export const strReplaceVstrict = makeStrReplace(
  'Like str_replace_strict, but also fails if a param value is null or empty.',
  { json: true, strict: true, allowEmpty: false },
);

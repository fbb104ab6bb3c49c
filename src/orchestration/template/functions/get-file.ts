// get_file: the content of an entry of the stack's `files` map.
import { FnArgError } from './types.js';
import type { FunctionDef } from './types.js';

export const getFile: FunctionDef = {
  description: 'Returns the content of a file passed with the template.',
  evaluate(args, name, r) {
    const key = r.resolve(args);
    if (typeof key !== 'string') throw new FnArgError(`Argument to "${name}" must be a string`);
    const content = r.ctx.file(key);
    if (content === undefined) {
      throw new FnArgError(`No content found in the "files" section for ${name} path: ${key}`);
    }
    return content;
  },
};

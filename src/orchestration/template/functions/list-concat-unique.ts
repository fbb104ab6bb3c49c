// list_concat_unique (2017-09-01+): list_concat keeping the first of equal items.
import { makeListConcat } from './list-concat.js';

export const listConcatUnique = makeListConcat('Concatenates lists, keeping only unique items.', true);

// Attribute shapes shared by Keystone's resources.
import { json, listOf, nullable, str, strictBool, type Attribute } from '../../core/resource/index.js';

export const id: Attribute<string> = { type: str({ min: 1, max: 64 }), filter: true, sort: true };
export const name: Attribute<string> = { type: str({ min: 1, max: 255 }), create: 'required', update: true, filter: true, sort: true };
/** OpenStack: projects' and domains' names are at most 64 characters (Keystone's resource schema). */
export const shortName: Attribute<string> = { ...name, type: str({ min: 1, max: 64 }) };
export const description: Attribute<string> = { type: nullable(str({ max: 65535 })) as never, create: true, update: true, default: '' };
// OpenStack: Keystone's JSON schemas take only true/false, never the strings.
export const enabled: Attribute<boolean> = { type: strictBool, create: true, update: true, default: true, filter: true };
export const options: Attribute = { type: json(), create: true, update: true, default: {} };
export const tags: Attribute<string[]> = {
  type: listOf(str({ min: 1, max: 255, pattern: /^[^,/]*$/ }), { unique: true }), create: true, update: true, default: [],
};

// Glance's JSON schemas (`/v2/schemas/…`): what an image, a member and the metadata
// definitions look like, as clients (glanceclient, Horizon) read them to build forms and check
// bodies. The enums are Pier's own formats and visibilities.
import { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from './images.js';

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });
const nullable = (type: string, description: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], description, ...extra });
const readOnly = { readOnly: true };
const time = (description: string) => str(description, { ...readOnly, format: 'date-time' });

function imageSchema(): Record<string, unknown> {
  return {
    name: 'image',
    properties: {
      id: str('An identifier for the image', { pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$' }),
      name: nullable('string', 'Descriptive name for the image', { maxLength: 255 }),
      status: str('Status of the image', { ...readOnly, enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'] }),
      visibility: str('Scope of image accessibility', { enum: VISIBILITIES }),
      protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
      os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
      checksum: nullable('string', 'md5 hash of image contents.', { ...readOnly, maxLength: 32 }),
      os_hash_algo: nullable('string', 'Algorithm to calculate the os_hash_value', { ...readOnly, maxLength: 64 }),
      os_hash_value: nullable('string', 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo', { ...readOnly, maxLength: 128 }),
      owner: nullable('string', 'Owner of the image', { maxLength: 255 }),
      size: nullable('integer', 'Size of image file in bytes', readOnly),
      virtual_size: nullable('integer', 'Virtual size of image in bytes', readOnly),
      container_format: nullable('string', 'Format of the container', { enum: [null, ...CONTAINER_FORMATS] }),
      disk_format: nullable('string', 'Format of the disk', { enum: [null, ...DISK_FORMATS] }),
      created_at: time('Date and time of image registration'),
      updated_at: time('Date and time of the last image modification'),
      tags: { type: 'array', description: 'List of strings related to the image', items: { type: 'string', maxLength: 255 } },
      direct_url: str('URL to access the image file kept in external store', readOnly),
      min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
      min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
      self: str('An image self url', readOnly),
      file: str('An image file url', readOnly),
      stores: str('Store in which image data resides.  Only present when the operator has enabled multiple stores.', readOnly),
      schema: str('An image schema url', readOnly),
      locations: { type: 'array', description: 'A set of URLs to access the image file kept in external store', items: { type: 'object', properties: { url: { type: 'string', maxLength: 255 }, metadata: { type: 'object' } }, required: ['url', 'metadata'] } },
    },
    additionalProperties: { type: 'string' },
    links: [{ rel: 'self', href: '{self}' }, { rel: 'enclosure', href: '{file}' }, { rel: 'describedby', href: '{schema}' }],
  };
}

function memberSchema(): Record<string, unknown> {
  return {
    name: 'member',
    properties: {
      created_at: time('Date and time of image member creation'),
      image_id: str('An identifier for the image', { pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$' }),
      member_id: str('An identifier for the image member (tenantId)'),
      status: str('The status of this image member', { enum: ['pending', 'accepted', 'rejected'] }),
      updated_at: time('Date and time of last modification of image member'),
      schema: str('', readOnly),
    },
  };
}

/** `{name}s`: a list of `item` with the usual first/next/schema links. */
const collection = (name: string, key: string, item: Record<string, unknown>, paged = true) => ({
  name, properties: { [key]: { type: 'array', items: item }, schema: { type: 'string' }, ...(paged ? { first: { type: 'string' }, next: { type: 'string' } } : {}) },
  links: [...(paged ? [{ rel: 'first', href: '{first}' }, { rel: 'next', href: '{next}' }] : []), { rel: 'describedby', href: '{schema}' }],
});

const propertyDefinition = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 255 }, title: { type: 'string' }, description: { type: 'string' }, operators: { type: 'array', items: { type: 'string' } },
    type: { type: 'string', enum: ['array', 'boolean', 'integer', 'number', 'object', 'string', null] }, required: { type: 'array', items: { type: 'string' } },
    minimum: { type: 'number' }, maximum: { type: 'number' }, maxLength: { type: 'integer' }, minLength: { type: 'integer' }, pattern: { type: 'string', format: 'regex' },
    enum: { type: 'array' }, readonly: { type: 'boolean' }, default: {}, items: { type: 'object' }, maxItems: { type: 'integer' }, minItems: { type: 'integer' },
    uniqueItems: { type: 'boolean', default: false }, additionalItems: { type: 'boolean' },
  },
  required: ['title', 'type'],
};
const stamps = { created_at: time('Date and time of creation'), updated_at: time('Date and time of the last modification') };

function metadefSchemas(): Record<string, Record<string, unknown>> {
  const resourceType = {
    name: 'resource_type_association',
    properties: {
      name: str('Resource type names should be aligned with Heat resource types whenever possible', { maxLength: 80 }),
      prefix: str('Specifies the prefix to use for the given resource type.', { maxLength: 80 }),
      properties_target: str('Some resource types allow more than one key / value pair per instance.', { maxLength: 80 }),
      ...stamps,
    },
    required: ['name'], additionalProperties: false,
  };
  const property = { name: 'property', ...propertyDefinition, properties: { ...propertyDefinition.properties, name: { type: 'string', maxLength: 255 } }, required: ['type', 'title', 'name'] };
  const object = {
    name: 'object',
    properties: {
      name: { type: 'string', maxLength: 255 }, description: { type: 'string' }, required: { type: 'array', items: { type: 'string' } },
      properties: { type: 'object', additionalProperties: propertyDefinition }, schema: { type: 'string', readOnly: true }, self: { type: 'string', readOnly: true }, ...stamps,
    },
    required: ['name'], additionalProperties: false,
  };
  const tag = { name: 'tag', properties: { name: { type: 'string', maxLength: 255 }, ...stamps }, required: ['name'], additionalProperties: false };
  const namespace = {
    name: 'namespace',
    properties: {
      namespace: str('The unique namespace text.', { maxLength: 80 }), display_name: str('The user friendly name for the namespace.', { maxLength: 80 }),
      description: str('Provides a user friendly description of the namespace.', { maxLength: 500 }),
      visibility: str('Scope of namespace accessibility.', { enum: ['public', 'private'] }), protected: { type: 'boolean', description: 'If true, namespace will not be deletable.' },
      owner: str('Owner of the namespace.', { maxLength: 255 }), self: { type: 'string' }, schema: { type: 'string' }, ...stamps,
      resource_type_associations: { type: 'array', items: { type: 'object', properties: resourceType.properties } },
      properties: { type: 'object', additionalProperties: propertyDefinition },
      objects: { type: 'array', items: { type: 'object', properties: object.properties } },
      tags: { type: 'array', items: { type: 'object', properties: tag.properties } },
    },
    required: ['namespace'], additionalProperties: false,
  };
  return {
    namespace, namespaces: collection('namespaces', 'namespaces', namespace),
    resource_type: resourceType, resource_types: collection('resource_type_associations', 'resource_type_associations', resourceType, false),
    object, objects: collection('objects', 'objects', object, false),
    property, properties: { name: 'properties', properties: { properties: { type: 'object', additionalProperties: propertyDefinition }, schema: { type: 'string' } }, links: [{ rel: 'describedby', href: '{schema}' }] },
    tag, tags: collection('tags', 'tags', tag, false),
  };
}

/** Every schema Glance serves, by its path under `/v2/schemas/`. */
export function glanceSchemas(): Map<string, Record<string, unknown>> {
  const image = imageSchema(); const member = memberSchema();
  const out = new Map<string, Record<string, unknown>>([
    ['image', image], ['images', collection('images', 'images', image)], ['member', member],
    ['members', { name: 'members', properties: { members: { type: 'array', items: member }, schema: { type: 'string' } }, links: [{ rel: 'schema', href: '{schema}' }] }],
  ]);
  for (const [k, v] of Object.entries(metadefSchemas())) out.set(`metadefs/${k}`, v);
  return out;
}

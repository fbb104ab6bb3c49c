// Fn::ResourceFacade (HOT 2013-05-23 only): resource_facade with CamelCase names.
import { makeResourceFacade } from './resource-facade.js';

export const cfnResourceFacade = makeResourceFacade('Returns data of the parent resource of a nested stack (CFN style).', {
  Metadata: 'metadata',
  DeletionPolicy: 'deletion_policy',
  UpdatePolicy: 'update_policy',
});

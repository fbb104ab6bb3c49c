// How stacks, resources and events look on the wire (Heat's api/openstack/v1/views and
// engine/api.py format_*): field names, combined ACTION_STATUS, links for heatclient.
import type { EventRow, ResourceRow, StackOwner, StackRow } from './engine/persist.js';
import { parseJson } from './engine/persist.js';
import type { Json } from './template/index.js';

// OpenStack: Heat's timestamps are ISO-8601 to the second with a Z (as stored).
const time = (t: string | null) => t;

export function stackUrl(base: string, project: string, s: { name: string; id: string }): string {
  return `${base}/orchestration/v1/${project}/stacks/${encodeURIComponent(s.name)}/${s.id}`;
}

export function stackSummary(base: string, s: StackRow): Record<string, unknown> {
  const owner = parseJson<StackOwner>(s.owner);
  const tags = parseJson<string[]>(s.tags);
  return {
    creation_time: time(s.created_at), deletion_time: time(s.deleted_at), description: parseJson<Record<string, Json>>(s.template)['description'] ?? 'No description',
    id: s.id, links: [{ href: stackUrl(base, s.project_id, s), rel: 'self' }], parent: s.parent_id, project: s.project_id,
    stack_name: s.name, stack_owner: owner.userName, stack_status: `${s.action}_${s.status}`, stack_status_reason: s.status_reason,
    stack_user_project_id: s.project_id, tags: tags.length ? tags : null, updated_time: time(s.updated_at),
  };
}

export function resourceView(base: string, stack: StackRow, r: ResourceRow, requiredBy: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const url = stackUrl(base, stack.project_id, stack);
  const links = [{ href: `${url}/resources/${encodeURIComponent(r.name)}`, rel: 'self' }, { href: url, rel: 'stack' }];
  if (['OS::Heat::ResourceGroup', 'OS::Heat::Stack', 'OS::Heat::AutoScalingGroup'].includes(r.type) || extra['nested_stack']) {
    // name/id, each part escaped (the slash between them is the path's).
    const nested = String(extra['nested_stack'] ?? '').split('/').map(encodeURIComponent).join('/');
    links.push({ href: `${base}/orchestration/v1/${stack.project_id}/stacks/${nested}`, rel: 'nested' });
  }
  const { nested_stack: _n, ...rest } = extra;
  return {
    creation_time: r.created_at, links, logical_resource_id: r.name, physical_resource_id: r.physical_id ?? '', required_by: requiredBy,
    resource_name: r.name, resource_status: `${r.action}_${r.status}`, resource_status_reason: r.status_reason, resource_type: r.type,
    updated_time: r.updated_at ?? r.created_at, ...rest,
  };
}

export function eventView(base: string, stack: StackRow, e: EventRow): Record<string, unknown> {
  const url = stackUrl(base, stack.project_id, stack);
  return {
    event_time: e.created_at, id: e.id,
    links: [
      { href: `${url}/resources/${encodeURIComponent(e.resource_name)}/events/${e.id}`, rel: 'self' },
      { href: `${url}/resources/${encodeURIComponent(e.resource_name)}`, rel: 'resource' },
      { href: url, rel: 'stack' },
    ],
    logical_resource_id: e.resource_name, physical_resource_id: e.physical_resource_id ?? '', resource_name: e.resource_name,
    resource_status: `${e.action}_${e.status}`, resource_status_reason: e.status_reason,
  };
}

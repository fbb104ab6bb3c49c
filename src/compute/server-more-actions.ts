// Server actions that change no runtime state: lock / unlock, the admin's os-resetState,
// restore (Pier keeps no soft-deleted servers, so always the wrong state), security groups on
// the server's ports, and the 2.1 proxies' floating IP association (Neutron does the work).
import type { FastifyRequest } from 'fastify';
import { ApiError, BadRequest, Conflict } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import type { Values } from '../core/resource/index.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { InstanceInvalidState, NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { serverPorts } from './ports.js';
import type { ServerRow } from './server-view.js';

async function save(ctx: ComputeContext, s: ServerRow, change: Partial<ServerRow>): Promise<void> {
  await ctx.store.tx(async (tx) => {
    await tx.db.updateTable('servers').set({ ...change, updated_at: isoSeconds() }).where('id', '=', s.id).execute();
    await tx.emit({ resource: 'server', id: s.id, action: 'update', projectId: s.project_id });
  });
}

function groupName(action: string, args: unknown): string {
  if (!args || typeof args !== 'object') throw new BadRequest('Missing parameter dict');
  const name = (args as { name?: unknown }).name;
  if (name === undefined) throw new BadRequest('Security group not specified');
  if (typeof name !== 'string' || !name.trim()) throw new BadRequest('Security group name cannot be empty');
  for (const k of Object.keys(args)) if (k !== 'name') throw new ValidationError(action, args, `Additional properties are not allowed ('${k}' was unexpected)`);
  return name;
}

/** Handles `name` when it is one of these actions; undefined when it is not. */
export async function moreActions(ctx: ComputeContext, req: FastifyRequest, s: ServerRow, name: string, args: unknown): Promise<true | undefined> {
  const caller = novaCaller(req);
  const user = ctx.networking.callerFor(caller.auth);
  switch (name) {
    case 'lock': {
      let reason: string | null = null;
      if (atLeast(req, 2, 73) && args && typeof args === 'object') {
        const r = (args as { locked_reason?: unknown }).locked_reason;
        if (r !== undefined && (typeof r !== 'string' || r.length > 255)) throw new ValidationError('locked_reason', r, `${JSON.stringify(r)} is not of type 'string'`);
        reason = (r as string | undefined) ?? null;
      }
      await save(ctx, s, { locked: 1, locked_reason: reason });
      return true;
    }
    case 'unlock':
      await save(ctx, s, { locked: 0, locked_reason: null });
      return true;
    case 'os-resetState': {
      authorize(caller, 'os_compute_api:os-admin-actions:reset_state', { project_id: s.project_id });
      const state = (args as { state?: unknown } | null)?.state;
      if (state !== 'active' && state !== 'error') throw new ValidationError('os-resetState.state', state, `${JSON.stringify(state)} is not one of ['active', 'error']`);
      // OpenStack: the state is set as given and any task is forgotten; the controller converges from there.
      await save(ctx, s, { vm_state: state, task_state: null });
      ctx.kick(s.id);
      return true;
    }
    case 'restore':
    case 'forceDelete':
      throw new InstanceInvalidState(name, s.id, 'vm_state', s.vm_state);
    case 'addSecurityGroup':
    case 'removeSecurityGroup': {
      const n = groupName(name, args);
      const groups = await ctx.networking.list(user, 'security_group');
      const matches = groups.filter((g) => g.id === n || (g.name === n && g.project_id === s.project_id));
      if (matches.length > 1) throw new Conflict(`Multiple security groups found matching '${n}'. Use an ID to be more specific.`);
      const g = matches[0];
      if (!g) throw new NovaNotFound(`Security group ${n} not found for project ${s.project_id}.`);
      const ports = (await serverPorts(ctx, [s.id])).get(s.id) ?? [];
      const add = name === 'addSecurityGroup';
      if (add && ports.some((p) => p.port_security_enabled === false)) throw new BadRequest('Network requires port_security_enabled and subnet associated in order to apply security groups.');
      const on = (p: Values) => ((p.security_groups as string[]) ?? []).includes(String(g.id));
      if (!add && !ports.some(on)) throw new NovaNotFound(`Security group ${n} not in use by instance ${s.id}`);
      for (const p of ports) {
        const now = (p.security_groups as string[]) ?? [];
        const next = add ? [...new Set([...now, String(g.id)])] : now.filter((id) => id !== g.id);
        if (next.length !== now.length) await ctx.networking.update(user, 'port', String(p.id), { security_groups: next });
      }
      const names = JSON.parse(s.security_groups) as string[];
      const gname = String(g.name);
      await save(ctx, s, { security_groups: JSON.stringify(add ? [...new Set([...names, gname])] : names.filter((x) => x !== gname)) });
      return true;
    }
    case 'addFloatingIp':
    case 'removeFloatingIp': {
      const b = args as { address?: unknown; fixed_address?: unknown } | null;
      if (!b || typeof b !== 'object' || typeof b.address !== 'string') throw new ValidationError(name, args, "'address' is a required property");
      const fip = (await ctx.networking.list(user, 'floatingip', { floating_ip_address: b.address }))[0];
      if (!fip) throw new NovaNotFound(`floating IP not found`);
      const ports = (await serverPorts(ctx, [s.id])).get(s.id) ?? [];
      if (name === 'removeFloatingIp') {
        if (!fip.port_id || !ports.some((p) => p.id === fip.port_id)) throw new Conflict(`Floating IP ${b.address} is not associated with instance ${s.id}.`);
        await ctx.networking.update(user, 'floatingip', String(fip.id), { port_id: null });
        return true;
      }
      const fixed = typeof b.fixed_address === 'string' ? b.fixed_address : undefined;
      const port = ports.find((p) => (p.fixed_ips as { ip_address: string }[]).some((ip) => fixed === undefined ? !ip.ip_address.includes(':') : ip.ip_address === fixed));
      if (!port) throw new BadRequest(fixed ? `Specified fixed address not assigned to instance` : 'No nw_info cache associated with instance');
      try {
        await ctx.networking.update(user, 'floatingip', String(fip.id), { port_id: port.id, ...(fixed ? { fixed_ip_address: fixed } : {}) });
      } catch (e) {
        if (e instanceof ApiError && e.status < 500) throw new BadRequest(`Unable to associate floating IP ${b.address} to fixed IP ${fixed ?? ''} for instance ${s.id}. Error: ${e.message}`);
        throw e;
      }
      return true;
    }
    default:
      return undefined;
  }
}

// `POST /servers/{id}/action`: the state changes a user asks for. Each checks the states Nova
// allows it from (409 otherwise), records the task in the row, and kicks the controller, which
// does the work and writes the outcome. The console output is read from the runtime.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest, NotFound } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import { imageCaller, loadImage } from '../image/index.js';
import { novaCaller, type ComputeContext } from './context.js';
import { InstanceInvalidState, ValidationError } from './errors.js';
import { checkMetadata, hostnameOf } from './server-create.js';
import { detailViews, loadServer } from './servers.js';
import { recordAction } from './instance-actions.js';
import { updateView, type ServerRow } from './server-view.js';
import { getSerialConsole } from './remote-consoles.js';
import { moreActions } from './server-more-actions.js';

interface Action {
  /** vm_states the action may start from. */
  from: string[];
  /** task_state to record (the controller's work order). */
  task: string | ((body: unknown) => string);
  check?(body: unknown): void;
}

const REBOOT_TYPES = ['SOFT', 'HARD'];

const ACTIONS: Record<string, Action> = {
  'os-stop': { from: ['active', 'error'], task: 'powering-off' },
  'os-start': { from: ['stopped'], task: 'powering-on' },
  pause: { from: ['active'], task: 'pausing' },
  unpause: { from: ['paused'], task: 'unpausing' },
  reboot: {
    from: ['active', 'stopped', 'paused', 'error'],
    check(body) {
      const t = (body as { type?: unknown } | null)?.type;
      if (t === undefined) throw new ValidationError('reboot', body, "'type' is a required property");
      if (typeof t !== 'string' || !REBOOT_TYPES.includes(t.toUpperCase())) throw new ValidationError('reboot.type', t, `'${String(t)}' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']`);
    },
    task: (body) => (String((body as { type: string }).type).toUpperCase() === 'HARD' ? 'rebooting_hard' : 'rebooting'),
  },
};

async function setTask(ctx: ComputeContext, req: FastifyRequest, s: ServerRow, action: string, a: Action, body: unknown, extra: Partial<ServerRow> = {}): Promise<void> {
  await ctx.store.tx(async (tx) => {
    const now = await tx.db.selectFrom('servers').select(['vm_state', 'task_state']).where('id', '=', s.id).executeTakeFirst();
    if (!now) throw new NotFound(`Instance ${s.id} could not be found.`);
    if (now.task_state !== null) throw new InstanceInvalidState(action, s.id, 'task_state', now.task_state);
    // OpenStack: a SOFT reboot is for running servers only.
    const from = action === 'reboot' && typeof a.task === 'function' && a.task(body) === 'rebooting' ? ['active'] : a.from;
    if (!from.includes(now.vm_state)) throw new InstanceInvalidState(action, s.id, 'vm_state', now.vm_state);
    const task = typeof a.task === 'function' ? a.task(body) : a.task;
    await tx.db.updateTable('servers').set({ task_state: task, updated_at: isoSeconds(), ...extra }).where('id', '=', s.id).execute();
    const caller = novaCaller(req);
    await recordAction(tx, s.id, action.replace(/^os-/, ''), { projectId: caller.projectId, userId: caller.userId, requestId: req.id });
    await tx.emit({ resource: 'server', id: s.id, action: 'update', projectId: s.project_id });
  });
  ctx.kick(s.id);
}

export async function serverAction(ctx: ComputeContext, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<unknown> {
  const caller = novaCaller(req);
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) throw new BadRequest('Malformed request body');
  const [name, args] = Object.entries(body as Record<string, unknown>)[0]!;
  const s = await loadServer(ctx, caller, req.params.id);
  if (s.locked === 1 && !caller.isAdmin && name !== 'os-getConsoleOutput' && name !== 'unlock') throw new InstanceInvalidState(name, s.id, 'vm_state', 'locked');
  if (name === 'os-getConsoleOutput') {
    const len = (args as { length?: unknown } | null)?.length;
    let lines: number | undefined;
    if (len !== undefined && len !== null) {
      const n = typeof len === 'string' && /^-?\d+$/.test(len) ? Number(len) : len;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -1) throw new ValidationError('length', len, `${JSON.stringify(len)} is not of type 'integer', 'string'`);
      if (n >= 0) lines = n;
    }
    if (s.vm_state === 'building') throw new InstanceInvalidState('get_console_output', s.id, 'vm_state', s.vm_state);
    const log = await ctx.consoleLog(s.id);
    // OpenStack: Nova's tail keeps the last `length` pieces of the log split at newlines, so a
    // log ending in one counts its empty last piece (length 3 → two lines and the newline).
    return { output: lines === undefined ? log : lines === 0 ? '' : log.split('\n').slice(-lines).join('\n') };
  }
  if (name === 'os-getSerialConsole') return getSerialConsole(ctx, req, args);
  if (name === 'rebuild') {
    const r = args as Record<string, unknown> | null;
    if (!r || typeof r !== 'object') throw new ValidationError('rebuild', args, "is not of type 'object'");
    if (typeof r.imageRef !== 'string' || !r.imageRef) throw new ValidationError('rebuild', r, "'imageRef' is a required property");
    const imageId = r.imageRef.split('/').filter(Boolean).at(-1)!;
    const image = await loadImage(ctx.store, imageCaller(caller.auth), imageId).catch((e) => { throw e instanceof NotFound ? new BadRequest(`Image ${imageId} could not be found.`) : e; });
    if (image.status !== 'active') throw new BadRequest(`Image ${imageId} is not active.`);
    const extra: Partial<ServerRow> = { image_id: image.id };
    if (r.name !== undefined) {
      if (typeof r.name !== 'string' || !r.name || r.name !== r.name.trim()) throw new ValidationError('name', r.name, `'${String(r.name)}' is not a valid name`);
      extra.name = r.name; extra.hostname = hostnameOf(r.name);
    }
    if (r.metadata !== undefined) extra.metadata = JSON.stringify(checkMetadata('metadata', r.metadata));
    await setTask(ctx, req, s, 'rebuild', { from: ['active', 'stopped', 'error'], task: 'rebuilding' }, r, extra);
    const fresh = await loadServer(ctx, caller, s.id);
    const [view] = await detailViews(ctx, req, [fresh]);
    return reply.code(202).send({ server: { ...updateView(req, view!, fresh), adminPass: typeof r.adminPass === 'string' ? r.adminPass : randomBytes(9).toString('base64url') } });
  }
  if (await moreActions(ctx, req, s, name, args)) return reply.code(202).send();
  const a = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!a) throw new BadRequest(`There is no such action: ${name}`);
  a.check?.(args);
  await setTask(ctx, req, s, name, a, args);
  return reply.code(202).send();
}

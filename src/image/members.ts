// Members of shared images: the owner adds and removes projects; each member accepts, rejects
// or leaves pending its own membership. Only `shared` images have members.
import { BadRequest, Conflict, Forbidden } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import { isUniqueViolation, type Store } from '../store/index.js';
import { MemberNotFound, PolicyForbidden } from './errors.js';
import { loadImage, mayModify, type ImageCaller } from './images.js';
import type { ImageTables } from './tables.js';

type MemberRow = ImageTables['image_members'];

export const memberView = (m: MemberRow) => ({
  created_at: m.created_at, image_id: m.image_id, member_id: m.member_id, schema: '/v2/schemas/member', status: m.status, updated_at: m.updated_at,
});

const STATUSES = ['pending', 'accepted', 'rejected'];

export async function listMembers(store: Store, caller: ImageCaller, imageId: string): Promise<MemberRow[]> {
  const image = await loadImage(store, caller, imageId);
  if (image.visibility !== 'shared') throw new Forbidden(`Only shared images have members.`);
  let q = store.db.selectFrom('image_members').selectAll().where('image_id', '=', imageId);
  if (!mayModify(caller, image)) q = q.where('member_id', '=', caller.projectId);
  return q.orderBy('created_at').orderBy('member_id').execute();
}

export async function showMember(store: Store, caller: ImageCaller, imageId: string, memberId: string): Promise<MemberRow> {
  const rows = await listMembers(store, caller, imageId);
  const m = rows.find((r) => r.member_id === memberId);
  if (!m) throw new MemberNotFound(memberId, imageId);
  return m;
}

export async function addMember(store: Store, caller: ImageCaller, imageId: string, body: unknown): Promise<MemberRow> {
  const memberId = (body as { member?: unknown } | null)?.member;
  if (typeof memberId !== 'string' || !memberId) throw new BadRequest(`Member to be added not specified`);
  try {
    return await store.tx(async (tx) => {
      const image = await loadImage(tx, caller, imageId);
      if (!mayModify(caller, image)) throw new PolicyForbidden('add_member');
      if (image.visibility !== 'shared') throw new Forbidden(`Only shared images have members.`);
      const now = isoSeconds();
      const row: MemberRow = { image_id: imageId, member_id: memberId, status: 'pending', created_at: now, updated_at: now };
      await tx.db.insertInto('image_members').values(row).execute();
      await tx.emit({ resource: 'image_member', id: `${imageId}/${memberId}`, action: 'create', projectId: memberId });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`Member ${memberId} already associated with image ${imageId}`);
    throw err;
  }
}

export async function updateMember(store: Store, caller: ImageCaller, imageId: string, memberId: string, body: unknown): Promise<MemberRow> {
  const status = (body as { status?: unknown } | null)?.status;
  if (typeof status !== 'string' || !STATUSES.includes(status)) throw new BadRequest(`Provided object does not match schema 'member': '${String(status)}' is not one of ${JSON.stringify(STATUSES)}`);
  return store.tx(async (tx) => {
    await loadImage(tx, caller, imageId);
    // OpenStack: only the member itself changes its status, never the owner.
    if (memberId !== caller.projectId && !caller.isAdmin) throw new PolicyForbidden('modify_member');
    const m = await tx.db.selectFrom('image_members').selectAll().where('image_id', '=', imageId).where('member_id', '=', memberId).executeTakeFirst();
    if (!m) throw new MemberNotFound(memberId, imageId);
    const next = { ...m, status, updated_at: isoSeconds() };
    await tx.db.updateTable('image_members').set({ status, updated_at: next.updated_at }).where('image_id', '=', imageId).where('member_id', '=', memberId).execute();
    await tx.emit({ resource: 'image_member', id: `${imageId}/${memberId}`, action: 'update', projectId: memberId });
    return next;
  });
}

export async function removeMember(store: Store, caller: ImageCaller, imageId: string, memberId: string): Promise<void> {
  await store.tx(async (tx) => {
    const image = await loadImage(tx, caller, imageId);
    if (!mayModify(caller, image)) throw new PolicyForbidden('delete_member');
    const r = await tx.db.deleteFrom('image_members').where('image_id', '=', imageId).where('member_id', '=', memberId).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw new MemberNotFound(memberId, imageId);
    await tx.emit({ resource: 'image_member', id: `${imageId}/${memberId}`, action: 'delete', projectId: memberId });
  });
}

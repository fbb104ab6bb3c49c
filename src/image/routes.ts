// Every Image v2 route under the service's prefix (`/image`): versions, images, data, tags, members.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Forbidden, NotFound, UnsupportedMediaType } from '../core/errors.js';
import { parseJsonBody } from '../core/http/json-body.js';
import type { QueryParams } from '../core/resource/index.js';
import type { Store } from '../store/index.js';
import { openImageFile, removeImageFile, uploadImage } from './data.js';
import { listImages } from './image-list.js';
import { createImage, deleteImage, imageCaller, imageView, loadImage, setActive, setTag, updateImage } from './images.js';
import { glanceSchemas } from './schemas.js';
import { addMember, listMembers, memberView, removeMember, showMember, updateMember } from './members.js';

export interface ImageContext { store: Store; dataDir: string }

// OpenStack: Glance takes both JSON-patch media types (v2.0's is what Tempest and old clients send).
const PATCH_TYPES = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];
const LATEST = 16;

function versions(req: FastifyRequest) {
  const href = `${req.ctx.baseUrl}/image/v2/`;
  return {
    versions: Array.from({ length: LATEST + 1 }, (_, i) => LATEST - i).map((minor) => ({
      id: `v2.${minor}`, status: minor === LATEST ? 'CURRENT' : 'SUPPORTED', links: [{ rel: 'self', href }],
    })),
  };
}

type IdParams = { Params: { id: string } };
const caller = (req: FastifyRequest) => imageCaller(req.ctx.auth!);

export function imageRoutes(scope: FastifyInstance, ctx: ImageContext): void {
  // Data uploads arrive as a stream: the handler pipes it to disk (no body limit, nothing buffered).
  scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  scope.addContentTypeParser(PATCH_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    // A JSON patch is a list of operations: any top level here, the patch code checks it.
    try { done(null, parseJsonBody(String(body), { topLevel: 'any' })); } catch (err) { done(err as Error, undefined); }
  });
  // OpenStack: GET / answers 300 Multiple Choices with the versions list.
  scope.get('/', { config: { public: true } }, async (req, reply) => reply.code(300).send(versions(req)));
  scope.get('/versions', { config: { public: true } }, async (req) => versions(req));

  const schemas = glanceSchemas();
  scope.get<{ Params: { '*': string } }>('/v2/schemas/*', async (req) => {
    const found = schemas.get(req.params['*'].replace(/\/+$/, ''));
    if (!found) throw new NotFound('The resource could not be found.');
    return found;
  });

  scope.get('/v2/images', async (req) => {
    // OpenStack: `/v2/images/` is an image with an empty id, which Glance does not find.
    if (req.url.split('?')[0]!.endsWith('/')) throw new NotFound('The resource could not be found.');
    return listImages(ctx.store, caller(req), req.query as QueryParams);
  });
  scope.post('/v2/images', async (req, reply) => {
    const row = await createImage(ctx.store, caller(req), req.body);
    return reply.code(201).header('location', `${req.ctx.baseUrl}/image/v2/images/${row.id}`).send(imageView(row));
  });
  scope.get<IdParams>('/v2/images/:id', async (req) => imageView(await loadImage(ctx.store, caller(req), req.params.id)));
  // OpenStack: the media type is checked before the body is read (a JSON body is no patch: 415, not 400).
  const patchOnly = async (req: FastifyRequest) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!PATCH_TYPES.includes(type)) throw new UnsupportedMediaType(`Unsupported Content-Type`);
  };
  scope.patch<IdParams>('/v2/images/:id', { preParsing: patchOnly }, async (req) => {
    const v20 = String(req.headers['content-type'] ?? '').split(';')[0]!.trim() === PATCH_TYPES[1];
    return imageView(await updateImage(ctx.store, caller(req), req.params.id, req.body, v20));
  });
  scope.delete<IdParams>('/v2/images/:id', async (req, reply) => {
    await deleteImage(ctx.store, caller(req), req.params.id);
    removeImageFile(ctx.dataDir, req.params.id);
    return reply.code(204).send();
  });

  const octetsOnly = async (req: FastifyRequest) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/octet-stream') throw new UnsupportedMediaType(`Content-Type must be application/octet-stream`);
  };
  scope.put<IdParams>('/v2/images/:id/file', { preParsing: octetsOnly }, async (req, reply) => {
    const body = req.body as Readable | undefined;
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/octet-stream' || !body || typeof (body as Readable).pipe !== 'function') {
      throw new UnsupportedMediaType(`Content-Type must be application/octet-stream`);
    }
    await uploadImage(ctx.store, ctx.dataDir, caller(req), req.params.id, body);
    return reply.code(204).send();
  });
  scope.get<IdParams>('/v2/images/:id/file', async (req, reply: FastifyReply) => {
    const row = await loadImage(ctx.store, caller(req), req.params.id);
    if (row.status === 'deactivated' && !caller(req).isAdmin) throw new Forbidden('The requested image has been deactivated. Image data download is prohibited.');
    const file = openImageFile(ctx.dataDir, row);
    if (!file) return reply.code(204).send();
    const md5 = row.checksum ? { 'content-md5': row.checksum } : {};
    return reply.code(200).headers({ 'content-type': 'application/octet-stream', 'content-length': String(file.size), ...md5 }).send(file.stream);
  });

  for (const action of ['deactivate', 'reactivate'] as const) {
    scope.post<IdParams>(`/v2/images/:id/actions/${action}`, async (req, reply) => {
      await setActive(ctx.store, caller(req), req.params.id, action === 'reactivate');
      return reply.code(204).send();
    });
  }

  scope.put<{ Params: { id: string; tag: string } }>('/v2/images/:id/tags/:tag', async (req, reply) => {
    await setTag(ctx.store, caller(req), req.params.id, req.params.tag, true);
    return reply.code(204).send();
  });
  scope.delete<{ Params: { id: string; tag: string } }>('/v2/images/:id/tags/:tag', async (req, reply) => {
    await setTag(ctx.store, caller(req), req.params.id, req.params.tag, false);
    return reply.code(204).send();
  });

  type MemberParams = { Params: { id: string; member: string } };
  scope.get<IdParams>('/v2/images/:id/members', async (req) => ({
    members: (await listMembers(ctx.store, caller(req), req.params.id)).map(memberView), schema: '/v2/schemas/members',
  }));
  scope.post<IdParams>('/v2/images/:id/members', async (req) => memberView(await addMember(ctx.store, caller(req), req.params.id, req.body)));
  scope.get<MemberParams>('/v2/images/:id/members/:member', async (req) => memberView(await showMember(ctx.store, caller(req), req.params.id, req.params.member)));
  scope.put<MemberParams>('/v2/images/:id/members/:member', async (req) => memberView(await updateMember(ctx.store, caller(req), req.params.id, req.params.member, req.body)));
  scope.delete<MemberParams>('/v2/images/:id/members/:member', async (req, reply) => {
    await removeMember(ctx.store, caller(req), req.params.id, req.params.member);
    return reply.code(204).send();
  });
}

// Image (Glance v2): the only import surface for other folders.
import { defineModule } from '../core/module.js';
import { seedBusybox } from './busybox.js';
import { renderGlanceError } from './errors.js';
import { imageRoutes } from './routes.js';

export const imageModule = defineModule<void>({
  name: 'image',
  roles: ['api'],
  catalog: [{ type: 'image', name: 'glance', path: '/image' }],
  async create(env) {
    await seedBusybox(env.store, env.dataDir, env.logger);
    const ctx = { store: env.store, dataDir: env.dataDir };
    return { exports: undefined, http: { name: 'image', prefix: '/image', renderError: renderGlanceError, routes: (scope) => imageRoutes(scope, ctx) } };
  },
});

export { createImage, deleteImage, imageCaller, listImageRows, loadImage, setImageProperties, type ImageCaller, type ImageRow } from './images.js';
export { imagePath, uploadImage } from './data.js';
export { busyboxRootfs } from './busybox.js';
export { ImageNotFound } from './errors.js';

// Image (Glance v2): the only import surface for other folders.
import type { Service } from '../core/http/server.js';
import type { CatalogService } from '../identity/index.js';
import type { Store } from '../store/index.js';
import { renderGlanceError } from './errors.js';
import { imageRoutes } from './routes.js';

export const IMAGE_CATALOG: CatalogService = { type: 'image', name: 'glance', path: '/image' };

export function createImageService(store: Store, dataDir: string): { service: Service } {
  return { service: { name: 'image', prefix: '/image', renderError: renderGlanceError, routes: (scope) => imageRoutes(scope, { store, dataDir }) } };
}

export { seedBusybox } from './busybox.js';
export { imageCaller, loadImage, type ImageCaller, type ImageRow } from './images.js';
export { imagePath } from './data.js';
export { ImageNotFound } from './errors.js';

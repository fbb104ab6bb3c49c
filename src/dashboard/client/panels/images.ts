// Images: the list Glance shows this user, upload (create, then PUT the file with a progress
// bar), delete.
import { current, has, svc } from '../api.js';
import { h } from '../dom.js';
import { confirmThen, form, listPanel, status, table, type Panel } from '../ui.js';
import { btn } from './servers.js';

interface Image { id: string; name: string; status: string; visibility: string; size: number | null; disk_format: string | null; owner: string }

/** PUT of the image data through XHR: fetch cannot report upload progress. */
function upload(path: string, file: File, progress: HTMLProgressElement): Promise<void> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('PUT', `${current()!.endpoints.image}${path}`);
    x.setRequestHeader('x-auth-token', current()!.token);
    x.setRequestHeader('content-type', 'application/octet-stream');
    x.upload.onprogress = (e) => { if (e.lengthComputable) { progress.max = e.total; progress.value = e.loaded; } };
    x.onload = () => (x.status < 300 ? resolve() : reject(new Error(`The upload failed (HTTP ${x.status}): ${x.responseText.slice(0, 200)}`)));
    x.onerror = () => reject(new Error('The upload failed: Pier cannot be reached.'));
    x.send(file);
  });
}

export const imagesPanel: Panel = {
  id: 'images', title: 'Images', visible: () => has('image'),
  render: (el) => listPanel(el, {
    title: 'Images', kinds: ['image'], createLabel: 'Upload image',
    createForm: async () => {
      const progress = h('progress', { value: 0, max: 1, 'aria-label': 'Upload progress' });
      const f = form('upload-image', [
        { name: 'name', label: 'Name', required: true },
        { name: 'disk_format', label: 'Disk format', type: 'select', value: 'raw', options: ['raw', 'qcow2', 'iso'].map((v) => ({ value: v, label: v })) },
        { name: 'container_format', label: 'Container format', type: 'select', value: 'bare', options: ['bare', 'ovf', 'docker'].map((v) => ({ value: v, label: v })) },
        { name: 'file', label: 'File (a root filesystem tarball)', type: 'file', required: true },
      ], 'Upload', async (v) => {
        const image = await svc<Image>('image', 'POST', '/v2/images', { body: { name: v.name, disk_format: v.disk_format, container_format: v.container_format } });
        await upload(`/v2/images/${image.id}/file`, v.file as File, progress);
      });
      f.append(progress);
      return f;
    },
    async list() {
      const { images } = await svc<{ images: Image[] }>('image', 'GET', '/v2/images');
      const me = current()?.project?.id;
      return table<Image>([
        { title: 'Name', cell: (i) => i.name },
        { title: 'Status', cell: (i) => status(i.status) },
        { title: 'Visibility', cell: (i) => i.visibility },
        { title: 'Size', cell: (i) => (i.size === null ? '' : `${(i.size / 1048576).toFixed(1)} MB`) },
        { title: 'Actions', cell: (i) => (i.owner === me || current()?.roles.includes('admin') ? btn('Delete', (b) => confirmThen(`Delete image ${i.name}?`, () => svc('image', 'DELETE', `/v2/images/${i.id}`), b), 'danger') : '') },
      ], images);
    },
  }),
};

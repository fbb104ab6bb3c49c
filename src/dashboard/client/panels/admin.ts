// Admin: projects and users of the cloud. Shown to admins only; for anyone else Keystone's
// policy would refuse the calls anyway.
import { isAdmin } from '../api.js';
import { call } from '../api.js';
import { h } from '../dom.js';
import { listPanel, table, type Panel } from '../ui.js';

export const adminPanel: Panel = {
  id: 'admin', title: 'Admin: identity', visible: isAdmin,
  render: (el) => listPanel(el, {
    title: 'Projects and users', kinds: ['project', 'user'],
    async list() {
      const [{ body: p }, { body: u }] = await Promise.all([
        call<{ projects: { id: string; name: string; enabled: boolean; description: string }[] }>('GET', '/identity/v3/projects'),
        call<{ users: { id: string; name: string; enabled: boolean; email?: string }[] }>('GET', '/identity/v3/users'),
      ]);
      return h('div', {},
        h('h3', {}, 'Projects'), table([{ title: 'Name', cell: (x: typeof p.projects[number]) => x.name }, { title: 'Enabled', cell: (x) => (x.enabled ? 'yes' : 'no') }, { title: 'Description', cell: (x) => x.description }], p.projects),
        h('h3', {}, 'Users'), table([{ title: 'Name', cell: (x: typeof u.users[number]) => x.name }, { title: 'Enabled', cell: (x) => (x.enabled ? 'yes' : 'no') }, { title: 'Email', cell: (x) => x.email ?? '' }], u.users));
    },
  }),
};

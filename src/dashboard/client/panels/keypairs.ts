// Key pairs: list, create (the private key is shown once), import a public key, delete.
import { has, svc } from '../api.js';
import { h } from '../dom.js';
import { confirmThen, form, listPanel, notify, table, type Panel } from '../ui.js';
import { btn } from './servers.js';

interface Keypair { name: string; fingerprint: string; type?: string }

export const keypairsPanel: Panel = {
  id: 'keypairs', title: 'Key pairs', visible: () => has('compute'),
  render(el) {
    const secret = h('div', { class: 'secret' });
    const off = listPanel(el, {
      title: 'Key pairs', kinds: ['keypair'], createLabel: 'Create key pair',
      createForm: async () => form('create-keypair', [
        { name: 'name', label: 'Name', required: true },
        { name: 'public_key', label: 'Public key to import (empty: generate one)', type: 'textarea' },
      ], 'Create', async (v) => {
        const r = await svc<{ keypair: { private_key?: string } }>('compute', 'POST', '/os-keypairs', { body: { keypair: { name: v.name, ...(v.public_key ? { public_key: String(v.public_key).trim() } : {}) } } });
        if (r.keypair.private_key) {
          secret.replaceChildren(h('p', {}, 'The private key, shown only this once:'), h('pre', {}, r.keypair.private_key));
          notify(`Key pair ${String(v.name)} created`);
        }
      }),
      async list() {
        const { keypairs } = await svc<{ keypairs: { keypair: Keypair }[] }>('compute', 'GET', '/os-keypairs');
        return table<Keypair>([
          { title: 'Name', cell: (k) => k.name },
          { title: 'Fingerprint', cell: (k) => h('code', {}, k.fingerprint) },
          { title: 'Actions', cell: (k) => btn('Delete', (b) => confirmThen(`Delete key pair ${k.name}?`, () => svc('compute', 'DELETE', `/os-keypairs/${encodeURIComponent(k.name)}`), b), 'danger') },
        ], keypairs.map((k) => k.keypair));
      },
    });
    el.insertBefore(secret, el.children[1] ?? null);
    return off;
  },
};

// OS::Nova::KeyPair — a Nova keypair of the stack owner (Heat's resources/openstack/nova/keypair.py):
// imported from public_key or generated; a generated private key is kept only with save_private_key.
import type { ResourcePlugin } from './types.js';
import { unlessGone } from './nova.js';

export const osNovaKeyPair: ResourcePlugin = {
  type: 'OS::Nova::KeyPair',
  description: 'A resource for creating Nova key pairs.',
  properties: {
    name: { type: 'string', description: 'The name of the key pair.', required: true, constraints: [{ length: { min: 1, max: 255 } }] },
    save_private_key: { type: 'boolean', description: 'True if the system should remember a generated private key; False otherwise.', default: false },
    public_key: { type: 'string', description: 'The public key. This allows users to supply the public key from a pre-existing key pair. If not supplied, a new key pair will be generated.' },
    type: { type: 'string', description: 'Keypair type. Supported since Nova api version 2.2.', constraints: [{ allowed_values: ['ssh', 'x509'] }] },
  },
  attributes: {
    public_key: { description: 'The public key.', type: 'string' },
    private_key: { description: 'The private key if it has been saved.', type: 'string' },
    show: { description: 'Detailed information about resource.', type: 'map' },
  },
  async create(ctx, props) {
    const body: Record<string, unknown> = { name: props['name'] };
    if (props['public_key']) body['public_key'] = props['public_key'];
    if (props['type']) body['type'] = props['type'];
    const k = await ctx.compute.createKeypair(ctx.caller, body);
    ctx.data['public_key'] = String(k['public_key']);
    if (props['save_private_key'] && typeof k['private_key'] === 'string') ctx.data['private_key'] = k['private_key'];
    // OpenStack: a keypair's physical id is its name.
    return String(k['name']);
  },
  exists: (ctx, id) => unlessGone(async () => { await ctx.compute.showKeypair(ctx.caller, id); return true; }, false),
  delete: (ctx, id) => (id ? unlessGone(() => ctx.compute.deleteKeypair(ctx.caller, id), undefined) : Promise.resolve()),
  async resolve(ctx, id, attr) {
    if (attr === 'private_key') return (ctx.data['private_key'] as string | undefined) ?? '';
    if (!id) return null;
    if (attr === 'public_key' && typeof ctx.data['public_key'] === 'string') return ctx.data['public_key'];
    const k = await unlessGone(() => ctx.compute.showKeypair(ctx.caller, id), null);
    if (!k) return null;
    return (attr === 'show' ? k : k[attr] ?? null) as never;
  },
};

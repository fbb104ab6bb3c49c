// Magnum benchmark (root, a Kubernetes build at hand — scripts/build-kubernetes.sh): for each pod
// network (pier-bridge, kuryr), a 1 master + 2 worker Kubernetes cluster from `coe cluster create` to CREATE_COMPLETE and to three nodes
// Ready for the real kubectl, a resize by one to four Ready nodes, and a delete until no server,
// port or network of it is left; the node image's build (or reuse) and its import are timed on
// their own, before any of that.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPier } from '../test/support/pier.js';
import { externalRange, kubeCloud, prepareNodeImage, untilReady } from '../test/support/magnum-kube.js';
import { uniquePrefix, waitFor } from '../test/support/system.js';
import { computeModule } from '../src/compute/index.js';
import { dataplaneModule } from '../src/dataplane/index.js';

const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(1));

export async function benchMagnum(): Promise<Record<string, number | string>> {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-magnum-bench-'));
  const ext = externalRange();
  const build = prepareNodeImage();
  const t = await startTestPier({
    dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'magnum-bench', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${ext}.1/24` } } },
    compute: { driver: 'runc' },
    kuryr: { project: 'admin', user: 'admin', cni: { socket: join(work, 'cni.sock') } },
  });
  try {
    const tImport = performance.now();
    const k = await kubeCloud(t.url, ext, work);
    const imported = seconds(tImport);
    const figures: Record<string, number | string> = {
      [`node image ${build.reused ? 'reused' : 'built'}, s`]: Number(build.seconds.toFixed(1)),
      'node image imported into Glance (pier image build), s': imported,
    };
    for (const driver of ['pier-bridge', 'kuryr']) {
      const template = await k.template(`${prefix}-${driver}`, driver);
      const t0 = performance.now();
      const made = await k.magnum('POST', '/clusters', { name: `${prefix}-${driver}`, cluster_template_id: template, master_count: 1, node_count: 2 });
      if (made.status !== 202) throw new Error(JSON.stringify(made.body));
      const id = made.body.uuid as string;
      await k.until(id, 'CREATE_COMPLETE');
      const complete = seconds(t0);
      const kubeconfig = await k.kubeconfig(id, work);
      await untilReady(kubeconfig, 3);
      const ready = seconds(t0);
      const t1 = performance.now();
      await k.magnum('POST', `/clusters/${id}/actions/resize`, { node_count: 3 });
      await k.until(id, 'UPDATE_COMPLETE');
      await untilReady(kubeconfig, 4);
      const grown = seconds(t1);
      const t2 = performance.now();
      await k.magnum('DELETE', `/clusters/${id}`);
      await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${id}`)).status === 404, 120_000);
      await waitFor('no server left', async () => ((await k.nova('/servers?all_tenants=1')).body.servers as unknown[]).length === 0, 60_000);
      const deleted = seconds(t2);
      Object.assign(figures, {
        [`${driver}: coe cluster create (1+2) → CREATE_COMPLETE, s`]: complete,
        [`${driver}: coe cluster create (1+2) → 3 nodes Ready, s`]: ready,
        [`${driver}: resize +1 → 4 nodes Ready, s`]: grown,
        [`${driver}: delete → no server left, s`]: deleted,
      });
    }
    return figures;
  } finally {
    await t.pier.get(computeModule).controller.idle();
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    rmSync(work, { recursive: true, force: true });
  }
}

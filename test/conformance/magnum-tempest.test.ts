// magnum-tempest-plugin's API tests (Debian's, 1.7) against a fresh `pier up` with the fake
// compute runtime: cluster templates (and their admin variants), clusters (create, list, CSR
// signing, delete, and the negative ones) and mservices. The plugin's image is Pier's busybox
// image marked with the kubernetes driver's os_distro; its external network is `public`.
// Bays and baymodels (the API Magnum deprecated in Newton for clusters and templates) are not
// implemented and not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ADMIN_PASSWORD, call, tokenFor } from '../support/pier.js';
import { NODE_OS_DISTRO } from '../../src/clusters/drivers/kubernetes/index.js';
import { runSuite, tempestMissing } from './tempest/suite.js';

const missing = tempestMissing();
const REGEX = '^magnum_tempest_plugin\\.tests\\.api\\.v1\\.(test_cluster|test_cluster_template|test_cluster_template_admin|test_magnum_service)\\.';

test('magnum-tempest-plugin passes what magnum-tempest-expected.txt lists', { skip: missing, timeout: 30 * 60_000 }, () => runSuite({
  regex: REGEX,
  expected: resolve(import.meta.dirname, '../../../test/conformance/magnum-tempest-expected.txt'),
  header: '# magnum-tempest-plugin tests that pass against Pier (test/conformance/magnum-tempest.test.ts); one that stops passing fails CI.\n',
  async prepare(url) {
    const admin = await tokenFor(url, 'admin', ADMIN_PASSWORD, 'admin');
    const ext = await call(url, 'POST', '/networking/v2.0/networks', { token: admin, body: { network: { name: 'public', 'router:external': true } } });
    assert.equal(ext.status, 201, JSON.stringify(ext.body));
    await call(url, 'POST', '/networking/v2.0/subnets', { token: admin, body: { subnet: { network_id: ext.body.network.id, cidr: '172.24.4.0/24', ip_version: 4 } } });
    const image = (await call(url, 'GET', '/image/v2/images?name=busybox', { token: admin })).body.images[0].id as string;
    const marked = await call(url, 'PATCH', `/image/v2/images/${image}`, {
      token: admin, body: [{ op: 'add', path: '/os_distro', value: NODE_OS_DISTRO }], headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
    });
    assert.equal(marked.status, 200, JSON.stringify(marked.body));
    return {
      conf: ['[magnum]', `image_id = ${image}`, 'nic_id = public', 'flavor_id = m1.small', 'master_flavor_id = m1.small',
        'coe = kubernetes', 'network_driver = pier-bridge', 'copy_logs = false', 'cluster_creation_timeout = 5', ''].join('\n'),
    };
  },
}));

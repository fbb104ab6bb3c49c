// OpenStack's own Tempest (Debian's, 33) against a fresh `pier up`: identity, network, compute
// and image API tests with dynamic credentials, and Debian's heat-tempest-plugin's API tests,
// concurrency 2 (tempest/suite.ts runs it and compares with tempest-expected.txt).
//
// Pier runs with the noop dataplane and fake compute: these are API tests — servers go through
// their whole life on the fake runtime, no process runs and no packet is sent — and a real
// dataplane would only share kernel state with the suites CI runs beside this one without
// changing an answer Tempest checks.
//
// PIER_TEMPEST_REGEX narrows the run while iterating (the expected list is filtered by it);
// PIER_TEMPEST_GROW=1 adds the new passes to the list; PIER_TEMPEST_KEEP=1 keeps the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, tokenFor } from '../support/pier.js';
import { runSuite, tempestMissing } from './tempest/suite.js';

// Debian's heat-tempest-plugin (orchestration's API tests): required under CI, optional elsewhere.
const HEAT_PLUGIN = '/usr/lib/python3/dist-packages/heat_tempest_plugin';
const heat = existsSync(HEAT_PLUGIN);
if (!heat && process.env.CI === 'true') throw new Error(`no ${HEAT_PLUGIN} (Debian's heat-tempest-plugin; scripts/install.sh --system installs it)`);
const REGEX = `^(tempest\\.api\\.(identity|network|compute|image)${heat ? '|heat_tempest_plugin\\.tests\\.api' : ''})`;
const missing = tempestMissing();

/** The seeded busybox image and the m1.tiny / m1.small flavors; Compute's newest microversion. */
async function bootSource(url: string) {
  const token = await tokenFor(url, 'admin', ADMIN_PASSWORD, 'admin');
  const images = await call<{ images: { id: string }[] }>(url, 'GET', '/image/v2/images?name=busybox', { token });
  const versions = await call<{ version: { version: string } }>(url, 'GET', '/compute/v2.1', { token });
  assert.equal(images.body.images.length, 1, 'the seeded busybox image');
  return { imageRef: images.body.images[0]!.id, flavorRef: '1', flavorRefAlt: '2', maxMicroversion: versions.body.version.version };
}

test(`Tempest ${REGEX} passes what tempest-expected.txt lists`, { skip: missing, timeout: 45 * 60_000 }, () => runSuite({
  regex: REGEX,
  expected: resolve(import.meta.dirname, '../../../test/conformance/tempest-expected.txt'),
  header: '# Tempest tests that pass against Pier (test/conformance/tempest.test.ts); one that stops passing fails CI.\n'
    + '# Grown with PIER_TEMPEST_GROW=1; a test leaves the list only with a reason in the commit.\n',
  async prepare(url) {
    const compute = await bootSource(url);
    return {
      target: {
        services: { compute: true, image: true, orchestration: heat }, compute,
        ...(heat ? { orchestration: { demoPassword: DEMO_PASSWORD, imageRef: compute.imageRef } } : {}),
      },
    };
  },
}));

// The dataplane controller over a real store with a recording fake driver: a port event syncs
// just that port (with a hint), a network event everything; a burst of port events becomes one
// sync; status is written back once, and the status write's own event changes nothing more.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ADMIN_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../../test/support/pier.js';
import { DataplaneController } from './controller.js';
import type { DesiredState, NetworkDriver, PortObserved, SyncHint, SyncResult } from './driver.js';

const HOST = 'fake-host';

interface Call { hint: string[] | 'full'; ports: string[] }

class RecordingDriver implements NetworkDriver {
  readonly name = 'recording';
  readonly segmentTypes = ['flat', 'vlan', 'vxlan', 'local'] as const;
  readonly calls: Call[] = [];

  async sync(desired: DesiredState, hint?: SyncHint): Promise<SyncResult> {
    this.calls.push({ hint: hint ? [...hint.ports].sort() : 'full', ports: desired.ports.map((p) => p.id) });
    const ports = new Map<string, PortObserved>();
    for (const p of desired.ports) if (!hint || hint.ports.has(p.id)) ports.set(p.id, { status: 'ACTIVE' });
    return { ports, vifType: 'recorded', vifDetails: { fake: true } };
  }

  async destroy(): Promise<void> {}
}

for (const store of testStores()) describe(`dataplane controller on ${store}`, () => {
  let t: TestPier;
  let admin: string;
  let ctl: DataplaneController;
  let networkId: string;
  const driver = new RecordingDriver();
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await call(t.url, method, `/networking/v2.0${path}`, { token: admin, body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** Waits until the controller has made no driver call for 400 ms (a loaded machine delivers PostgreSQL's notifications late); returns the calls made since `from`. */
  const settle = async (from: number): Promise<Call[]> => {
    for (let n = -1; n !== driver.calls.length;) {
      n = driver.calls.length;
      await new Promise((r) => setTimeout(r, 400));
    }
    return driver.calls.slice(from);
  };

  before(async () => {
    // Pier's own controller (noop) answers for another host; this one, for HOST, over the same store.
    t = await startTestPier({ dataplane: { driver: 'noop', hostId: 'api-host' } }, store);
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    ctl = new DataplaneController(t.pier.store, driver, HOST, pino({ level: 'silent' }));
    await ctl.start();
    networkId = (await api('POST', '/networks', { network: { name: 'n' } })).network.id;
    await api('POST', '/subnets', { subnet: { network_id: networkId, cidr: '10.60.0.0/24', ip_version: 4 } });
    // The project's first port also makes its default security group (a full sync); later ones do not.
    await api('POST', '/ports', { port: { network_id: networkId } });
    await settle(0);
  });
  after(async () => {
    await ctl.stop();
    await t.close();
  });

  test('the first sync is a full one', () => {
    assert.equal(driver.calls[0]?.hint, 'full');
  });

  test('a port event syncs just that port; its status is written once and the write ends in a no-op', async () => {
    const from = driver.calls.length;
    const port = (await api('POST', '/ports', { port: { network_id: networkId, 'binding:host_id': HOST } })).port;
    const calls = await settle(from);
    assert.ok(calls.length >= 1);
    for (const c of calls) assert.deepEqual(c.hint, [port.id]);
    assert.ok(calls[0]!.ports.includes(port.id), 'the port is in the desired state');
    const after = (await api('GET', `/ports/${port.id}`)).port;
    assert.equal(after.status, 'ACTIVE');
    assert.equal(after['binding:vif_type'], 'recorded');
    assert.deepEqual(after['binding:vif_details'], { fake: true });
    assert.equal(after.revision_number, port.revision_number + 1, 'one status write');
    assert.equal(ctl.observed(port.id)?.status, 'ACTIVE');

    // Gone: the next port sync drops it from the desired state.
    const before = driver.calls.length;
    await api('DELETE', `/ports/${port.id}`);
    const gone = await settle(before);
    assert.ok(gone.length >= 1);
    for (const c of gone) {
      assert.deepEqual(c.hint, [port.id]);
      assert.ok(!c.ports.includes(port.id));
    }
    assert.equal(ctl.observed(port.id), undefined);
  });

  test('a network event syncs everything', async () => {
    const from = driver.calls.length;
    await api('POST', '/networks', { network: { name: 'other' } });
    const calls = await settle(from);
    assert.deepEqual(calls.map((c) => c.hint), ['full']);
  });

  test('a burst of port events becomes one sync of those ports', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api('POST', '/ports', { port: { network_id: networkId, 'binding:host_id': 'elsewhere' } })).port.id);
    await settle(driver.calls.length);
    const from = driver.calls.length;
    await t.pier.store.tx(async (tx) => {
      await tx.db.updateTable('ports').set({ 'binding:host_id': HOST }).where('id', 'in', ids).execute();
      for (const id of ids) await tx.emit({ resource: 'port', id, action: 'update' });
    });
    const calls = await settle(from);
    assert.deepEqual(calls[0]?.hint, [...ids].sort(), 'one sync for the burst');
    assert.ok(calls.length <= 2, `the burst and its status write: ${calls.length} syncs`);
    for (const c of calls) assert.deepEqual(c.hint, [...ids].sort());
    for (const id of ids) assert.equal((await api('GET', `/ports/${id}`)).port.status, 'ACTIVE');
  });

  test('syncNow for some ports resolves with their observed state', async () => {
    const port = (await api('POST', '/ports', { port: { network_id: networkId, 'binding:host_id': HOST } })).port;
    const result = await ctl.syncNow({ ports: [port.id] });
    assert.deepEqual(result.ports.get(port.id), { status: 'ACTIVE' });
    await settle(driver.calls.length);
  });
});

// Nova's status as SQL (the list's `status` filter) says what `statusOf` says, for every
// vm_state × task_state the servers table can hold, on both databases.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { freshDatabase, testStores } from '../../test/support/pier.js';
import { openStore } from '../store/index.js';
import { STATUS_SQL, statusOf } from './server-view.js';

const VM = ['building', 'active', 'stopped', 'paused', 'error', 'deleted', 'weird'];
const TASK = [null, 'deleting', 'rebooting', 'rebooting_hard', 'rebuilding', 'powering-off', 'spawning'];

for (const kind of testStores()) describe(`STATUS_SQL on ${kind}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-status-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('agrees with statusOf', async () => {
    const db = kind === 'postgres' ? await freshDatabase() : undefined;
    const store = await openStore({ dataDir: dir, databaseUrl: db?.url });
    try {
      const pairs = VM.flatMap((vm_state) => TASK.map((task_state) => ({ vm_state, task_state })));
      const values = sql.join(pairs.map((p) => sql`(${p.vm_state}, ${sql`cast(${p.task_state} as text)`})`));
      const rows = await sql<{ vm_state: string; task_state: string | null; status: string }>`
        with servers(vm_state, task_state) as (values ${values}) select vm_state, task_state, ${STATUS_SQL} as status from servers`.execute(store.db);
      assert.equal(rows.rows.length, pairs.length);
      for (const r of rows.rows) assert.equal(r.status, statusOf(r), `${r.vm_state} / ${r.task_state}`);
    } finally {
      await store.close();
      await db?.drop();
    }
  });
});

// `npm run bench`: every benchmark, printed with its target. PostgreSQL figures when
// PIER_TEST_DATABASE_URL names a server (scripts/postgres-up.sh prints one).
import { benchIdentity } from './identity.js';

const targets: Record<string, string> = {
  'token validate/s (GET /v3/auth/tokens)': '≥ 5000',
  'start to first 200 ms (existing data dir, median of 5)': '< 500',
};

const stores: ('sqlite' | 'postgres')[] = process.env.PIER_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
for (const store of stores) {
  const figures = await benchIdentity(store);
  console.log(`\nidentity on ${store}`);
  for (const [name, value] of Object.entries(figures)) {
    console.log(`  ${name.padEnd(58)} ${String(value).padStart(8)}${targets[name] ? `   target ${targets[name]}` : ''}`);
  }
}

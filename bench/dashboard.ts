// Dashboard benchmarks in headless Chromium (`npm run bench -- dashboard`; not root: the fake
// runtime): time to the first screen (page load to the login form, median of 5 fresh loads), to
// a topology of 50 servers on 10 networks drawn (from the click), and for a server created
// through the API to appear in it (the change stream, no polling).
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor } from '../test/support/pier.js';
import { launchBrowser } from '../test/support/browser.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchDashboard(): Promise<Record<string, number | string>> {
  const t = await startTestPier();
  const browser = await launchBrowser();
  try {
    const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const api = (token: string, m: string, p: string, body?: unknown) => call(t.url, m, p, { token, body });
    const project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': demo } })).body.token.project.id;
    await api(admin, 'PUT', `/compute/v2.1/os-quota-sets/${project}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
    await api(admin, 'PUT', `/networking/v2.0/quotas/${project}`, { quota: { network: -1, subnet: -1, port: -1 } });
    const image = (await api(demo, 'GET', '/image/v2/images?name=busybox')).body.images[0].id as string;
    const nets: string[] = [];
    for (let i = 0; i < 10; i++) {
      const n = (await api(demo, 'POST', '/networking/v2.0/networks', { network: { name: `net${i}` } })).body.network;
      await api(demo, 'POST', '/networking/v2.0/subnets', { subnet: { network_id: n.id, cidr: `10.70.${i}.0/24`, ip_version: 4 } });
      nets.push(n.id);
    }
    for (let i = 0; i < 50; i++) {
      const r = await api(demo, 'POST', '/compute/v2.1/servers', { server: { name: `s${i}`, imageRef: image, flavorRef: '1', networks: [{ uuid: nets[i % 10] }] } });
      if (r.status !== 202) throw new Error(JSON.stringify(r.body));
    }

    const page = await browser.newPage();
    const firsts: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.goto('about:blank');
      const t0 = performance.now();
      await page.goto(`${t.url}/dashboard`);
      await page.locator('#login-user').waitFor();
      if (i > 0) firsts.push(performance.now() - t0); // the first load also warms Chromium itself
    }
    await page.locator('#login-user').fill('demo');
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.locator('form[data-form=login] button[type=submit]').click();
    await page.locator('nav a[data-panel=topology]').waitFor();
    const t1 = performance.now();
    await page.click('nav a[data-panel=topology]');
    await page.waitForFunction(() => document.querySelectorAll('g.node[data-kind=server]').length === 50 && document.querySelectorAll('g.node[data-kind=network]').length === 10, undefined, { timeout: 30_000 });
    const topology = performance.now() - t1;
    const t2 = performance.now();
    await api(demo, 'POST', '/compute/v2.1/servers', { server: { name: 'late', imageRef: image, flavorRef: '1', networks: [{ uuid: nets[0] }] } });
    await page.locator('g.node[data-kind=server][data-name=late]').waitFor({ timeout: 30_000 });
    const live = performance.now() - t2;
    if (browser.errors.length) throw new Error(browser.errors.join('\n'));
    return {
      'first screen (load to login form), median of 5, ms': Math.round(median(firsts)),
      'topology of 50 servers on 10 networks drawn, ms': Math.round(topology),
      'server created by the API shown in the topology, ms': Math.round(live),
    };
  } finally {
    await browser.close();
    await t.close();
  }
}

// The dashboard's entry: the login screen, then the shell (project switch, log out, the panels
// this user's catalog and roles allow) with the panel named by the URL's #hash.
import './app.css';
import { ApiError, current, login, loginAppCredential, logout, projects, switchProject, whenExpired, type Session } from './api.js';
import { h, fill } from './dom.js';
import * as live from './live.js';
import { adminPanel } from './panels/admin.js';
import { clustersPanel } from './panels/clusters.js';
import { imagesPanel } from './panels/images.js';
import { keypairsPanel } from './panels/keypairs.js';
import { floatingIpsPanel, networksPanel, routersPanel, securityGroupsPanel } from './panels/network.js';
import { overviewPanel } from './panels/overview.js';
import { serversPanel } from './panels/servers.js';
import { stacksPanel } from './panels/stacks.js';
import { topologyPanel } from './panels/topology.js';
import { volumesPanel } from './panels/volumes.js';
import { form, notify, type Panel } from './ui.js';

const PANELS: Panel[] = [overviewPanel, topologyPanel, serversPanel, networksPanel, routersPanel, floatingIpsPanel, securityGroupsPanel, imagesPanel, keypairsPanel, volumesPanel, stacksPanel, clustersPanel, adminPanel];
const app = document.getElementById('app')!;
let closePanel: (() => void) | void;

function showLogin(message?: string): void {
  closePanel?.(); closePanel = undefined;
  live.stop();
  location.hash = '';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'login-error' }, message ?? '');
  const password = form('login', [
    { name: 'domain', label: 'Domain', value: 'Default', required: true },
    { name: 'user', label: 'User name', required: true, autocomplete: 'username' },
    { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' },
  ], 'Log in', async (v) => { fill(error); await enter(() => login(String(v.domain), String(v.user), String(v.password))); });
  const appCred = form('login-app-credential', [
    { name: 'id', label: 'Application credential id', required: true, autocomplete: 'username' },
    { name: 'secret', label: 'Secret', type: 'password', required: true },
  ], 'Log in', async (v) => { fill(error); await enter(() => loginAppCredential(String(v.id), String(v.secret))); });
  const other = h('details', {}, h('summary', {}, 'Log in with an application credential'), appCred);
  fill(app, h('main', { class: 'login' }, h('h1', {}, 'Pier'), h('p', { class: 'tagline' }, 'Log in with your cloud account'), error, password, other));
  (document.getElementById('login-user') as HTMLInputElement | null)?.focus();
}

async function enter(get: () => Promise<Session>): Promise<void> {
  try {
    await get();
  } catch (err) {
    // Keystone says only "requires authentication" for a wrong password: say which inputs to check.
    if (err instanceof ApiError && err.status === 401) throw new Error(`Log in failed: the domain, user name or password is wrong (${err.message})`);
    throw err;
  }
  await showShell();
}

async function showShell(): Promise<void> {
  const s = current()!;
  const mine = await projects().catch(() => (s.project ? [s.project] : []));
  const switcher = h('select', { id: 'project', 'aria-label': 'Project' }, mine.map((p) => h('option', { value: p.id, selected: p.id === s.project?.id }, p.name)));
  if (!s.project) switcher.prepend(h('option', { value: '', selected: true }, '(no project)'));
  switcher.addEventListener('change', () => void switchProject(switcher.value).then(showShell, (err: Error) => notify(err.message, 'error')));
  const visible = PANELS.filter((p) => p.visible());
  const nav = h('nav', { 'aria-label': 'Panels' }, h('ul', {}, visible.map((p) => h('li', {}, h('a', { href: `#${p.id}`, 'data-panel': p.id }, p.title)))));
  const content = h('main', { id: 'content', tabindex: -1 });
  fill(app,
    h('header', {}, h('a', { class: 'brand', href: '#overview' }, 'Pier'), h('span', { class: 'live', title: 'Live updates' }),
      h('label', { class: 'project' }, 'Project ', switcher),
      h('span', { class: 'user' }, `${s.user.name} (${s.user.domain})`),
      h('button', { id: 'logout', onclick: () => void logout().then(() => showLogin('You have logged out.')) }, 'Log out')),
    h('div', { class: 'body' }, nav, content));
  live.start();
  route();
}

function route(): void {
  if (!current()) return;
  const content = document.getElementById('content');
  if (!content) return;
  const visible = PANELS.filter((p) => p.visible());
  const panel = visible.find((p) => p.id === location.hash.slice(1)) ?? visible[0]!;
  closePanel?.();
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', a.getAttribute('data-panel') === panel.id);
  fill(content);
  closePanel = panel.render(content);
  document.title = `${panel.title} · Pier`;
}

window.addEventListener('hashchange', route);
whenExpired((why) => showLogin(why));
live.whenStreamEnds((why) => { if (current()) void logout().then(() => showLogin(why)); });
showLogin();

// Sluice's page: streams, feature identification and tasks, over the public HTTP routes only.
//
// Everything from the server (log lines, names, errors) reaches the page through textContent, never as markup, so a
// log line carrying HTML or script shows as text. Live views wait on the server's long polls (ETag + wait_for_change),
// not on timers; when the node cannot be reached the page says so and retries by itself.

// Under /s/{space}/app/sluice the routes are the space's.
const BASE = location.pathname.replace(/\/app\/sluice\/?.*$/, '');
const WAIT = 'wait_for_change=30s';

// A message as a sentence: a full stop unless it ends with its own punctuation.
const sentence = (text) => (/[.?!]$/.test(text) ? text : `${text}.`);
const main = document.getElementById('main');
const connection = document.getElementById('connection');

let me = null;          // who is logged in, and what they may do
let view = null;        // the current view's AbortController: navigating away stops its long polls

// ---- DOM, without markup from data -----------------------------------------------------------------------------

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function show(...content) {
  main.replaceChildren(...content);
}

function json(value) {
  return JSON.stringify(value, null, 2);
}

function age(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

function statusBadge(status) {
  return h('span', { class: `status ${status}`, 'data-status': status }, status.replace('_', ' '));
}

// ---- HTTP ---------------------------------------------------------------------------------------------------------

class Unreachable extends Error {}
class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function online() {
  if (!connection.hidden) {
    connection.hidden = true;
    connection.textContent = '';
  }
}

function offline() {
  connection.textContent = 'The Sluice node cannot be reached. Retrying…';
  connection.hidden = false;
}

// Every non-GET request carries kbn-xsrf, as Kibana's API requires of every client.
async function request(method, path, { body, etag, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['kbn-xsrf'] = 'sluice';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-None-Match'] = etag;
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (signal && signal.aborted) throw error;
    offline();
    throw new Unreachable('cannot reach the node');
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    offline();
    throw new Unreachable(`the node answers ${response.status}`);
  }
  online();
  if (response.status === 401 && !path.startsWith('/internal/security/')) {
    me = null;
    renderLogin('Your session has ended: log in again.');
    throw new HttpError(401, 'not logged in');
  }
  return response;
}

async function api(method, path, options = {}) {
  const response = await request(method, path, options);
  const text = await response.text();
  const value = text ? JSON.parse(text) : {};
  if (!response.ok) throw new HttpError(response.status, value.message || `HTTP ${response.status}`);
  return value;
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

// Follows a resource with the server's long poll: calls onValue with every new version, until the view goes away.
// While the node is unreachable it retries, more slowly each time, and picks up where it was when the node is back.
async function follow(path, onValue, signal) {
  let etag = null;
  let backoff = 500;
  while (!signal.aborted) {
    try {
      const separator = path.includes('?') ? '&' : '?';
      const response = await request('GET', etag ? `${path}${separator}${WAIT}` : path, { etag, signal });
      backoff = 500;
      if (response.status === 304) continue;
      const value = await response.json();
      if (!response.ok) throw new HttpError(response.status, value.message || `HTTP ${response.status}`);
      etag = response.headers.get('ETag');
      onValue(value);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof HttpError && error.status === 401) return;
      // A node starting or stopping answers for a moment without its routes: say so, and try again.
      if (error instanceof HttpError) {
        connection.textContent = `The node answered ${error.status}: ${error.message}. Retrying…`;
        connection.hidden = false;
      }
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, 5000);
      etag = null;
    }
  }
}

// ---- who may do what ----------------------------------------------------------------------------------------------

function glob(pattern, name) {
  const expression = '^' + pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$';
  return new RegExp(expression).test(name);
}

function mayManage(stream) {
  if (!me) return false;
  if (me.admin) return true;
  return stream ? me.manage.some((pattern) => glob(pattern, stream)) : false;
}

function explainReadOnly(stream) {
  return h('p', { class: 'muted', 'data-testid': 'read-only' },
    `You may read ${stream ? 'this stream' : 'this task'} but not change it: that needs the manage privilege` +
    (stream ? ` on ${stream}.` : '.'));
}

// ---- login --------------------------------------------------------------------------------------------------------

function renderLogin(message) {
  stopView();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const error = h('p', { class: 'error', id: 'login-error', role: 'alert' }, message || '');
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Log in to Sluice'),
    h('label', { for: 'username' }, 'User'), user,
    h('label', { for: 'password' }, 'Password'), password,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'login' }, 'Log in')),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      me = await api('POST', '/internal/security/login', { body: { username: user.value, password: password.value } });
      loggedIn();
      if (!location.hash || location.hash === '#/login') location.hash = '#/streams';
      else route();
    } catch (e) {
      error.textContent = e instanceof HttpError && e.status === 401 ? 'Wrong user name or password.' : e.message;
    }
  });
  show(form);
  user.focus();
}

function loggedIn() {
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = `${me.user}${me.admin ? ' (admin)' : ''}`;
}

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/internal/security/logout'); } catch (e) { /* the session is gone either way */ }
  me = null;
  location.hash = '#/login';
  renderLogin('You have logged out.');
});

// ---- streams ------------------------------------------------------------------------------------------------------

async function renderStreams(signal) {
  show(h('h1', {}, 'Streams'), h('p', { class: 'muted' }, 'Loading…'));
  const { streams } = await api('GET', '/internal/streams', { signal });
  const rows = streams.map((stream) => h('tr', {},
    h('td', {}, h('a', { href: `#/streams/${encodeURIComponent(stream.name)}`, 'data-stream': stream.name }, stream.name)),
    h('td', { class: 'num' }, stream.documents.toLocaleString())));
  show(h('h1', {}, 'Streams'),
    streams.length === 0 ? h('p', { class: 'muted' }, 'No stream you may read yet. Ingest logs with streams:ingest or POST /internal/streams/{name}/_ingest.')
      : h('div', { class: 'table-wrap' }, h('table', { id: 'streams' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Stream'), h('th', { scope: 'col', class: 'num' }, 'Documents'))),
        h('tbody', {}, rows))));
}

async function renderStream(name, signal) {
  const path = `/internal/streams/${encodeURIComponent(name)}`;
  const stream = await api('GET', path, { signal });
  const kept = h('div', { id: 'kept' });
  const control = h('section', { class: 'card', id: 'identification', 'aria-labelledby': 'identification-title' });
  show(
    h('p', {}, h('a', { href: '#/streams' }, '← Streams')),
    h('h1', {}, stream.name),
    h('p', { class: 'muted' }, `${stream.documents.toLocaleString()} documents` +
      (stream.from ? `, from ${stream.from} to ${stream.to}` : '')),
    control,
    h('h2', {}, 'Kept features'), kept);
  const refreshKept = async () => {
    const { features } = await api('GET', `${path}/features`, { signal });
    kept.replaceChildren(features.length === 0 ? h('p', { class: 'muted', 'data-testid': 'no-kept' }, 'No feature kept yet.')
      : h('div', { class: 'table-wrap' }, h('table', { id: 'kept-features' },
        h('thead', {}, h('tr', {}, ...['Name', 'Confidence', 'Kept by', 'Last seen', 'Filter'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, features.map((f) => h('tr', { 'data-feature': f.name },
          h('td', {}, f.name), h('td', { class: 'num' }, f.confidence), h('td', {}, f.kept_by),
          h('td', {}, f.last_seen ? `${age(f.last_seen)} ago` : ''), h('td', {}, h('pre', {}, JSON.stringify(f.filter)))))))));
  };
  await refreshKept();
  follow(`${path}/features/_status`, (status, error) => {
    if (error) {
      control.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
      return;
    }
    renderControl(control, stream, status, refreshKept, signal);
  }, signal);
}

// Kibana's FeatureIdentificationControl, one rendering per status.
function renderControl(control, stream, status, refreshKept, signal) {
  const path = `/internal/streams/${encodeURIComponent(stream.name)}/features/_identify`;
  const manage = mayManage(stream.name);
  const sampleSize = h('input', { type: 'number', id: 'sample-size', min: 1, max: 10000, placeholder: '1000', inputmode: 'numeric' });
  const act = async (flag, button) => {
    if (button) button.disabled = true;
    try {
      const from = stream.from ? Date.parse(stream.from) : 0;
      const to = stream.to ? Date.parse(stream.to) : Date.now();
      const size = sampleSize.value ? `&sample_size=${encodeURIComponent(sampleSize.value)}` : '';
      const query = flag === 'schedule' ? `?schedule=true&from=${from}&to=${to}${size}` : `?${flag}=true`;
      // Show the answer at once; the long poll brings what follows.
      renderControl(control, stream, await api('POST', path + query), refreshKept, signal);
    } catch (e) {
      control.append(h('p', { class: 'error', role: 'alert' }, e.message));
      if (button) button.disabled = false;
    }
  };
  const identify = (label) => manage
    ? h('div', {},
      h('details', { class: 'options' }, h('summary', {}, 'Options'),
        h('label', { for: 'sample-size' }, 'Documents to sample (1 to 10,000)'), sampleSize),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'identify', onclick: (e) => act('schedule', e.target) }, label)))
    : explainReadOnly(stream.name);
  const title = h('h2', { id: 'identification-title' }, 'Feature identification ', statusBadge(status.status));
  control.dataset.status = status.status;
  // Every status the control has shown, in order (for people reading the DOM, and for the browser tests).
  const seen = control.dataset.seen ? control.dataset.seen.split(' ') : [];
  if (seen[seen.length - 1] !== status.status) control.dataset.seen = [...seen, status.status].join(' ');
  switch (status.status) {
    case 'not_started':
    case 'acknowledged':
      control.replaceChildren(title,
        h('p', {}, 'Find the systems that write this stream\'s logs: each becomes a feature with a filter you can keep.'),
        identify('Identify features'));
      break;
    case 'in_progress': {
      const progress = status.progress ? Object.entries(status.progress).map(([k, v]) => `${k}: ${v}`).join(', ') : 'waiting for a node to start it';
      control.replaceChildren(title,
        h('p', { 'data-testid': 'progress' }, h('span', { class: 'spinner', role: 'img', 'aria-label': 'working' }), progress),
        manage ? h('button', { type: 'button', class: 'danger', id: 'cancel', onclick: (e) => act('cancel', e.target) }, 'Cancel') : null);
      break;
    }
    case 'being_canceled':
      control.replaceChildren(title, h('p', { 'data-testid': 'canceling' },
        h('span', { class: 'spinner', role: 'img', 'aria-label': 'working' }), 'Canceling…'));
      break;
    case 'completed':
      control.replaceChildren(title, review(stream, status, manage, refreshKept, act));
      break;
    case 'failed':
      control.replaceChildren(title,
        h('p', { class: 'error', 'data-testid': 'error' }, status.error ? `${status.error.code}: ${status.error.message}` : 'The task failed.'),
        identify('Try again'));
      break;
    case 'stale':
      control.replaceChildren(title,
        h('p', { class: 'error', 'data-testid': 'stale' }, sentence(`The task looks stuck: ${status.stale_reason || 'no sign of life from its node'}`)),
        identify('Start again'));
      break;
    case 'canceled':
      control.replaceChildren(title, h('p', {}, 'Identification was canceled.'), identify('Start again'));
      break;
    default:
      control.replaceChildren(title, h('p', {}, `Status ${status.status}.`));
  }
}

// The review of a completed identification: each feature kept or discarded, then the task acknowledged.
function review(stream, status, manage, refreshKept, act) {
  const features = status.features || [];
  const boxes = [];
  const list = h('div', { id: 'review' }, features.map((feature, index) => {
    const box = h('input', { type: 'checkbox', id: `keep-${index}`, 'data-name': feature.name, disabled: !manage });
    boxes.push([box, feature]);
    const evidence = feature.evidence || {};
    const samples = evidence.sample_lines || [];
    return h('article', { class: 'feature', 'data-feature': feature.name },
      h('div', { class: 'head' },
        h('label', { for: `keep-${index}` }, box, h('strong', {}, feature.name)),
        h('span', { class: 'muted' }, feature.level === 'component' ? `component of ${feature.parent}` : 'source'),
        h('span', { class: 'muted' }, `${feature.count.toLocaleString()} documents`),
        h('span', { class: 'muted' }, `confidence ${feature.confidence}`)),
      h('p', {}, feature.description),
      h('div', {}, 'Filter', h('pre', { class: 'filter' }, JSON.stringify(feature.filter))),
      h('details', {}, h('summary', {}, 'Query'), h('pre', {}, json(feature.query))),
      samples.length ? h('details', { open: true }, h('summary', {}, 'Sample lines'),
        samples.map((line) => h('pre', { class: 'sample' }, line))) : null);
  }));
  const summary = h('p', {}, `${features.length} features from a sample of ${status.sample_size} documents; `
    + `${(100 * (status.unmatched_ratio || 0)).toFixed(2)}% of the documents match no filter.`);
  if (!manage) return h('div', {}, summary, explainReadOnly(stream.name), list);
  const finish = async (keep, button) => {
    button.disabled = true;
    const chosen = boxes.filter(([box]) => keep && box.checked).map(([, feature]) => feature);
    try {
      if (chosen.length) await api('POST', `/internal/streams/${encodeURIComponent(stream.name)}/features`, { body: { features: chosen } });
      await act('acknowledge');
      await refreshKept();
    } catch (e) {
      button.disabled = false;
      list.after(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  return h('div', {}, summary, list, h('div', { class: 'actions' },
    h('button', { type: 'button', id: 'keep-selected', onclick: (e) => finish(true, e.target) }, 'Keep selected and finish'),
    h('button', { type: 'button', class: 'secondary', id: 'discard-all', onclick: (e) => finish(false, e.target) }, 'Discard all and finish')));
}

// ---- tasks --------------------------------------------------------------------------------------------------------

const STATUSES = ['', 'in_progress', 'being_canceled', 'completed', 'failed', 'canceled', 'acknowledged'];

async function renderTasks(signal, query) {
  const params = new URLSearchParams(query);
  const status = h('select', { id: 'filter-status' }, STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, s || 'any')));
  const type = h('input', { id: 'filter-type', value: params.get('type') || '', placeholder: 'any' });
  const stream = h('input', { id: 'filter-stream', value: params.get('stream') || '', placeholder: 'any' });
  const apply = (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (status.value) next.set('status', status.value);
    if (type.value.trim()) next.set('type', type.value.trim());
    if (stream.value.trim()) next.set('stream', stream.value.trim());
    location.hash = `#/tasks${next.toString() ? '?' + next : ''}`;
  };
  const body = h('tbody', {});
  const count = h('p', { class: 'muted', id: 'task-count' });
  show(h('h1', {}, 'Tasks'),
    h('form', { class: 'filters', onsubmit: apply, 'aria-label': 'Filters' },
      h('div', {}, h('label', { for: 'filter-status' }, 'Status'), status),
      h('div', {}, h('label', { for: 'filter-type' }, 'Type'), type),
      h('div', {}, h('label', { for: 'filter-stream' }, 'Stream'), stream),
      h('div', {}, h('button', { type: 'submit' }, 'Filter'))),
    h('div', { class: 'table-wrap' }, h('table', { id: 'tasks' },
      h('thead', {}, h('tr', {}, ...['Task', 'Status', 'Type', 'Stream', 'Owner', 'Node', 'Attempt', 'Progress', 'Updated']
        .map((t) => h('th', { scope: 'col' }, t)))), body)), count);
  const search = new URLSearchParams();
  for (const key of ['status', 'type', 'stream']) if (params.get(key)) search.set(key, params.get(key));
  search.set('size', '100');
  follow(`/api/tasks?${search}`, (page, error) => {
    if (error) { count.textContent = error.message; return; }
    body.replaceChildren(...page.tasks.map((task) => h('tr', { 'data-task': task.id },
      h('td', {}, h('a', { href: `#/tasks/${encodeURIComponent(task.id)}` }, task.id)),
      h('td', {}, statusBadge(task.status)), h('td', {}, task.type || ''), h('td', {}, task.stream || ''),
      h('td', {}, task.owner || ''), h('td', {}, task.node || ''), h('td', { class: 'num' }, task.attempt),
      h('td', {}, task.progress ? JSON.stringify(task.progress) : ''), h('td', {}, `${age(task.updated_at)} ago`))));
    count.textContent = `${page.tasks.length} of ${page.total} tasks`;
  }, signal);
}

async function renderTask(id, signal) {
  const path = `/api/tasks/${encodeURIComponent(id)}`;
  const detail = h('div', { id: 'task-detail' });
  const history = h('div', { id: 'task-history' });
  show(h('p', {}, h('a', { href: '#/tasks' }, '← Tasks')), h('h1', {}, id), detail, h('h2', {}, 'Attempts'), history);
  const act = async (action, button) => {
    button.disabled = true;
    try { await api('POST', `${path}/_${action}`); } catch (e) { detail.append(h('p', { class: 'error', role: 'alert' }, e.message)); button.disabled = false; }
  };
  follow(path, async (task, error) => {
    if (error) { detail.replaceChildren(h('p', { class: 'error' }, error.message)); return; }
    const manage = task.stream ? mayManage(task.stream) : (me && me.admin);
    const rows = [['Status', statusBadge(task.status)], ['Type', task.type], ['Stream', task.stream], ['Owner', task.owner],
      ['Node', task.node], ['Attempt', task.attempt], ['Created', task.created_at], ['Updated', task.updated_at],
      ['Heartbeat', task.heartbeat_at], ['Stale because', task.stale_reason]]
      .filter(([, value]) => value !== null && value !== undefined && value !== '');
    const { id: ignored, type, status, stored_status: stored, stream, space, owner, node, created_at: c, updated_at: u,
      heartbeat_at: hb, attempt, error: failure, progress, version, stale_reason: stale, ...payload } = task;
    detail.replaceChildren(
      h('table', { class: 'card' }, h('tbody', {}, rows.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, value))))),
      progress ? h('div', {}, h('h2', {}, 'Progress'), h('pre', {}, json(progress))) : null,
      failure ? h('div', {}, h('h2', {}, 'Error'), h('pre', { class: 'error' }, json(failure))) : null,
      Object.keys(payload).length ? h('div', {}, h('h2', {}, 'Result'), h('pre', { id: 'payload' }, json(payload))) : null,
      manage ? h('div', { class: 'actions' },
        task.status === 'in_progress' ? h('button', { type: 'button', class: 'danger', id: 'task-cancel', onclick: (e) => act('cancel', e.target) }, 'Cancel') : null,
        task.status === 'completed' ? h('button', { type: 'button', id: 'task-acknowledge', onclick: (e) => act('acknowledge', e.target) }, 'Acknowledge') : null)
        : explainReadOnly(task.stream));
    try {
      const log = await api('GET', `${path}/_history`, { signal });
      history.replaceChildren(log.attempts.length === 0 ? h('p', { class: 'muted' }, 'No attempt yet.')
        : h('table', {}, h('thead', {}, h('tr', {}, ...['#', 'Node', 'Started', 'Ended', 'Outcome', 'Error'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, log.attempts.map((a) => h('tr', {}, h('td', {}, a.attempt), h('td', {}, a.node || ''),
            h('td', {}, a.started_at || ''), h('td', {}, a.ended_at || ''), h('td', {}, a.outcome || 'running'),
            h('td', {}, a.error ? a.error.message : ''))))));
    } catch (e) {
      if (!signal.aborted) history.replaceChildren(h('p', { class: 'muted' }, e.message));
    }
  }, signal);
}

// ---- routing ------------------------------------------------------------------------------------------------------

function stopView() {
  if (view) view.abort();
  view = new AbortController();
  return view.signal;
}

async function route() {
  if (!me) return;
  const signal = stopView();
  const hash = location.hash.replace(/^#/, '') || '/streams';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${parts[0]}`);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  try {
    if (parts[0] === 'streams' && parts[1]) await renderStream(parts[1], signal);
    else if (parts[0] === 'tasks' && parts[1]) await renderTask(parts[1], signal);
    else if (parts[0] === 'tasks') await renderTasks(signal, query || '');
    else await renderStreams(signal);
    main.focus({ preventScroll: true });
  } catch (error) {
    if (signal.aborted || (error instanceof HttpError && error.status === 401)) return;
    if (error instanceof Unreachable) {
      // Try again once the node answers.
      await sleep(2000, signal);
      if (!signal.aborted) route();
      return;
    }
    show(h('p', { class: 'error', role: 'alert' }, error.message), h('p', {}, h('a', { href: '#/streams' }, 'Back to the streams')));
  }
}

window.addEventListener('hashchange', route);

async function start() {
  for (;;) {
    try {
      const response = await request('GET', '/internal/security/me');
      if (response.status === 401) { renderLogin(); return; }
      me = await response.json();
      loggedIn();
      route();
      return;
    } catch (error) {
      await sleep(2000);
    }
  }
}

start();

// The operator console: products and sales created, a running sale watched live (stock, orders by
// status, admitted and refused requests per second by reason, breakers), flow rules edited, dead
// letters replayed, the stock book reconciled. Everything goes through the admin API, which checks
// the admin role on every call: this page holds no power of its own.
import { ApiError, call, el, tokens } from './api.js';

const $ = (id) => document.getElementById(id);
const admin = () => tokens.get('admin');
let previous = null; // the flow counters of the last poll, for per-second rates
let timer = 0;

function say(text, kind = 'info') {
  const box = $('message');
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

function fail(e) {
  if (!(e instanceof ApiError)) throw e;
  if (e.code === 'UNAUTHENTICATED') {
    tokens.set('admin', '');
    show();
  }
  const wait = e.retryAfter ? ` (try again in ${e.retryAfter} s)` : '';
  say(e.code === 'FORBIDDEN' ? 'This account is not an operator: sign in with the admin account.'
    : `${e.message} (${e.code})${wait}`, 'error');
}

function show() {
  const signedIn = Boolean(admin());
  $('sign-in').hidden = signedIn;
  $('console').hidden = !signedIn;
  $('account').replaceChildren(signedIn
    ? el('button', { class: 'secondary', onclick: signOut }, 'Sign out') : '');
  clearInterval(timer);
  if (signedIn) {
    loadActivities().then(poll);
    loadRules();
    loadDeadLetters();
    timer = setInterval(poll, 1000);
  }
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  try {
    const session = await call('POST', '/api/v1/sessions', {
      body: { username: form.username.value, password: form.password.value },
    });
    // The role is the API's to check: one admin call tells.
    await call('GET', '/admin/v1/flow/metrics', { token: session.token });
    tokens.set('admin', session.token);
    form.reset();
    say('Signed in.', 'ok');
    show();
  } catch (e) {
    fail(e);
  }
}

async function signOut() {
  try {
    await call('POST', '/api/v1/sessions/current:revoke', { token: admin() });
  } catch (e) { /* dropped here either way */ }
  tokens.set('admin', '');
  show();
}

async function loadActivities(select) {
  const answer = await call('GET', '/api/v1/activities').catch((e) => fail(e));
  if (!answer) return;
  const picker = $('activity');
  const keep = select || picker.value;
  picker.replaceChildren(...(answer.activities || []).map((a) =>
    el('option', { value: a.activity_id }, `#${a.activity_id} ${a.title} (${a.status})`)));
  if (keep && [...picker.options].some((o) => o.value === keep)) picker.value = keep;
}

function figure(name, value) {
  return el('div', { dataset: { figure: name } }, el('dt', {}, name), el('dd', {}, String(value)));
}

async function poll() {
  const id = $('activity').value;
  try {
    const [stats, flow] = await Promise.all([
      id ? call('GET', `/admin/v1/activities/${encodeURIComponent(id)}/stats`, { token: admin() }) : null,
      call('GET', '/admin/v1/flow/metrics', { token: admin() }),
    ]);
    if (stats) {
      const orders = stats.orders || {};
      $('figures').replaceChildren(
        figure('stock', stats.stock), figure('remaining', stats.remaining),
        figure('reserved', stats.reserved),
        figure('queued (not yet in the database)', orders.QUEUED || 0),
        figure('created', orders.CREATED || 0), figure('paid', orders.PAID || 0),
        figure('cancelled', orders.CANCELLED || 0), figure('failed', orders.FAILED || 0));
    }
    renderFlow(flow);
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    fail(e);
  }
}

function renderFlow(flow) {
  const now = performance.now();
  const rows = [];
  for (const r of flow.resources || []) {
    const blocked = r.blocked || {};
    const before = previous && previous.counts.get(r.resource);
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    const rate = (value, old) => (before && seconds > 0 ? Math.max(0, (value - old) / seconds) : 0);
    const reasons = Object.keys(blocked)
      .map((k) => [k, rate(blocked[k], before ? before.blocked[k] || 0 : 0)])
      .filter(([, v]) => v > 0);
    const refused = reasons.reduce((sum, [, v]) => sum + v, 0);
    const admitted = before ? rate(r.passed, before.passed) : 0;
    if (admitted > 0 || refused > 0 || /orders$/.test(r.resource)) {
      rows.push(el('tr', { dataset: { resource: r.resource } },
        el('td', {}, r.resource), el('td', {}, admitted.toFixed(1)), el('td', {}, refused.toFixed(1)),
        el('td', {}, reasons.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ') || '-')));
    }
  }
  $('rates').tBodies[0].replaceChildren(...rows);
  $('breakers').replaceChildren(...(flow.breakers || []).map((b) => el('li', { class: 'row' },
    el('span', { class: 'what' }, `${b.resource} (${b.id})`),
    el('span', { class: `status ${String(b.state).toLowerCase()}` }, b.state))));
  if (!(flow.breakers || []).length) $('breakers').append(el('li', { class: 'hint' }, 'No breaker rules.'));
  previous = {
    at: now,
    counts: new Map((flow.resources || []).map((r) => [r.resource, { passed: r.passed, blocked: { ...(r.blocked || {}) } }])),
  };
}

function formObject(form, numbers) {
  const body = {};
  for (const [k, v] of new FormData(form).entries()) {
    if (v === '') continue;
    body[k] = numbers.includes(k) ? Number(v) : v;
  }
  return body;
}

async function createProduct(event) {
  event.preventDefault();
  try {
    const made = await call('POST', '/admin/v1/products', {
      body: formObject(event.target, ['price_cents']), token: admin(),
    });
    say(`Product ${made.product_id} created.`, 'ok');
    $('new-activity').product_id.value = made.product_id;
    event.target.reset();
  } catch (e) {
    fail(e);
  }
}

async function createActivity(event) {
  event.preventDefault();
  const body = formObject(event.target, ['price_cents', 'stock', 'limit_per_user']);
  body.start_at = new Date(body.start_at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  body.end_at = new Date(body.end_at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    const made = await call('POST', '/admin/v1/activities', { body, token: admin() });
    say(`Sale ${made.activity_id} created.`, 'ok');
    await loadActivities(made.activity_id);
    poll();
  } catch (e) {
    fail(e);
  }
}

async function reconcile(repair) {
  const id = $('activity').value;
  if (!id) return say('Pick a sale first.', 'warn');
  try {
    const report = await call('POST', `/admin/v1/activities/${encodeURIComponent(id)}/reconcile`, {
      body: { repair }, token: admin(),
    });
    const box = $('report');
    box.hidden = false;
    box.textContent = JSON.stringify(report, null, 2);
    say(report.drift === 0 ? 'The stock book balances.' : `Drift of ${report.drift} unit(s)${report.repaired ? ': repaired' : ''}.`,
      report.drift === 0 || report.repaired ? 'ok' : 'warn');
  } catch (e) {
    fail(e);
  }
}

async function loadDeadLetters() {
  try {
    const answer = await call('GET', '/admin/v1/dead-letters', { token: admin() });
    const letters = answer.dead_letters || [];
    $('dead-letters').tBodies[0].replaceChildren(...letters.map((d) => el('tr', {},
      el('td', {}, d.id), el('td', {}, d.order_id || '-'), el('td', {}, d.reason),
      el('td', {}, d.received_at),
      el('td', {}, d.replayed ? 'replayed' : el('button', { class: 'secondary', onclick: () => replay(d) }, 'Replay')))));
    if (!letters.length) {
      $('dead-letters').tBodies[0].append(el('tr', {}, el('td', { colspan: 5, class: 'hint' }, 'No dead letters.')));
    }
  } catch (e) {
    fail(e);
  }
}

async function replay(letter) {
  try {
    const done = await call('POST', `/admin/v1/dead-letters/${encodeURIComponent(letter.id)}/replay`, { token: admin() });
    say(`Dead letter ${letter.id}: ${done.outcome}.`, 'ok');
    loadDeadLetters();
  } catch (e) {
    fail(e);
  }
}

async function loadRules() {
  try {
    const rules = await call('GET', '/admin/v1/flow/rules', { token: admin() });
    $('rules-text').value = JSON.stringify(rules, null, 2);
  } catch (e) {
    fail(e);
  }
}

async function saveRules(event) {
  event.preventDefault();
  let body;
  try {
    body = JSON.parse($('rules-text').value);
  } catch (e) {
    return say(`The rules are not valid JSON: ${e.message}`, 'error');
  }
  try {
    await call('PUT', '/admin/v1/flow/rules', { body, token: admin() });
    say('Flow rules saved.', 'ok');
    loadRules();
  } catch (e) {
    fail(e);
  }
}

function defaultTimes() {
  const form = $('new-activity');
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
  const start = new Date(Date.now() + 60000);
  form.start_at.value = local(start);
  form.end_at.value = local(new Date(start.getTime() + 3600000));
}

$('credentials').addEventListener('submit', signIn);
$('new-product').addEventListener('submit', createProduct);
$('new-activity').addEventListener('submit', createActivity);
$('activity').addEventListener('change', () => { previous = null; poll(); });
$('reconcile').addEventListener('click', () => reconcile(false));
$('repair').addEventListener('click', () => reconcile(true));
$('load-dead-letters').addEventListener('click', loadDeadLetters);
$('rules').addEventListener('submit', saveRules);
$('reload-rules').addEventListener('click', loadRules);
defaultTimes();
show();
document.body.dataset.ready = 'true';

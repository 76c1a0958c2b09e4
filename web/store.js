// The storefront: sign up and in, the sales with their countdowns (by the server's clock), the buy
// button, an order followed from QUEUED to CREATED, pay and cancel.
import { ApiError, call, countdown, el, money, serverClock, tokens } from './api.js';
import { explain } from './messages.js';

const $ = (id) => document.getElementById(id);
const state = { activities: [], orders: new Map(), buying: new Set(), retryAt: new Map(), showPast: false };

function say(text, kind = 'info') {
  const box = $('message');
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

function signedIn() {
  return Boolean(tokens.get('buyer'));
}

function renderAccount() {
  const account = $('account');
  account.replaceChildren();
  $('sign-in').hidden = signedIn();
  $('my-orders').hidden = !signedIn();
  if (!signedIn()) return;
  account.append(
    el('span', { class: 'who' }, 'Signed in as ', el('strong', {}, sessionStorage.getItem('seckill.buyer.name') || '')),
    el('button', { class: 'secondary', id: 'logout', onclick: logout }, 'Log out'));
}

async function logout() {
  try {
    await call('POST', '/api/v1/sessions/current:revoke', { token: tokens.get('buyer') });
  } catch (e) { /* the token is dropped here either way */ }
  tokens.set('buyer', '');
  state.orders.clear();
  renderAccount();
  renderActivities();
  say('Logged out.');
}

async function submitCredentials(event) {
  event.preventDefault();
  const form = event.target;
  const action = event.submitter ? event.submitter.value : 'login';
  const body = { username: form.username.value, password: form.password.value };
  try {
    if (action === 'signup') await call('POST', '/api/v1/users', { body });
    const session = await call('POST', '/api/v1/sessions', { body });
    tokens.set('buyer', session.token);
    sessionStorage.setItem('seckill.buyer.name', body.username);
    form.reset();
    say(action === 'signup' ? 'Welcome: your account is ready.' : 'Welcome back.', 'ok');
    renderAccount();
    renderActivities();
    await loadOrders();
  } catch (e) {
    say(e instanceof ApiError ? explain(e) : String(e), 'error');
  }
}

// A sale's phase by the server's clock.
function phase(activity, now) {
  if (activity.status === 'SOLD_OUT' || activity.remaining === 0) return 'sold-out';
  if (now < Date.parse(activity.start_at)) return 'upcoming';
  if (now >= Date.parse(activity.end_at)) return 'ended';
  return 'active';
}

// Each sale's card is made once and then updated in place (four times a second, for the
// countdown): a button under the buyer's pointer is never swapped for another.
const cards = new Map();

function card(a) {
  let c = cards.get(a.activity_id);
  if (c) return c;
  c = {
    title: el('h3', { class: 'title' }),
    price: el('p', { class: 'price' }),
    stock: el('p', { class: 'stock' }),
    when: el('p', { class: 'countdown' }),
    button: el('button', { class: 'buy', dataset: { activity: a.activity_id } }),
    hint: el('p', { class: 'hint' }, 'Log in to buy.'),
  };
  c.button.addEventListener('click', () => buy(c.activity));
  c.node = el('li', { class: 'card', dataset: { activity: a.activity_id } },
    c.title, c.price, c.stock, c.when, c.button, c.hint);
  cards.set(a.activity_id, c);
  return c;
}

// Running sales first, then the coming ones by start, then the past ones (sold out, ended),
// newest first and only the latest few unless the buyer asks for all.
const PAST_SHOWN = 8;
const RANK = { active: 0, upcoming: 1, 'sold-out': 2, ended: 3 };

function ordered(now) {
  const sorted = state.activities.map((a) => ({ a, p: phase(a, now) })).sort((x, y) => {
    if (RANK[x.p] !== RANK[y.p]) return RANK[x.p] - RANK[y.p];
    const start = Date.parse(x.a.start_at) - Date.parse(y.a.start_at);
    return x.p === 'upcoming' || x.p === 'active' ? start : -start;
  });
  const past = sorted.filter((x) => RANK[x.p] >= 2).length;
  const toggle = $('past');
  toggle.hidden = past <= PAST_SHOWN;
  toggle.textContent = state.showPast ? 'Hide past sales' : `Show all ${past} past sales`;
  return state.showPast ? sorted : sorted.filter((x, i) => RANK[x.p] < 2 || i < sorted.length - past + PAST_SHOWN);
}

function renderActivities() {
  const now = serverClock.now();
  const nodes = ordered(now).map(({ a }) => {
    const c = card(a);
    c.activity = a;
    const p = phase(a, now);
    const waiting = (state.retryAt.get(a.activity_id) || 0) > Date.now();
    c.node.className = `card ${p}`;
    c.title.textContent = a.title;
    c.price.textContent = `¥${money(a.price_cents)}`;
    c.stock.textContent = `${a.remaining} of ${a.stock} left · at most ${a.limit_per_user} each`;
    c.when.textContent = p === 'upcoming' ? `Starts in ${countdown(Date.parse(a.start_at) - now)}`
      : p === 'active' ? `Ends in ${countdown(Date.parse(a.end_at) - now)}`
        : p === 'ended' ? 'This sale has ended' : 'Every unit is sold';
    c.button.textContent = p === 'sold-out' ? 'Sold out' : p === 'ended' ? 'Ended'
      : p === 'upcoming' ? 'Not started' : 'Buy now';
    c.button.disabled = p !== 'active' || !signedIn() || state.buying.has(a.activity_id) || waiting;
    c.hint.hidden = p !== 'active' || signedIn();
    return c.node;
  });
  const list = $('activities');
  nodes.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
  });
  while (list.children.length > nodes.length) list.lastElementChild.remove();
  $('clock').textContent = `Server time ${new Date(now).toISOString().slice(11, 19)} UTC`;
}

async function loadActivities() {
  try {
    const answer = await call('GET', '/api/v1/activities');
    state.activities = answer.activities || [];
    renderActivities();
  } catch (e) {
    say(e instanceof ApiError ? explain(e) : String(e), 'error');
  }
}

function newIdempotencyKey() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function buy(activity) {
  state.buying.add(activity.activity_id);
  renderActivities();
  try {
    const placed = await call('POST', `/api/v1/activities/${encodeURIComponent(activity.activity_id)}/orders`, {
      body: { quantity: 1 }, token: tokens.get('buyer'),
      headers: { 'Idempotency-Key': newIdempotencyKey() },
    });
    say(`Order ${placed.order_id} accepted: it is queued and being recorded…`, 'ok');
    state.orders.set(placed.order_id, { order_id: placed.order_id, activity_id: activity.activity_id, status: placed.status });
    renderOrders();
    await follow(placed.order_id);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    say(explain(e), e.status === 409 ? 'warn' : 'error');
    if (e.code === 'SOLD_OUT') {
      activity.remaining = 0;
      activity.status = 'SOLD_OUT';
    }
    if (e.code === 'UNAUTHENTICATED') { tokens.set('buyer', ''); renderAccount(); }
    if (e.retryAfter) {
      state.retryAt.set(activity.activity_id, Date.now() + e.retryAfter * 1000);
      setTimeout(renderActivities, e.retryAfter * 1000 + 50);
    }
  } finally {
    state.buying.delete(activity.activity_id);
    renderActivities();
    loadActivities();
  }
}

// Polls an order until it leaves QUEUED (the consumer wrote it, or gave up on it): 60 s at most.
async function follow(orderId) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const order = await call('GET', `/api/v1/orders/${encodeURIComponent(orderId)}`, { token: tokens.get('buyer') });
    state.orders.set(order.order_id, order);
    renderOrders();
    if (order.status !== 'QUEUED') {
      if (order.status === 'CREATED') say(`Order ${order.order_id} is confirmed: pay to keep it.`, 'ok');
      if (order.status === 'FAILED') {
        // FAILED has one cause (the order service's domain): the reservation was released before
        // the order could be recorded.
        say(`Order ${order.order_id} failed: its reservation ran out before it could be recorded, so its unit went back on sale. You were not charged.`, 'error');
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  say(`Order ${orderId} is still queued: it will show here once recorded.`, 'warn');
}

async function act(order, what) {
  try {
    const done = await call('POST', `/api/v1/orders/${encodeURIComponent(order.order_id)}/${what}`, { token: tokens.get('buyer') });
    say(what === 'payment' ? `Order ${order.order_id} is paid. Thank you!` : `Order ${order.order_id} is cancelled; its unit went back on sale.`, 'ok');
    state.orders.set(order.order_id, { ...order, status: done.status });
    renderOrders();
    loadActivities();
  } catch (e) {
    say(e instanceof ApiError ? explain(e) : String(e), 'error');
  }
}

function renderOrders() {
  const orders = [...state.orders.values()].sort((a, b) => (BigInt(b.order_id) > BigInt(a.order_id) ? 1 : -1));
  const title = (id) => (state.activities.find((a) => a.activity_id === id) || {}).title || `Sale ${id}`;
  $('orders').replaceChildren(...orders.map((o) => el('li', { class: 'row', dataset: { order: o.order_id, status: o.status } },
    el('span', { class: 'what' }, title(o.activity_id)),
    el('span', { class: 'id' }, `#${o.order_id}`),
    el('span', { class: `status ${String(o.status).toLowerCase()}` }, o.status),
    o.status === 'CREATED' ? el('button', { class: 'pay', onclick: () => act(o, 'payment') }, 'Pay') : null,
    o.status === 'CREATED' ? el('button', { class: 'cancel secondary', onclick: () => act(o, 'cancel') }, 'Cancel') : null)));
}

async function loadOrders() {
  if (!signedIn()) return;
  try {
    const answer = await call('GET', '/api/v1/orders', { token: tokens.get('buyer') });
    for (const o of answer.orders || []) state.orders.set(o.order_id, o);
    renderOrders();
  } catch (e) {
    if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') { tokens.set('buyer', ''); renderAccount(); }
  }
}

async function start() {
  $('credentials').addEventListener('submit', submitCredentials);
  $('past').addEventListener('click', () => {
    state.showPast = !state.showPast;
    renderActivities();
  });
  renderAccount();
  try {
    await serverClock.sync();
  } catch (e) {
    say('The server clock could not be read; countdowns use this computer\'s clock.', 'warn');
  }
  await loadActivities();
  await loadOrders();
  setInterval(renderActivities, 250);
  setInterval(loadActivities, 5000);
  setInterval(() => serverClock.sync().catch(() => {}), 60000);
  document.body.dataset.ready = 'true';
}

start();

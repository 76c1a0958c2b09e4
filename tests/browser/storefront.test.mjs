// The storefront and the operator console in a real browser: Debian's chromium, driven by
// playwright-core, against the stack of `make up` (its gateway and admin account from
// .run/stack.env, as the other e2e tests). Two buyers sign up in the page, wait for a sale's
// countdown, press "Buy now" at the same moment for its last unit: one gets it (QUEUED, then
// CREATED) and pays, the other is told SOLD_OUT; the console shows the sale. A third buyer buys
// and cancels, and the unit is on sale again. A sale titled
// <script>alert(1)</script> shows as text and runs nothing. Screenshots of every page at 375 and
// 1440 px wide go to SECKILL_SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// The stack's settings, as the C++ e2e tests read them: .run/stack.env (SECKILL_STACK_ENV).
function stackEnv() {
  const path = process.env.SECKILL_STACK_ENV || fileURLToPath(new URL('../../.run/stack.env', import.meta.url));
  const values = {};
  if (!existsSync(path)) return values;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}
const env = stackEnv();
const gateway = env.SECKILL_GATEWAY_URL;
const adminUser = env.SECKILL_ADMIN_USER;
const adminPassword = env.SECKILL_ADMIN_PASSWORD;
const shots = process.env.SECKILL_SCREENSHOT_DIR || 'browser-screenshots';
const chromiumPath = process.env.SECKILL_CHROMIUM || '/usr/bin/chromium';
const XSS = '<script>alert(1)</script>';

let browser;
let sale; // { admin token, productId, activity ids: xss, cancelled, and lastUnit with its startsAt }
const dialogs = []; // every alert/confirm/prompt any page opened: none may

async function api(method, path, { body, token } = {}) {
  const response = await fetch(gateway + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function page(context, name) {
  const p = await context.newPage();
  p.on('dialog', async (d) => {
    dialogs.push(`${name}: ${d.type()} ${d.message()}`);
    await d.dismiss();
  });
  p.on('pageerror', (e) => dialogs.push(`${name}: page error ${e.message}`));
  return p;
}

async function shoot(p, name) {
  // Nothing may be wider than the screen: at 375 px a table or card that overflows shows here.
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: the page is ${overflow} px wider than the screen`);
  await p.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

before(async () => {
  assert.ok(gateway && adminUser && adminPassword, 'the stack is not up: run make up (it writes .run/stack.env)');
  rmSync(shots, { recursive: true, force: true }); // this run's pictures only
  mkdirSync(shots, { recursive: true });
  const admin = (await api('POST', '/api/v1/sessions', { body: { username: adminUser, password: adminPassword } })).token;
  const now = Date.parse((await api('GET', '/api/v1/time')).now);
  const product = await api('POST', '/admin/v1/products', { body: { name: 'browser e2e', price_cents: 1999 }, token: admin });
  const xss = await api('POST', '/admin/v1/activities', {
    token: admin,
    body: {
      product_id: product.product_id, title: XSS, price_cents: 100, stock: 5,
      start_at: iso(now - 1000), end_at: iso(now + 3600000),
    },
  });
  const cancelled = await api('POST', '/admin/v1/activities', {
    token: admin,
    body: {
      product_id: product.product_id, title: `Bought then cancelled ${now}`, price_cents: 500, stock: 2,
      start_at: iso(now - 1000), end_at: iso(now + 3600000),
    },
  });
  sale = { admin, productId: product.product_id, xss: xss.activity_id, cancelled: cancelled.activity_id };
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
});

async function signUp(p, username) {
  await p.goto(`${gateway}/`);
  await p.waitForSelector('body[data-ready="true"]');
  await p.fill('#credentials input[name=username]', username);
  await p.fill('#credentials input[name=password]', 'browser-password-1');
  await p.click('#credentials button[value=signup]');
  await p.waitForSelector('#account .who');
  assert.equal(await p.textContent('#account .who strong'), username);
}

test('two buyers race for the last unit: one buys and pays, the other is told SOLD_OUT', async () => {
  const stamp = Date.now().toString(36);
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const desktop = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const first = await page(phone, 'buyer 1');
  const second = await page(desktop, 'buyer 2');
  await Promise.all([signUp(first, `alice_${stamp}`), signUp(second, `bob_${stamp}`)]);

  // The sale opens 15 s from now by the server's clock. It is made once both buyers are signed in,
  // so that however slowly the browser started (a first launch on a fresh machine took 18 s), the
  // pages meet its countdown: they reload the list of sales every 5 s.
  const now = Date.parse((await api('GET', '/api/v1/time')).now);
  sale.startsAt = now + 15000;
  sale.lastUnit = (await api('POST', '/admin/v1/activities', {
    token: sale.admin,
    body: {
      product_id: sale.productId, title: `Last unit ${now}`, price_cents: 1999, stock: 1,
      start_at: iso(sale.startsAt), end_at: iso(now + 3600000),
    },
  })).activity_id;
  const card = (p) => p.locator(`li.card[data-activity="${sale.lastUnit}"]`);
  for (const p of [first, second]) {
    await card(p).waitFor();
    assert.match(await card(p).locator('.countdown').textContent(), /^Starts in 00:00:\d\d$/);
    assert.equal(await card(p).locator('button.buy').isDisabled(), true, 'disabled before the start');
  }
  await shoot(first, 'storefront-375-countdown');
  await shoot(second, 'storefront-1440-countdown');

  // The button turns on by the server's clock: both wait for it, then press at once.
  await Promise.all([first, second].map((p) => card(p).locator('button.buy:enabled').waitFor({ timeout: 30000 })));
  assert.ok(Date.now() >= sale.startsAt - 1500, 'the button came on at the sale\'s start, not before');
  await Promise.all([card(first).locator('button.buy').click(), card(second).locator('button.buy').click()]);

  // Each page's last word on its click: the order confirmed, or a refusal (whatever it says, so a
  // failure shows it).
  const outcome = async (p) => {
    await p.waitForFunction(() => {
      const box = document.getElementById('message');
      return /confirmed/.test(box.textContent) || /\b(warn|error)\b/.test(box.className);
    }, null, { timeout: 30000 });
    return p.textContent('#message');
  };
  const messages = await Promise.all([outcome(first), outcome(second)]);
  const winner = messages.findIndex((m) => /confirmed/.test(m));
  assert.ok(winner >= 0, `nobody got the unit: ${messages.join(' | ')}`);
  const loser = 1 - winner;
  assert.match(messages[loser], /^Sold out: every unit of this sale is taken\.$/);
  const [buyer, other] = winner === 0 ? [first, second] : [second, first];
  const row = buyer.locator('#orders li.row').first();
  assert.equal(await row.getAttribute('data-status'), 'CREATED');
  await shoot(buyer, `storefront-${winner === 0 ? 375 : 1440}-bought`);
  await shoot(other, `storefront-${winner === 0 ? 1440 : 375}-sold-out`);

  await row.locator('button.pay').click();
  await buyer.waitForSelector('#orders li.row[data-status="PAID"]');
  assert.match(await buyer.textContent('#message'), /is paid/);
  await shoot(buyer, `storefront-${winner === 0 ? 375 : 1440}-paid`);

  // The operator's view of the same sale, on both widths.
  for (const width of [1440, 375]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const console_ = await page(context, `console ${width}`);
    await console_.goto(`${gateway}/console`);
    await console_.waitForSelector('body[data-ready="true"]');
    await console_.fill('#credentials input[name=username]', adminUser);
    await console_.fill('#credentials input[name=password]', adminPassword);
    await console_.click('#credentials button[type=submit]');
    await console_.waitForSelector('#console:not([hidden])');
    await console_.selectOption('#activity', sale.lastUnit);
    await console_.waitForFunction(() => {
      const value = (name) => document.querySelector(`[data-figure="${name}"] dd`)?.textContent;
      return value('paid') === '1' && value('remaining') === '0' && value('stock') === '1';
    }, null, { timeout: 15000 });
    await console_.waitForSelector('#rates tbody tr');
    await shoot(console_, `console-${width}`);
    await context.close();
  }
  await phone.close();
  await desktop.close();
  assert.deepEqual(dialogs, []);
});

test('a sale titled <script>alert(1)</script> shows as text and runs nothing', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const p = await page(context, 'xss');
  await p.goto(`${gateway}/`);
  const title = p.locator(`li.card[data-activity="${sale.xss}"] .title`);
  await title.waitFor();
  assert.equal(await title.textContent(), XSS);
  assert.equal(await title.locator('script').count(), 0);
  assert.equal(await p.locator('script').count(), 1, 'only the page\'s own module script');
  await p.waitForTimeout(500);
  await shoot(p, 'storefront-1440-xss-title');
  await context.close();
  assert.deepEqual(dialogs, []);
});

test('a buyer cancels an unpaid order and its unit goes back on sale', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const p = await page(context, 'buyer 3');
  await signUp(p, `carol_${Date.now().toString(36)}`);
  const card = p.locator(`li.card[data-activity="${sale.cancelled}"]`);
  await card.locator('button.buy:enabled').waitFor();
  await card.locator('button.buy').click();
  await p.waitForFunction(() => /confirmed/.test(document.getElementById('message').textContent) ||
    /\b(warn|error)\b/.test(document.getElementById('message').className), null, { timeout: 30000 });
  assert.match(await p.textContent('#message'), /confirmed/);
  const row = p.locator('#orders li.row').first();
  await p.waitForSelector('#orders li.row[data-status="CREATED"]');
  await p.waitForFunction((id) => /^1 of 2 left/.test(document.querySelector(`li.card[data-activity="${id}"] .stock`)?.textContent),
    sale.cancelled, { timeout: 15000 });
  await row.locator('button.cancel').click();
  await p.waitForSelector('#orders li.row[data-status="CANCELLED"]');
  assert.match(await p.textContent('#message'), /is cancelled; its unit went back on sale\.$/);
  assert.equal(await row.locator('button').count(), 0, 'a cancelled order offers neither pay nor cancel');
  await p.waitForFunction((id) => /^2 of 2 left/.test(document.querySelector(`li.card[data-activity="${id}"] .stock`)?.textContent),
    sale.cancelled, { timeout: 15000 });
  await shoot(p, 'storefront-375-cancelled');
  await context.close();
  assert.deepEqual(dialogs, []);
});

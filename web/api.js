// The gateway's HTTP API (docs/openapi.yaml) as the pages use it, and the little DOM helper they
// share. Every text from the server reaches the page through `textContent` (el() below), never as
// HTML: a title like <script>alert(1)</script> shows as those characters.

// An answer other than 2xx: the server's stable code and its message for a person.
export class ApiError extends Error {
  constructor(status, code, message, { retryAfter = 0, reason = '' } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds (429, 503), 0 when not sent
    this.reason = reason; // flow control's reason on 429/503 (FLOW, SYSTEM, ...)
  }
}

// The bearer tokens, one per page kind ('buyer', 'admin'), kept for the browser tab's life.
export const tokens = {
  get(kind) {
    return sessionStorage.getItem(`seckill.${kind}.token`) || '';
  },
  set(kind, token) {
    if (token) sessionStorage.setItem(`seckill.${kind}.token`, token);
    else sessionStorage.removeItem(`seckill.${kind}.token`);
  },
};

// One call. `body` is sent as JSON; the answer's JSON is returned (null for an empty body).
export async function call(method, path, { body, token, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'The shop cannot be reached: check the connection and try again.');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (response.ok) return json;
  const error = (json && json.error) || {};
  throw new ApiError(response.status, error.code || `HTTP_${response.status}`,
    error.message || `The server answered ${response.status}.`, {
      retryAfter: Number(response.headers.get('Retry-After')) || 0,
      reason: error.reason || '',
    });
}

// The server's clock, as the countdowns need it: a sale starts by the server's time, whatever the
// buyer's computer says. offset = server - browser, measured at the middle of a round trip.
export const serverClock = {
  offsetMs: 0,
  synced: false,
  async sync() {
    const sent = Date.now();
    const answer = await call('GET', '/api/v1/time');
    const received = Date.now();
    this.offsetMs = Number(answer.now_unix_ms) - (sent + received) / 2;
    this.synced = true;
  },
  now() {
    return Date.now() + this.offsetMs;
  },
};

// An element with attributes (on* handlers as functions) and children (strings become text).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// "1d 02:03:04" / "02:03:04" for a span of milliseconds (never negative).
export function countdown(ms) {
  let s = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(s / 86400);
  s %= 86400;
  const pad = (n) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}

export function money(cents) {
  return (Number(cents) / 100).toFixed(2);
}

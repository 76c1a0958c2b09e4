// What a buyer reads for each answer the API can refuse with (docs/openapi.yaml's codes): a
// sentence a person can act on, with the wait a 429 or 503 asked for (Retry-After). No DOM here:
// tests/browser/messages.test.mjs checks it in node.
export function explain(error) {
  switch (error.code) {
    case 'SOLD_OUT': return 'Sold out: every unit of this sale is taken.';
    case 'PURCHASE_LIMIT': return 'You already bought as many as this sale allows.';
    case 'NOT_STARTED': return 'This sale has not started yet: wait for the countdown.';
    case 'ENDED': return 'This sale has ended.';
    case 'RATE_LIMITED':
      return `Too many buyers at this moment: try again in ${error.retryAfter || 1} s.`;
    case 'UNAVAILABLE':
      return `The shop is overloaded or partly down (503): try again in ${error.retryAfter || 1} s.`;
    case 'UNAUTHENTICATED': return 'Your session has ended: please log in again.';
    case 'USERNAME_TAKEN': return 'That username is taken: choose another.';
    case 'ORDER_NOT_PAYABLE': return 'This order can no longer be paid.';
    case 'ORDER_NOT_CANCELLABLE': return 'This order can no longer be cancelled.';
    default: return `${error.message} (${error.code})`;
  }
}


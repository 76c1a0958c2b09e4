-- A cancelled order owes its units back to the stock ledger; this records that they were
-- returned, so a return that failed (product service down) is retried by the sweep.
ALTER TABLE orders ADD COLUMN stock_returned TINYINT NOT NULL DEFAULT 0;
-- The payment-deadline sweep looks for CREATED orders older than the deadline.
CREATE INDEX ix_orders_status_created ON orders (status, created_at_ms);

-- Messages the order queue dead-lettered, kept for an operator to inspect and replay.
CREATE TABLE dead_letters (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  message_id     VARCHAR(128) NULL,      -- NULL when the message had none
  order_id       BIGINT UNSIGNED NULL,   -- NULL when the body is not an order
  body           BLOB NOT NULL,
  reason         VARCHAR(255) NOT NULL,
  received_at_ms BIGINT NOT NULL,
  replayed_at_ms BIGINT NULL,
  UNIQUE KEY uk_dead_letters_message (message_id)
) ENGINE=InnoDB;

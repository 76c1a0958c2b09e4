-- Any dead letter must fit, or the dead-letter consumer could never ack it: an AMQP message id is
-- a short string (at most 255 bytes), and bodies are kept up to 1 MiB (the order service cuts
-- longer ones and says so in `reason`).
ALTER TABLE dead_letters
  MODIFY message_id VARCHAR(255) NULL,
  MODIFY body MEDIUMBLOB NOT NULL;

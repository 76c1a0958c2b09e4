-- Revocable tokens: a token carries its user's token_version; bumping the version revokes every
-- token issued before. One token is revoked by its id (jti). Gateways pull this table by seq.
ALTER TABLE users ADD COLUMN token_version INT UNSIGNED NOT NULL DEFAULT 1;

CREATE TABLE token_revocations (
  seq           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id       BIGINT UNSIGNED NOT NULL,
  token_id      CHAR(32) NULL,          -- one token; NULL: every token below token_version
  token_version INT UNSIGNED NOT NULL,
  expires_at_ms BIGINT NOT NULL,        -- nothing it names is still valid after this
  KEY idx_token_revocations_expiry (expires_at_ms)
) ENGINE=InnoDB;

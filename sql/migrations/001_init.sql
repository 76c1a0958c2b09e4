-- Times are UTC milliseconds since the Unix epoch (BIGINT), so no session time zone can shift them.
CREATE TABLE users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username      VARCHAR(32)  NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role          ENUM('BUYER','ADMIN') NOT NULL DEFAULT 'BUYER',
  created_at_ms BIGINT NOT NULL,
  UNIQUE KEY uk_users_username (username)
) ENGINE=InnoDB;

CREATE TABLE products (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name          VARCHAR(200) NOT NULL,
  description   TEXT NOT NULL,
  price_cents   BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE activities (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  product_id     BIGINT UNSIGNED NOT NULL,
  title          VARCHAR(200) NOT NULL,
  price_cents    BIGINT NOT NULL,
  stock          INT NOT NULL,
  start_at_ms    BIGINT NOT NULL,
  end_at_ms      BIGINT NOT NULL,
  limit_per_user INT NOT NULL DEFAULT 1,
  created_at_ms  BIGINT NOT NULL,
  CONSTRAINT fk_activities_product FOREIGN KEY (product_id) REFERENCES products (id),
  CONSTRAINT ck_activities_stock CHECK (stock > 0),
  CONSTRAINT ck_activities_window CHECK (end_at_ms > start_at_ms),
  CONSTRAINT ck_activities_limit CHECK (limit_per_user > 0)
) ENGINE=InnoDB;

-- The order id is made by the order service before the stock step, so a redelivered message
-- collides on the primary key and makes no second order.
CREATE TABLE orders (
  id            BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  activity_id   BIGINT UNSIGNED NOT NULL,
  user_id       BIGINT UNSIGNED NOT NULL,
  quantity      INT NOT NULL,
  amount_cents  BIGINT NOT NULL,
  status        ENUM('CREATED','PAID','CANCELLED','FAILED') NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  KEY ix_orders_activity_status (activity_id, status),
  KEY ix_orders_user (user_id, created_at_ms),
  CONSTRAINT ck_orders_quantity CHECK (quantity > 0)
) ENGINE=InnoDB;

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of mutations (Stripe-style), per principal: the first request with a key claims it, its response
 * is stored, and a retry with the same key and body replays it for 24 hours.
 */
export class IdempotencyKeys1764028800000 implements MigrationInterface {
  name = 'IdempotencyKeys1764028800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE idempotency_keys (
  principal text NOT NULL,
  key text NOT NULL CONSTRAINT idempotency_keys_key_check CHECK (length(key) BETWEEN 8 AND 255),
  request_hash text NOT NULL,
  status text NOT NULL CONSTRAINT idempotency_keys_status_check CHECK (status IN ('IN_PROGRESS', 'DONE')),
  http_status integer,
  response jsonb,
  locked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS idempotency_keys`);
  }
}

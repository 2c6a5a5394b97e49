import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';

const compose = fs.readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8');

/** What a user who runs `docker compose up` gets: nothing anyone who reads the file could use against them. */
describe('docker-compose.yml is safe by default', () => {
  it('has no fallback value for any secret: compose refuses to start without them', () => {
    for (const key of ['JWT_SECRET', 'METRICS_TOKEN', 'BI_READER_PASSWORD', 'POSTGRES_PASSWORD']) {
      expect(compose).toMatch(new RegExp(`\\$\\{${key}:\\?`));
      expect(compose).not.toMatch(new RegExp(`\\$\\{${key}:-`));
    }
  });

  it("does not publish PostgreSQL's port", () => {
    const postgres = compose.slice(compose.indexOf('  postgres:'), compose.indexOf('  api:'));
    expect(postgres).not.toMatch(/ports:/);
  });

  it('the old placeholder secret would not start the service in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'change-me-to-a-long-random-secret-of-32-chars-or-more',
        METRICS_PUBLIC: 'true',
        BI_READER_DISABLED: 'true',
      }),
    ).toThrow(/JWT_SECRET looks like a placeholder/);
  });
});

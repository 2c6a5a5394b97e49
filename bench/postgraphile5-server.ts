import http from 'node:http';
import { countingPool } from './counting-pool';

/**
 * The second peer: PostGraphile v5 (Grafast; npm `postgraphile` 5.x installed as the dev dependency `postgraphile5`,
 * beside v4) on the same database, in its own process: the Amber preset, mutations off, no GraphiQL, errors only.
 * GET /stats tells how many SQL statements it has sent (the same count as the v4 peer's).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const { postgraphile } = require('postgraphile5') as {
  postgraphile(preset: unknown): { createServ(g: unknown): GrafservNode; release(): Promise<void> };
};
const { PostGraphileAmberPreset } = require('postgraphile5/presets/amber') as { PostGraphileAmberPreset: unknown };
const { makePgService } = require('postgraphile5/adaptors/pg') as { makePgService(o: unknown): unknown };
const { grafserv } = require('postgraphile5/grafserv/node') as { grafserv: unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

interface GrafservNode {
  createHandler(): http.RequestListener;
  ready(): Promise<void>;
}

const { pool, statements } = countingPool();

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  disablePlugins: ['MutationPlugin', 'MutationPayloadQueryPlugin', 'SubscriptionPlugin'],
  pgServices: [makePgService({ pool, schemas: ['public'], pubsub: false })],
  grafserv: { graphiql: false, graphqlOverGET: false, watch: false, maxRequestLength: 100_000 },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const handler = serv.createHandler();
const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ statements: statements() }));
    return;
  }
  handler(req, res);
});
void serv
  .ready()
  .then(() => server.listen(Number(process.env.PORT ?? 5001), '127.0.0.1', () => console.log('postgraphile v5 ready')));
process.on('SIGTERM', () => server.close(() => void pgl.release().then(() => pool.end().then(() => process.exit(0)))));

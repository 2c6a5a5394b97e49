import http from 'node:http';
import Module from 'node:module';
import path from 'node:path';
import { countingPool } from './counting-pool';

// PostGraphile v4 is built on graphql 15 (it brings its own copies) while this project uses 16; in this process every
// `graphql` import resolves to PostGraphile's copy, so there is exactly one graphql instance.
const GRAPHQL15 = path.dirname(
  require.resolve('graphql/package.json', { paths: [path.dirname(require.resolve('postgraphile/package.json'))] }),
);
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = M._resolveFilename;
M._resolveFilename = (request: string, ...rest: unknown[]) =>
  request === 'graphql' || request.startsWith('graphql/')
    ? resolve(request.replace(/^graphql/, GRAPHQL15), ...rest)
    : resolve(request, ...rest);
const { postgraphile } = require('postgraphile') as typeof import('postgraphile');

/**
 * The peer: PostGraphile v4 (its own npm package, a dev dependency) on the same database, read-only schema, in its
 * own process (so CPU and RSS are its own). GET /stats tells how many SQL statements it has sent.
 */
const { pool, statements } = countingPool();
const middleware = postgraphile(pool, 'public', {
  disableDefaultMutations: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  disableQueryLog: true,
  enableQueryBatching: false,
  graphiql: false,
  retryOnInitFail: false,
});
const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ statements: statements() }));
    return;
  }
  void middleware(req, res);
});
server.listen(Number(process.env.PORT ?? 5000), '127.0.0.1', () => console.log('postgraphile ready'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));

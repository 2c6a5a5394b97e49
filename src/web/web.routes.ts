import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { own } from '../common/lookup';

/**
 * The project's root (where package.json is), from src/ under ts-jest or dist/src/ once built; a build placed outside
 * the checkout (no package.json above it) uses the working directory. (It looped for ever at / before.)
 */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** Same-origin scripts and styles only (GraphiQL and the dashboard need nothing from a CDN). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

/** Files of npm packages the pages load, by the name they are served under. */
const VENDOR: Record<string, string> = {
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'graphiql.min.css': 'graphiql/graphiql.min.css',
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
};

/** The dashboard's chart library (uPlot: canvas charts, no dependencies), served from node_modules like GraphiQL. */
const DASHBOARD_VENDOR: Record<string, string> = {
  'uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

/**
 * The pages, without a build step: the funnel dashboard at / (plain HTML, CSS and an ES module that reads the public
 * GraphQL API) and, when `graphiql` is on, a self-hosted GraphiQL at /graphiql whose scripts come from node_modules.
 */
export function webRouter(opts: {
  graphiql: boolean;
  reporting: { timeZone: string; currency: string };
}): express.Router {
  const root = projectRoot();
  const web = path.join(root, 'src', 'web');
  const router = express.Router();
  const page =
    (file: string): express.RequestHandler =>
    (_req, res) => {
      res.setHeader('content-security-policy', CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.sendFile(path.join(web, file));
    };
  const files = (dir: string) => express.static(path.join(web, dir), { index: false, maxAge: '5m' });
  const vendor = (table: Record<string, string>): express.RequestHandler => {
    return (req, res, next) => {
      const file = own(table, String(req.params.file));
      if (!file) return next();
      res.setHeader('cache-control', 'public, max-age=86400');
      res.sendFile(path.join(root, 'node_modules', file));
    };
  };
  router.get('/', page('dashboard/index.html'));
  // what the dashboard shows dates and money in (configuration; nothing secret)
  router.get('/dashboard/settings.json', (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.json(opts.reporting);
  });
  router.get('/dashboard/vendor/:file', vendor(DASHBOARD_VENDOR));
  router.use('/dashboard', files('dashboard'));
  if (opts.graphiql) {
    router.get('/graphiql', page('graphiql/index.html'));
    router.get('/graphiql/graphiql.js', (_req, res) => res.sendFile(path.join(web, 'graphiql', 'graphiql.js')));
    router.get('/graphiql/assets/:file', vendor(VENDOR));
  }
  return router;
}

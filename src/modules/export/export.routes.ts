import { ApolloServer } from '@apollo/server';
import { readFromHeader, requestReplicaFailed } from '../../db/read-routing';
import express from 'express';
import { GraphQLSchema } from 'graphql';
import { AppError } from '../../common/errors/app-error';
import { logger } from '../../common/log/logger';
import { currentScope } from '../../common/request/request-scope';
import { Context } from '../../context';
import { Cell, toCsv } from './csv';
import { EXPORTS } from './export.queries';
import { inputFromQuery } from './export.params';
import { DEFAULT_LIST_ROWS, LIST_EXPORTS, listQuery, ListExportSpec, MAX_LIST_ROWS } from './list-exports';
import { badInput } from '../../common/errors/app-error';
import { own } from '../../common/lookup';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

function sendErrors(
  res: express.Response,
  errors: readonly { message: string; extensions?: Record<string, unknown> }[],
  status?: number,
): void {
  const code = String(errors[0]?.extensions?.code ?? 'BAD_USER_INPUT');
  const retry = errors[0]?.extensions?.retryAfter;
  if (retry !== undefined) res.setHeader('retry-after', String(retry));
  res.status(status ?? own(STATUS, code) ?? 400).json({ errors });
}

/** An error thrown before GraphQL ran: its stable code (a 4xx), or INTERNAL_SERVER_ERROR logged with the request id. */
function sendThrown(res: express.Response, e: unknown): void {
  const err = e as AppError & { extensions?: Record<string, unknown> };
  const code = err.extensions?.code ?? (err instanceof AppError ? err.code : undefined);
  if (!code) {
    const requestId = currentScope()?.requestId;
    logger.error('unexpected error', { requestId, err: e });
    return sendErrors(res, [
      { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } },
    ]);
  }
  sendErrors(res, [{ message: err.message, extensions: { code, ...(err.field ? { field: err.field } : {}) } }]);
}

/**
 * Runs a query through Apollo (same token check, validation, cost limit and errors as /graphql): its data, or null
 * once its errors were sent.
 */
async function runQuery(
  apollo: ApolloServer<Context>,
  res: express.Response,
  query: string,
  variables: Record<string, unknown>,
  contextValue: Context,
): Promise<Record<string, unknown> | null> {
  const response = await apollo.executeOperation({ query, variables }, { contextValue });
  const result = response.body.kind === 'single' ? response.body.singleResult : null;
  if (result && !result.errors?.length && result.data) return result.data as Record<string, unknown>;
  if (response.http.status === 503) requestReplicaFailed('an export read failed (database unavailable)');
  sendErrors(
    res,
    result?.errors ?? [{ message: 'No result', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    response.http.status,
  );
  return null;
}

/** One page of a list query. */
interface ListPage {
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  nodes: Record<string, unknown>[];
}

/**
 * Sends rows as JSON `{ columns, rows, ...extra }` or as RFC 4180 CSV with a header; with read replicas, `x-read-from`
 * says where the rows were read (a spreadsheet sees no GraphQL extensions).
 */
function sendRows(
  res: express.Response,
  name: string,
  format: string,
  columns: readonly string[],
  rows: Record<string, Cell>[],
  extra: Record<string, unknown> = {},
): void {
  res.setHeader('cache-control', 'private, max-age=60');
  const from = readFromHeader();
  if (from) res.setHeader('x-read-from', from);
  if (format === 'json') {
    res.json({ columns, rows, ...extra });
    return;
  }
  res.setHeader('content-type', 'text/csv; charset=utf-8; header=present');
  res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
  res.send(toCsv(columns, rows));
}

/**
 * A list export: up to `limit` rows (1–MAX_LIST_ROWS, default DEFAULT_LIST_ROWS) from `after`, read through the list
 * query page by page (its limits and cost apply to each page); when more follow, a `Link: <…>; rel="next"` header and
 * `x-next-cursor` (and `nextCursor` in JSON) carry the cursor to continue from.
 */
async function listExport(
  req: express.Request,
  res: express.Response,
  spec: ListExportSpec,
  apollo: ApolloServer<Context>,
  schema: GraphQLSchema,
  context: (req: express.Request) => Promise<Context>,
): Promise<void> {
  let contextValue: Context;
  let filter: Record<string, unknown>;
  let limit = DEFAULT_LIST_ROWS;
  let after: string | null;
  try {
    contextValue = await context(req);
    const { token: _credential, limit: l, after: a, ...params } = req.query as Record<string, string | string[]>;
    if (l !== undefined) {
      limit = Number(l);
      if (typeof l !== 'string' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_ROWS)
        throw badInput(`limit must be an integer from 1 to ${MAX_LIST_ROWS}`, 'limit');
    }
    if (a !== undefined && typeof a !== 'string') throw badInput('after takes one cursor', 'after');
    after = a ?? null;
    filter = inputFromQuery(schema, spec.filterType, params);
  } catch (e) {
    return sendThrown(res, e);
  }
  const rows: Record<string, Cell>[] = [];
  let next: string | null = null;
  for (;;) {
    const data = await runQuery(
      apollo,
      res,
      listQuery(spec),
      { first: Math.min(100, limit - rows.length), after, filter: Object.keys(filter).length ? filter : null },
      contextValue,
    );
    if (!data) return;
    const page = data[spec.field] as ListPage;
    rows.push(...page.nodes.map(spec.row));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
    if (rows.length >= limit) {
      next = after;
      break;
    }
  }
  if (next) {
    const url = new URL(req.originalUrl, 'http://export.local');
    url.searchParams.set('after', next);
    res.setHeader('link', `<${url.pathname}${url.search}>; rel="next"`);
    res.setHeader('x-next-cursor', next);
  }
  sendRows(res, String(req.params.name), String(req.params.format), spec.columns, rows, { nextCursor: next });
}

/**
 * GET /export/kpis|attribution|funnel.csv|.json?…: the BI door over HTTP. Each runs the public GraphQL query of the same
 * name through Apollo (same token check, validation, cost limit and errors) with the query parameters as its input,
 * and answers its data as tidy rows: RFC 4180 CSV with a header, or JSON `{ columns, rows }`.
 */
export function exportRouter(
  apollo: ApolloServer<Context>,
  schema: GraphQLSchema,
  context: (req: express.Request) => Promise<Context>,
  count: (labels: { export: string; format: string; status: number }) => void = () => undefined,
): express.Router {
  const router = express.Router();
  router.get('/:name.:format', async (req, res, next) => {
    const list = own(LIST_EXPORTS, req.params.name);
    if (list && (req.params.format === 'csv' || req.params.format === 'json')) {
      res.once('finish', () => count({ export: req.params.name, format: req.params.format, status: res.statusCode }));
      return listExport(req, res, list, apollo, schema, context);
    }
    const spec = own(EXPORTS, req.params.name);
    const format = req.params.format;
    if (!spec || (format !== 'csv' && format !== 'json')) return next();
    res.once('finish', () => count({ export: req.params.name, format, status: res.statusCode }));
    let contextValue: Context;
    let input: Record<string, unknown>;
    try {
      contextValue = await context(req);
      // ?token= is the credential (exportContextFor), not a parameter of the export
      const { token: _credential, ...params } = req.query as Record<string, string | string[]>;
      input = inputFromQuery(schema, spec.inputType, params);
    } catch (e) {
      return sendThrown(res, e);
    }
    const data = await runQuery(apollo, res, spec.query, { input }, contextValue);
    if (data) sendRows(res, req.params.name, format, spec.columns, spec.rows(data, input));
  });
  return router;
}

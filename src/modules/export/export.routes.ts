import { ApolloServer } from '@apollo/server';
import express from 'express';
import { GraphQLSchema } from 'graphql';
import { AppError } from '../../common/errors/app-error';
import { logger } from '../../common/log/logger';
import { currentScope } from '../../common/request/request-scope';
import { Context } from '../../context';
import { toCsv } from './csv';
import { EXPORTS } from './export.queries';
import { inputFromQuery } from './export.params';
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
      const err = e as AppError & { extensions?: Record<string, unknown> };
      const code = err.extensions?.code ?? (err instanceof AppError ? err.code : undefined);
      if (!code) {
        const requestId = currentScope()?.requestId;
        logger.error('unexpected error', { requestId, err: e });
        return sendErrors(res, [
          { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } },
        ]);
      }
      return sendErrors(res, [
        { message: err.message, extensions: { code, ...(err.field ? { field: err.field } : {}) } },
      ]);
    }
    const response = await apollo.executeOperation({ query: spec.query, variables: { input } }, { contextValue });
    const result = response.body.kind === 'single' ? response.body.singleResult : null;
    if (!result || result.errors?.length || !result.data)
      return sendErrors(
        res,
        result?.errors ?? [{ message: 'No result', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        response.http.status,
      );
    const rows = spec.rows(result.data as Record<string, unknown>, input);
    res.setHeader('cache-control', 'private, max-age=60');
    if (format === 'json') {
      res.json({ columns: spec.columns, rows });
      return;
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('content-disposition', `attachment; filename="${req.params.name}.csv"`);
    res.send(toCsv(spec.columns, rows));
  });
  return router;
}

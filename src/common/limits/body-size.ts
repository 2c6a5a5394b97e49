import express from 'express';
import { Kind, OperationDefinitionNode, parse } from 'graphql';

export const BODY_LIMIT = 100 * 1024;
export const BULK_BODY_LIMIT = 1024 * 1024;
export const MAX_TOKENS = 2000;

/** The bulk write mutations: the only operations allowed bodies between 100 kB and 1 MB. */
const BULK_FIELDS = new Set([
  'upsertUsers', 'upsertAccounts', 'upsertCampaigns', 'recordCampaignSpend', 'upsertLeads', 'recordTouchpoints',
  'recordLeadStageChanges', 'upsertDeals', 'recordDealStageChanges', 'setKpiTargets',
]);

function isBulkMutation(body: unknown): boolean {
  const b = body as { query?: unknown; operationName?: unknown };
  if (typeof b?.query !== 'string') return false;
  try {
    const ops = parse(b.query, { maxTokens: MAX_TOKENS }).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = ops.length === 1 ? ops[0] : ops.find((o) => o.name?.value === b.operationName);
    return !!op && op.operation === 'mutation'
      && op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && BULK_FIELDS.has(s.name.value));
  } catch {
    return false;
  }
}

/** JSON bodies up to 1 MB, but over 100 kB only for bulk mutations: 413 otherwise. */
export function jsonBody(): express.RequestHandler[] {
  return [
    express.json({ limit: BULK_BODY_LIMIT, verify: (req, _res, buf) => ((req as unknown as { bodyBytes: number }).bodyBytes = buf.length) }),
    (req, res, next) => {
      const bytes = (req as unknown as { bodyBytes?: number }).bodyBytes ?? 0;
      if (bytes > BODY_LIMIT && !isBulkMutation(req.body)) {
        res.status(413).json({ errors: [{ message: `Request body is over ${BODY_LIMIT / 1024} kB (bulk mutations may send up to 1 MB)`, extensions: { code: 'BAD_USER_INPUT' } }] });
        return;
      }
      next();
    },
  ];
}

import express from 'express';
import { isUtf8 } from 'node:buffer';
import { Kind, OperationDefinitionNode, parse } from 'graphql';
import { BULK_FIELDS } from './cost';

export const BODY_LIMIT = 100 * 1024;
export const BULK_BODY_LIMIT = 1024 * 1024;
export const MAX_TOKENS = 2000;

function isBulkMutation(body: unknown): boolean {
  const b = body as { query?: unknown; operationName?: unknown };
  if (typeof b?.query !== 'string') return false;
  try {
    const ops = parse(b.query, { maxTokens: MAX_TOKENS }).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const op = ops.length === 1 ? ops[0] : ops.find((o) => o.name?.value === b.operationName);
    return (
      !!op &&
      op.operation === 'mutation' &&
      op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && BULK_FIELDS.has(s.name.value))
    );
  } catch {
    return false;
  }
}

/**
 * A body that is not valid UTF-8 is refused (400) rather than decoded with U+FFFD in place of its bad bytes: a script
 * must learn its data is broken, not find it changed. Also records the body's size for the bulk check below.
 */
function checkUtf8(req: unknown, _res: unknown, buf: Buffer): void {
  (req as { bodyBytes: number }).bodyBytes = buf.length;
  if (!isUtf8(buf)) {
    throw Object.assign(new Error('The request body is not valid UTF-8'), {
      status: 400,
      type: 'encoding.invalid',
      expose: true,
    });
  }
}

/** JSON bodies up to 1 MB, but over 100 kB only for bulk mutations: 413 otherwise. */
export function jsonBody(): express.RequestHandler[] {
  return [
    express.json({ limit: BULK_BODY_LIMIT, verify: checkUtf8 }),
    (req, res, next) => {
      const bytes = (req as unknown as { bodyBytes?: number }).bodyBytes ?? 0;
      if (bytes > BODY_LIMIT && !isBulkMutation(req.body)) {
        res.status(413).json({
          errors: [
            {
              message: `Request body is over ${BODY_LIMIT / 1024} kB (bulk mutations may send up to 1 MB)`,
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ],
        });
        return;
      }
      next();
    },
  ];
}

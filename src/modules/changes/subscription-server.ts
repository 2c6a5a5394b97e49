import http from 'node:http';
import {
  GraphQLError,
  GraphQLSchema,
  OperationDefinitionNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import jwt from 'jsonwebtoken';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken } from '../../common/auth/jwt';
import { Viewer } from '../../common/auth/viewer';
import { createLoaders } from '../../loaders';
import { AppError } from '../../common/errors/app-error';
import { formatError } from '../../common/errors/format-error';
import { logger } from '../../common/log/logger';
import { BODY_LIMIT, MAX_TOKENS } from '../../common/limits/body-size';
import { OperationLimits } from '../../common/limits/limits.plugin';
import { websocketOriginAllowed } from '../../common/http/cors';
import { Config } from '../../config/config';
import { MAX_VALIDATION_ERRORS, limitRules } from '../../common/limits/validation-rules';
import { Context, Deps } from '../../context';

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
/** Close codes: a token that is missing or not valid, and one that expired while the socket was open. */
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TOKEN_EXPIRED = 4401;

const refuse = (message: string) => [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })];
const validationFailed = (errors: readonly GraphQLError[]) =>
  errors.map(
    (e) =>
      new GraphQLError(e.message, {
        nodes: e.nodes,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...e.extensions },
      }),
  );
/** A close reason is at most 123 bytes (RFC 6455 §5.5): the message, cut on a character boundary. */
const closeReason = (s: string) => {
  let out = s;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
};

export interface SubscriptionDoor {
  /** Origins a browser may open the socket from (besides the API's own). */
  cors: Config['cors'];
  verify: (token: string) => Promise<Viewer>;
  limits: OperationLimits;
  introspection: boolean;
  /** Open authenticated connections and running subscriptions (the /metrics gauges). */
  gauges?: { connections: { inc(): void; dec(): void }; subscriptions: { inc(): void; dec(): void } };
}

/**
 * graphql-ws on the HTTP server's /graphql path (the protocol of graphql-ws' `createClient` and GraphiQL), with the
 * limits of the HTTP door: messages up to the HTTP body limit (a larger one closes the socket with 1009 before it is
 * buffered), the parse token limit, the same validation rules, the cost limit and the caller's cost bucket. The token
 * comes in the connection params (`{ authorization: 'Bearer …' }`) and is checked as on HTTP; without a valid one the
 * socket closes with 4403 and the reason HTTP would give; when it expires, the socket closes with 4401 at its `exp`.
 * Only subscription operations; errors go through the same formatting (stable codes, nothing internal).
 */
export function subscriptionServer(
  httpServer: http.Server,
  schema: GraphQLSchema,
  deps: Deps & { changes: NonNullable<Deps['changes']> },
  door: SubscriptionDoor,
): { dispose(): Promise<void> } {
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: BODY_LIMIT,
    verifyClient: (info: { req: http.IncomingMessage }) => websocketOriginAllowed(door.cors, info.req),
  });
  // a frame the protocol refuses (over maxPayload: 1009, invalid UTF-8: 1007…) is the client's mistake: ws has already
  // closed the socket with its code; it is logged as such, not passed on to graphql-ws as an internal error
  wss.on('connection', (socket) => {
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string, ...args: unknown[]) => {
      const code = (args[0] as { code?: unknown } | undefined)?.code;
      if (event === 'error' && typeof code === 'string' && code.startsWith('WS_ERR_')) {
        logger.warn('websocket frame refused', { code, message: (args[0] as Error).message });
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
  });
  const viewers = new WeakMap<object, Viewer>();
  const open = new WeakMap<object, number>();
  const rules = [...specifiedRules, ...limitRules(door.introspection)];
  const cleanup = useServer<{ authorization?: string }, { socket: WebSocket; request: http.IncomingMessage }>(
    {
      schema,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        let viewer: Viewer;
        let exp: number | undefined;
        try {
          const token = bearerToken(
            typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined,
          );
          if (!token)
            throw new AppError(
              'UNAUTHENTICATED',
              'A bearer token is required in the connection params (authorization: "Bearer <JWT>")',
            );
          viewer = await door.verify(token);
          exp = (jwt.decode(token) as jwt.JwtPayload | null)?.exp;
        } catch (e) {
          socket.close(CLOSE_FORBIDDEN, closeReason(e instanceof AppError ? e.message : 'Token is not valid'));
          return false;
        }
        viewers.set(socket, viewer);
        door.gauges?.connections.inc();
        socket.once('close', () => {
          door.gauges?.connections.dec();
          // the subscriptions still open when the socket goes
          for (let n = open.get(socket) ?? 0; n > 0; n--) door.gauges?.subscriptions.dec();
          open.delete(socket);
        });
        if (typeof exp === 'number') {
          const timer = setTimeout(
            () => socket.close(CLOSE_TOKEN_EXPIRED, 'Token has expired'),
            Math.max(0, exp * 1000 - Date.now()),
          );
          socket.once('close', () => clearTimeout(timer));
        }
        await deps.changes.start();
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: MAX_TOKENS });
        } catch (e) {
          return [e as GraphQLError];
        }
        const errors = validate(schema, document, rules, { maxErrors: MAX_VALIDATION_ERRORS });
        if (errors.length) return validationFailed(errors);
        const operation: OperationDefinitionNode | null | undefined = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription')
          return refuse('Send queries and mutations over HTTP; WebSocket is for subscriptions');
        const viewer = viewers.get(ctx.extra.socket) ?? null;
        const variables = payload.variables ?? {};
        try {
          await door.limits.admit(schema, document, operation, variables, viewer);
        } catch (e) {
          return [e as GraphQLError];
        }
        const count = open.get(ctx.extra.socket) ?? 0;
        if (count >= MAX_SUBSCRIPTIONS_PER_CONNECTION)
          return refuse(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`);
        open.set(ctx.extra.socket, count + 1);
        door.gauges?.subscriptions.inc();
        const contextValue: Context = {
          viewer,
          loaders: createLoaders(deps.ds),
          changes: { feed: deps.changes, ds: deps.ds },
        };
        return {
          schema,
          document,
          variableValues: variables,
          operationName: payload.operationName ?? undefined,
          contextValue,
        };
      },
      onComplete: (ctx) => {
        const n = open.get(ctx.extra.socket) ?? 0;
        if (n > 0) door.gauges?.subscriptions.dec();
        open.set(ctx.extra.socket, Math.max(0, n - 1));
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.length ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
    },
    wss,
  );
  return {
    async dispose() {
      await cleanup.dispose();
      await deps.changes.stop();
    },
  };
}

import http from 'node:http';
import { GraphQLError, GraphQLSchema, getOperationAST, parse, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { bearerToken } from '../../common/auth/jwt';
import { Viewer } from '../../common/auth/viewer';
import { createLoaders } from '../../common/dataloader/create-loaders';
import { formatError } from '../../common/errors/format-error';
import { MAX_TOKENS } from '../../common/limits/body-size';
import { LIMIT_RULES } from '../../common/limits/validation-rules';
import { Context, Deps } from '../../context';

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

const refuse = (message: string) => [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })];

/**
 * graphql-ws on the HTTP server's /graphql path (the protocol of graphql-ws' `createClient` and GraphiQL). The token
 * comes in the connection params (`{ authorization: 'Bearer …' }`) and is checked as on HTTP; a connection without a
 * valid one is closed (4403). Only subscription operations, with the same parse and validation limits as HTTP; errors
 * go through the same formatting (stable codes, nothing internal).
 */
export function subscriptionServer(httpServer: http.Server, schema: GraphQLSchema, deps: Deps & { changes: NonNullable<Deps['changes']> },
  verify: (token: string) => Promise<Viewer>): { dispose(): Promise<void> } {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const viewers = new WeakMap<object, Viewer>();
  const open = new WeakMap<object, number>();
  const cleanup = useServer<{ authorization?: string }>({
    schema,
    onConnect: async (ctx) => {
      try {
        const token = bearerToken(typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined);
        if (!token) return false;
        viewers.set(ctx.extra.socket, await verify(token));
      } catch {
        return false;
      }
      await deps.changes.start();
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      let document;
      try {
        document = parse(payload.query, { maxTokens: MAX_TOKENS });
      } catch (e) {
        return [e as GraphQLError];
      }
      const errors = validate(schema, document, [...specifiedRules, ...LIMIT_RULES]);
      if (errors.length) return errors;
      if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') return refuse('Send queries and mutations over HTTP; WebSocket is for subscriptions');
      const count = open.get(ctx.extra.socket) ?? 0;
      if (count >= MAX_SUBSCRIPTIONS_PER_CONNECTION) return refuse(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`);
      open.set(ctx.extra.socket, count + 1);
      const contextValue: Context = { viewer: viewers.get(ctx.extra.socket) ?? null, loaders: createLoaders(deps.ds) };
      return { schema, document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined, contextValue };
    },
    onComplete: (ctx) => {
      open.set(ctx.extra.socket, Math.max(0, (open.get(ctx.extra.socket) ?? 1) - 1));
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors?.length
      ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined),
  }, wss);
  return {
    async dispose() {
      await cleanup.dispose();
      await deps.changes.stop();
    },
  };
}

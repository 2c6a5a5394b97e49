import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Config } from '../../config/config';
import { Context } from '../../context';
import { operationCost } from './cost';
import { LeakyBuckets } from './leaky-bucket';

/**
 * Cost limits before execution: a query over `maxCost` is refused (BAD_USER_INPUT); otherwise its cost is taken from
 * the caller's bucket (role + sub), and an empty bucket answers RATE_LIMITED with HTTP 429 and Retry-After. The
 * response carries `extensions.cost { requested, remaining, limit }`, as GitHub and Shopify do.
 */
export function limitsPlugin(limits: Config['limits']): ApolloServerPlugin<Context> {
  const buckets = new LeakyBuckets(limits.bucketCapacity, limits.refillPerSecond);
  return {
    async requestDidStart() {
      let cost: { requested: number; remaining: number; limit: number } | null = null;
      return {
        async didResolveOperation({ request, document, operation, contextValue, schema }) {
          if (!operation) return;
          const requested = operationCost(schema, document, operation, request.variables ?? {});
          if (requested > limits.maxCost) {
            throw new GraphQLError(`Query cost ${requested} is over the limit of ${limits.maxCost}; ask for smaller pages or fewer fields`, {
              extensions: { code: 'BAD_USER_INPUT', cost: { requested, limit: limits.maxCost }, http: { status: 400 } },
            });
          }
          const r = buckets.take(contextValue.viewer ? `${contextValue.viewer.role}:${contextValue.viewer.sub}` : 'anonymous', requested);
          if (!r.ok) {
            throw new GraphQLError(`Rate limited: this query costs ${requested} points and ${r.remaining} are available; retry in ${r.retryAfterSeconds} s`, {
              extensions: {
                code: 'RATE_LIMITED', retryAfter: r.retryAfterSeconds, cost: { requested, remaining: r.remaining, limit: limits.bucketCapacity },
                http: { status: 429, headers: new Map([['retry-after', String(r.retryAfterSeconds)]]) },
              },
            });
          }
          cost = { requested, remaining: r.remaining, limit: limits.bucketCapacity };
        },
        async willSendResponse({ response }) {
          if (cost && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
          }
        },
      };
    },
  };
}

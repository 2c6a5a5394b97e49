import { ApolloServerPlugin } from '@apollo/server';
import { DataSource } from 'typeorm';
import { currentScope } from '../common/request/request-scope';
import { walPosition } from './replicas';

/** The response header carrying the primary's WAL position after a mutation (send it back as `x-read-after-lsn`). */
export const WRITE_LSN_HEADER = 'x-write-lsn';
/** The request header asking for read-your-writes: reads come from a replica that has replayed this LSN, or the primary. */
export const READ_AFTER_LSN_HEADER = 'x-read-after-lsn';

/**
 * With read replicas: a mutation's reads stay on the primary, and its response carries the primary's WAL position once
 * it has committed (`x-write-lsn` header and `extensions.writeLsn`); a response whose reads were routed says where
 * from (`extensions.readFrom`: REPLICA with its name and lag, or PRIMARY and why).
 */
export function readRoutingPlugin(primary: DataSource): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          const scope = currentScope();
          if (scope && operation?.operation === 'mutation') (scope.reads ??= {}).writes = true;
        },
        async willSendResponse({ response }) {
          const reads = currentScope()?.reads;
          if (!reads || response.body.kind !== 'single') return;
          const extensions: Record<string, unknown> = {};
          if (reads.from) extensions.readFrom = reads.from;
          if (reads.writes) {
            try {
              const lsn = await walPosition(primary);
              response.http.headers.set(WRITE_LSN_HEADER, lsn);
              extensions.writeLsn = lsn;
            } catch {
              /* the primary out of reach after the write: the client reads from the primary without the header */
            }
          }
          const result = response.body.singleResult;
          if (Object.keys(extensions).length) result.extensions = { ...result.extensions, ...extensions };
        },
      };
    },
  };
}

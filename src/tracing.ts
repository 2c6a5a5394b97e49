import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Paths whose requests are not traced: probes and scrapes, many times a minute. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * OpenTelemetry tracing with the official Node SDK — spans for each HTTP request (W3C `traceparent` honoured), the
 * Express route, the GraphQL operation and its fields' resolution, and every SQL statement — exported over OTLP/HTTP
 * when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; off otherwise, at no cost. The
 * other OTEL_* variables (service name, sampler, batch delay, headers) are read by the SDK as documented there.
 * Must be loaded before http, express, graphql and pg are: main.ts imports it first.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeSDK | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'revenue-funnel-api',
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED.has((req.url ?? '').split('?')[0]) }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      // statement text, never its parameters (they carry business and personal data)
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return sdk;
}

/** The process's tracing (null when off); main.ts flushes it on shutdown. */
export const tracing = startTracing();

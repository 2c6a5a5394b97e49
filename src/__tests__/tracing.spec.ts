import { startTracing, tracing } from '../tracing';

describe('startTracing', () => {
  it('is off unless an OTLP endpoint is configured, and off when OTEL_SDK_DISABLED says so', () => {
    expect(tracing).toBeNull(); // the test environment sets no endpoint
    expect(startTracing({})).toBeNull();
    expect(
      startTracing({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
    ).toBeNull();
  });
});

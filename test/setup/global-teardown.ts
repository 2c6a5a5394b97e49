export default async function globalTeardown(): Promise<void> {
  const stop = (globalThis as Record<string, unknown>).__funnelTestStop as (() => Promise<void>) | undefined;
  if (stop) await stop();
}

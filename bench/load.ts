/** Closed-loop load: `concurrency` workers call `fn` back to back until the time is up (at least minRequests). */
export interface LoadResult {
  requests: number;
  errors: number;
  ms: number;
  latencies: number[];
}

export async function closedLoop(fn: () => Promise<boolean>, concurrency: number, durationMs: number, minRequests = 1): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline || latencies.length + errors < minRequests) {
      const t = performance.now();
      const ok = await fn().catch(() => false);
      if (ok) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: latencies.length, errors, ms: performance.now() - started, latencies };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const median = (xs: number[]) => percentile(xs, 50);

/** POSTs a GraphQL document; true when the response has data and no errors. */
export async function postGraphQL(url: string, query: string, headers: Record<string, string> = {}): Promise<{ ok: boolean; res: Response; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  return { ok: res.ok && !body.errors && !!body.data, res, body };
}

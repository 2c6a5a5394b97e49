import { runScheduled, ScheduledTask } from '../rebuild-schedule';

/** A task that records when it started and ended, and takes `ms` (or fails). */
function recorder() {
  const log: string[] = [];
  let running = 0;
  let most = 0;
  const task = (name: string, ms: number, after?: string, fail = false): ScheduledTask<string> => ({
    name,
    after,
    run: async () => {
      log.push(`+${name}`);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      log.push(`-${name}`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    },
  });
  return { log, task, most: () => most };
}

describe('runScheduled', () => {
  it('runs at most `parallel` at once and returns results in the list order', async () => {
    const r = recorder();
    const out = await runScheduled([r.task('a', 30), r.task('b', 10), r.task('c', 10), r.task('d', 10)], 2);
    expect(out).toEqual(['a', 'b', 'c', 'd']);
    expect(r.most()).toBe(2);
    expect(r.log.slice(0, 2)).toEqual(['+a', '+b']);
  });

  it('starts a task only after the one it names in `after` ended', async () => {
    const r = recorder();
    await runScheduled([r.task('credit', 30), r.task('funnel', 5), r.task('markov', 5, 'credit')], 3);
    expect(r.log.indexOf('+markov')).toBeGreaterThan(r.log.indexOf('-credit'));
    expect(r.log.indexOf('+funnel')).toBeLessThan(r.log.indexOf('-credit'));
  });

  it('gives a freed slot to the waiting task listed first, not the one that asked first', async () => {
    const r = recorder();
    // kpi asks for a slot at once; markov only when credit ends; when credit frees its slot, markov (listed first) takes it
    await runScheduled(
      [r.task('credit', 10), r.task('funnel', 60), r.task('markov', 10, 'credit'), r.task('kpi', 10)],
      2,
    );
    expect(r.log.indexOf('+markov')).toBeLessThan(r.log.indexOf('+kpi'));
  });

  it('one run alone when parallel is 1, in the list order', async () => {
    const r = recorder();
    await runScheduled([r.task('a', 5), r.task('b', 5), r.task('c', 5)], 1);
    expect(r.log).toEqual(['+a', '-a', '+b', '-b', '+c', '-c']);
  });

  it('lets every task settle, skips those after a failed one, then throws the failure', async () => {
    const r = recorder();
    await expect(
      runScheduled([r.task('a', 5, undefined, true), r.task('b', 30), r.task('c', 5, 'a')], 2),
    ).rejects.toThrow('a failed');
    expect(r.log).toContain('-b'); // b was not abandoned mid-run
    expect(r.log).not.toContain('+c');
  });

  it('refuses tasks that wait for each other instead of hanging', async () => {
    const r = recorder();
    await expect(runScheduled([r.task('a', 5, 'b'), r.task('b', 5, 'a')], 2)).rejects.toThrow('wait for each other');
  });
});

/** One piece of work of a schedule: its name, the one whose end it waits for (`after`), and the work. */
export interface ScheduledTask<T> {
  name: string;
  after?: string;
  run: () => Promise<T>;
}

/**
 * Runs tasks side by side, at most `parallel` at once; a task with `after` starts once that task has finished (a task
 * named by `after` but not given does not hold it back). Whenever a slot is free it goes to the ready task listed
 * first, so the list's order is the priority (put the longest chain's links first). Every started task settles before
 * the first failure is thrown (none is left running on a pool the caller then closes), and a task whose `after` failed,
 * like any not started yet, does not run. Results in the list's order.
 */
export function runScheduled<T>(tasks: readonly ScheduledTask<T>[], parallel: number): Promise<T[]> {
  const slots = Math.max(1, Math.floor(parallel));
  const names = new Set(tasks.map((t) => t.name));
  const results: T[] = new Array(tasks.length);
  const finished = new Set<string>();
  const pending = tasks.map((t, i) => ({ t, i }));
  let running = 0;
  let failure: { error: unknown } | null = null;
  return new Promise((resolve, reject) => {
    const next = () => {
      if (failure === null)
        for (let k = 0; k < pending.length && running < slots;) {
          const { t, i } = pending[k];
          if (t.after !== undefined && names.has(t.after) && !finished.has(t.after)) {
            k++;
            continue;
          }
          pending.splice(k, 1);
          running++;
          Promise.resolve()
            .then(() => t.run())
            .then(
              (value) => {
                results[i] = value;
                finished.add(t.name);
                running--;
                next();
              },
              (error: unknown) => {
                failure ??= { error };
                running--;
                next();
              },
            );
        }
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (pending.length)
        reject(
          new Error(`tasks wait for each other: ${pending.map(({ t }) => `${t.name} after ${t.after}`).join(', ')}`),
        );
      else resolve(results);
    };
    next();
  });
}

import { ContainerType, ResolverData } from 'type-graphql';
import { DataSource } from 'typeorm';
import { Deps } from './context';
import { TransactionRunner } from './db/transaction';
import { processDirtyRollups } from './modules/analytics/rollups';
import { qualifyPending } from './modules/qualification/auto-mql';

/**
 * The service's write transactions, with every step they take before they commit: the qualification agreement
 * applied to the leads the transaction changed (automatic MQL, definitions.md §8), then the rollups (funnel, KPI,
 * attribution credit, MARKOV) are brought up to date with what the transaction changed, so they always equal a
 * rebuild. The API, the demo seed and any script that writes through the services use this runner.
 */
export function serviceTransactions(ds: DataSource): TransactionRunner {
  return new TransactionRunner(ds, [qualifyPending, processDirtyRollups]);
}

/** Composition root: builds each resolver once with its dependencies (no DI library). */
export function createContainer(deps: Deps): ContainerType {
  const instances = new Map<unknown, unknown>();
  return {
    get(someClass: new (deps: Deps) => unknown, _data: ResolverData<object>) {
      let instance = instances.get(someClass);
      if (!instance) {
        instance = new someClass(deps);
        instances.set(someClass, instance);
      }
      return instance;
    },
  };
}

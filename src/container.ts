import { ContainerType, ResolverData } from 'type-graphql';
import { Deps } from './context';

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

import { GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';
import { ContainerType, getMetadataStorage } from 'type-graphql';

interface ParamInfo {
  kind: string;
  index: number;
  propertyName?: string;
  getType?: () => unknown;
}

/**
 * type-graphql calls a `@FieldResolver` through its generic handler: a resolver-data object, a container look-up, the
 * parameter list sorted and mapped, the middleware chain, on every call. A nested page calls them hundreds of times
 * (a 50-deal page: account, owner and leads on every deal, email on every lead). A field resolver that takes only
 * `@Root()` (untyped, or typed as a plain interface) and `@Ctx()`, with no roles and no middlewares, does exactly
 * `method(root, ctx)`: this puts that call in the schema directly. Anything else keeps type-graphql's resolver.
 * Returns how many fields were made plain.
 */
export function plainFieldResolvers(schema: GraphQLSchema, container: ContainerType): number {
  const storage = getMetadataStorage() as unknown as {
    fieldResolvers: {
      target: new (...a: never[]) => object;
      methodName: string;
      schemaName: string;
      params?: ParamInfo[];
      roles?: unknown[];
      middlewares?: unknown[];
      kind: string;
      getObjectType?: () => unknown;
    }[];
    objectTypes: { target: unknown; name: string }[];
  };
  let made = 0;
  for (const fr of storage.fieldResolvers) {
    if (fr.kind !== 'external' || fr.roles || fr.middlewares?.length || !fr.getObjectType) continue;
    const params = [...(fr.params ?? [])].sort((a, b) => a.index - b.index);
    const plain = params.every(
      (p) => !p.propertyName && (p.kind === 'context' || (p.kind === 'root' && (!p.getType || p.getType() === Object))),
    );
    if (!plain) continue;
    const typeName = storage.objectTypes.find((o) => o.target === fr.getObjectType!())?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = type && isObjectType(type) ? type.getFields()[fr.schemaName] : undefined;
    if (!field) continue;
    const instance = container.get(fr.target, {} as never) as Record<string, (...args: unknown[]) => unknown>;
    const method = instance[fr.methodName];
    const kinds = params.map((p) => p.kind);
    let resolve: GraphQLFieldResolver<unknown, unknown>;
    if (kinds.join() === 'root,context') resolve = (root, _args, ctx) => method.call(instance, root, ctx);
    else if (kinds.join() === 'root') resolve = (root) => method.call(instance, root);
    else
      resolve = (root, _args, ctx) =>
        method.apply(
          instance,
          kinds.map((k) => (k === 'root' ? root : ctx)),
        );
    field.resolve = resolve;
    made++;
  }
  return made;
}

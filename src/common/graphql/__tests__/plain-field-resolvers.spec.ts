import { graphql } from 'graphql';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  ObjectType,
  Query,
  Resolver,
  Root,
  buildSchemaSync,
} from 'type-graphql';
import { plainFieldResolvers } from '../plain-field-resolvers';

interface Ctx {
  role: string;
  tag: string;
}
/** Rows are plain objects typed by interfaces, as the repositories return them. */
interface ItemRow {
  id: string;
}

@ObjectType()
class Item {
  @Field(() => ID) id: string;
}

@Resolver(() => Item)
class ItemResolver {
  calls = 0;
  @Query(() => [Item])
  items(): ItemRow[] {
    return [{ id: '1' }, { id: '2' }];
  }

  @FieldResolver(() => String)
  label(@Root() item: ItemRow, @Ctx() ctx: Ctx): string {
    this.calls++; // `this` is the container's instance
    return `${item.id}:${ctx.tag}`;
  }

  @Authorized('ADMIN')
  @FieldResolver(() => String)
  secret(@Root() item: ItemRow): string {
    return `secret ${item.id}`;
  }

  @FieldResolver(() => String)
  times(@Root() item: ItemRow, @Arg('n') n: number): string {
    return item.id.repeat(n);
  }
}

describe('plainFieldResolvers', () => {
  const instance = new ItemResolver();
  const container = { get: () => instance };
  const schema = buildSchemaSync({
    resolvers: [ItemResolver],
    container,
    validate: false,
    authMode: 'error',
    authChecker: ({ context }, roles) => roles.includes((context as Ctx).role),
  });
  const made = plainFieldResolvers(schema, container);
  const run = (source: string, role = 'USER') => graphql({ schema, source, contextValue: { role, tag: 't' } });

  it('puts a @Root/@Ctx field resolver in the schema as a direct call, on the container instance', async () => {
    expect(made).toBe(1);
    const r = await run('{ items { id label } }');
    expect(r).toEqual({
      data: {
        items: [
          { id: '1', label: '1:t' },
          { id: '2', label: '2:t' },
        ],
      },
    });
    expect(instance.calls).toBe(2);
  });

  it('leaves resolvers with roles (the auth check runs) and with arguments to type-graphql', async () => {
    expect((await run('{ items { secret } }')).errors?.[0].message).toMatch(/denied/i);
    expect((await run('{ items { secret } }', 'ADMIN')).data).toEqual({
      items: [{ secret: 'secret 1' }, { secret: 'secret 2' }],
    });
    expect((await run('{ items { times(n: 2) } }')).data).toEqual({ items: [{ times: '11' }, { times: '22' }] });
  });
});

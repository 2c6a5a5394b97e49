import { ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Where a page is in its list (Relay PageInfo).' })
export class PageInfo {
  @Field({ description: 'More items follow this page (page on with first/after: endCursor).' }) hasNextPage: boolean;
  @Field({ description: 'Items come before this page (page back with last/before: startCursor).' })
  hasPreviousPage: boolean;
  @Field(() => String, { nullable: true, description: "The first item's cursor; null on an empty page." })
  startCursor: string | null;
  @Field(() => String, { nullable: true, description: "The last item's cursor; null on an empty page." })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Relay connection and edge types for one node type: `<Name>Connection` and `<Name>Edge`. */
export function ConnectionType<T extends object>(name: string, Node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} of a page, with its cursor.` })
  class EdgeType {
    @Field({ description: 'Opaque position of this item in its list and order: pass it as after or before.' })
    cursor: string;
    @Field(() => Node, { description: `The ${name}.` }) node: T;
  }
  @ObjectType(`${name}Connection`, {
    simpleResolvers: true,
    description: `A page of ${name} items (Relay connection): nodes, or edges with cursors, and where the page is.`,
  })
  class ConnectionClass {
    @Field(() => [EdgeType], { description: 'The items with their cursors.' }) edges: EdgeType[];
    @Field(() => [Node], { description: 'The items (the same as edges.node, without cursors).' }) nodes: T[];
    @Field(() => PageInfo, { description: 'Whether more items come before or after, and the cursors to get them.' })
    pageInfo: PageInfo;
    @Field(() => Int, {
      description: 'How many items the whole list (all pages, with the filter) holds; counted only when asked for.',
    })
    totalCount: number;
  }
  return ConnectionClass;
}

import { ASTVisitor, FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

export const MAX_DEPTH = 8;
export const MAX_ALIASES = 15;
export const MAX_DIRECTIVES = 10;

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** Depth of a selection set, following fragment spreads (a cycle is reported by graphql-js's own rule; stop there). */
function depth(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue; // introspection is bounded by the schema
      max = Math.max(max, sel.selectionSet ? 1 + depth(sel.selectionSet, fragments, seen) : 1);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depth(sel.selectionSet, fragments, seen));
    } else {
      const name = sel.name.value;
      if (seen.has(name) || !fragments[name]) continue;
      max = Math.max(max, depth(fragments[name].selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return max;
}

/** Operations nested deeper than MAX_DEPTH fields are refused before execution. */
export const depthLimit: ValidationRule = (ctx: ValidationContext): ASTVisitor => ({
  OperationDefinition(op) {
    const fragments = Object.fromEntries(ctx.getDocument().definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    const d = depth(op.selectionSet, fragments, new Set());
    if (d > MAX_DEPTH) ctx.reportError(limitError(`Query is ${d} levels deep; the limit is ${MAX_DEPTH}`));
  },
});

/** At most MAX_ALIASES aliases and MAX_DIRECTIVES directives in one document (alias and directive bombs). */
export const aliasAndDirectiveLimit: ValidationRule = (ctx: ValidationContext): ASTVisitor => {
  let aliases = 0;
  let directives = 0;
  return {
    Field(node) {
      if (node.alias) aliases++;
    },
    Directive() {
      directives++;
    },
    Document: {
      leave() {
        if (aliases > MAX_ALIASES) ctx.reportError(limitError(`Query uses ${aliases} aliases; the limit is ${MAX_ALIASES}`));
        if (directives > MAX_DIRECTIVES) ctx.reportError(limitError(`Query uses ${directives} directives; the limit is ${MAX_DIRECTIVES}`));
      },
    },
  };
};

export const LIMIT_RULES = [depthLimit, aliasAndDirectiveLimit];

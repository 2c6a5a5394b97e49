import {
  ASTVisitor,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export const MAX_DEPTH = 8;
export const MAX_ALIASES = 15;
export const MAX_DIRECTIVES = 10;
/** Fields an operation may select once every fragment spread is expanded (Apollo's recursive-selection limit). */
export const MAX_SELECTIONS = 10_000;

const limitError = (message: string, limit: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit } });

/** What one selection set costs to walk: its deepest path and how many fields it expands to. */
interface Walk {
  depth: number;
  selections: number;
}

/**
 * Walks selection sets with each fragment's result memoised, so a document costs time linear in its own size however
 * often its fragments spread each other (`F1 { ...F0 ...F0 } … F30` is 31 walks, not 2^30). A fragment met again
 * while it is being walked is a cycle: graphql-js's NoFragmentCycles reports it; here it counts as nothing.
 */
class FragmentWalker {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly done = new Map<string, Walk>();
  private readonly walking = new Set<string>();

  constructor(doc: DocumentNode) {
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
  }

  walk(set: SelectionSetNode | undefined): Walk {
    const out: Walk = { depth: 0, selections: 0 };
    if (!set) return out;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue; // introspection is bounded by the schema
        const inner = this.walk(sel.selectionSet);
        out.depth = Math.max(out.depth, 1 + inner.depth);
        out.selections += 1 + inner.selections;
      } else {
        const inner = sel.kind === Kind.INLINE_FRAGMENT ? this.walk(sel.selectionSet) : this.fragment(sel.name.value);
        out.depth = Math.max(out.depth, inner.depth);
        out.selections += inner.selections;
      }
      if (out.selections > Number.MAX_SAFE_INTEGER / 2) out.selections = Number.MAX_SAFE_INTEGER / 2;
    }
    return out;
  }

  private fragment(name: string): Walk {
    const known = this.done.get(name);
    if (known) return known;
    const def = this.fragments.get(name);
    if (!def || this.walking.has(name)) return { depth: 0, selections: 0 };
    this.walking.add(name);
    const w = this.walk(def.selectionSet);
    this.walking.delete(name);
    this.done.set(name, w);
    return w;
  }
}

/** Operations nested deeper than MAX_DEPTH fields, or expanding to more than MAX_SELECTIONS fields, are refused. */
export const depthLimit: ValidationRule = (ctx: ValidationContext): ASTVisitor => {
  // one walker per validation: the operations of a document share its memoised fragments
  const walker = new FragmentWalker(ctx.getDocument());
  return {
    OperationDefinition(op) {
      const w = walker.walk(op.selectionSet);
      if (w.depth > MAX_DEPTH)
        ctx.reportError(limitError(`Query is ${w.depth} levels deep; the limit is ${MAX_DEPTH}`, 'MAX_DEPTH'));
      if (w.selections > MAX_SELECTIONS) {
        ctx.reportError(
          limitError(
            `Query selects ${w.selections} fields once its fragments are expanded; the limit is ${MAX_SELECTIONS}`,
            'MAX_SELECTIONS',
          ),
        );
      }
    },
  };
};

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
        if (aliases > MAX_ALIASES)
          ctx.reportError(limitError(`Query uses ${aliases} aliases; the limit is ${MAX_ALIASES}`, 'MAX_ALIASES'));
        if (directives > MAX_DIRECTIVES)
          ctx.reportError(
            limitError(`Query uses ${directives} directives; the limit is ${MAX_DIRECTIVES}`, 'MAX_DIRECTIVES'),
          );
      },
    },
  };
};

export const LIMIT_RULES = [depthLimit, aliasAndDirectiveLimit];

/** graphql-js stops after this many validation errors; the message then says so (see VALIDATION_ABORTED). */
export const MAX_VALIDATION_ERRORS = 100;
export const VALIDATION_ABORTED = /^Too many validation errors, error limit reached\. Validation aborted\.$/;
export const VALIDATION_ABORTED_MESSAGE =
  `Validation stopped after ${MAX_VALIDATION_ERRORS} errors (the limit of errors reported per request): ` +
  'the same field asked for many times in conflicting ways, or many unknown fields. Fix the errors above and send again';

/**
 * Every rule an operation passes before it runs, on every door (HTTP through Apollo, WebSocket through graphql-ws):
 * the shape limits, and no introspection where the deployment turns it off.
 */
export function limitRules(introspection: boolean): ValidationRule[] {
  return introspection ? LIMIT_RULES : [NoSchemaIntrospectionCustomRule, ...LIMIT_RULES];
}

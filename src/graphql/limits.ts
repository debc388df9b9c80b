// What keeps one GraphQL request from costing the service more than a page of
// REST: depth, aliases, a node-count cost, batch size and time. Every rejection
// is a GraphQLError whose extensions name the limit, the limit's value and how
// far the query went past it, so a client can fix the query rather than guess.
import {
  GraphQLError,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { LIMIT_DEFAULT } from '../query/grammar.ts';

export interface GraphqlLimits {
  /** Nesting of fields; a Relay hop (connection → edges → node) takes three. */
  depth: number;
  /** Introspection (GraphiQL's schema query nests type references about 12 deep) has its own depth. */
  introspectionDepth: number;
  /** Aliased fields in one document: aliases are how one request asks the same field a thousand times. */
  aliases: number;
  /** Estimated objects in the answer: `first` (or a field's expected size) multiplied down the tree. */
  cost: number;
  /** Operations in one batched POST. */
  batch: number;
  /** Wall-clock time for one operation, from the start of execution. */
  timeMs: number;
  /** Tokens in one document, checked while parsing (before any other limit can look at it). */
  tokens: number;
}

// The defaults let a map builder fetch 100 agencies with their agreements,
// events, counties and source lists in one request (cost ~6k), or every
// agreement with its agency (cost ~2k), but not agencies × agreements at the
// maximum page size (1,000 × 1,000).
export const DEFAULT_LIMITS: GraphqlLimits = {
  depth: 12,
  introspectionDepth: 15,
  aliases: 30,
  cost: 25_000,
  batch: 10,
  timeMs: 5_000,
  tokens: 20_000,
};

export type LimitCode =
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'QUERY_TOO_COSTLY'
  | 'BATCH_TOO_LARGE'
  | 'TIME_LIMIT_EXCEEDED';

/** A rejection that says which limit, its value and by how much the request went past it. */
export function limitError(
  code: LimitCode,
  what: string,
  actual: number,
  limit: number,
  nodes?: readonly FieldNode[],
): GraphQLError {
  const over = actual - limit;
  return new GraphQLError(`${what} ${actual} exceeds the limit of ${limit} (by ${over})`, {
    ...(nodes ? { nodes } : {}),
    extensions: { code, limit, actual, over },
  });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** The deepest field nesting under a selection set; fragments count as their fields, cycles stop (another rule reports them). */
function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): { depth: number; introspection: number } {
  let depth = 0;
  let introspection = 0;
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const below = depthOf(selection.selectionSet, fragments, visiting);
      if (selection.name.value.startsWith('__'))
        introspection = Math.max(introspection, 1 + below.depth, 1 + below.introspection);
      else {
        depth = Math.max(depth, 1 + below.depth);
        introspection = Math.max(introspection, below.introspection);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const below = depthOf(selection.selectionSet, fragments, visiting);
      depth = Math.max(depth, below.depth);
      introspection = Math.max(introspection, below.introspection);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      const below = depthOf(fragment.selectionSet, fragments, visiting);
      visiting.delete(name);
      depth = Math.max(depth, below.depth);
      introspection = Math.max(introspection, below.introspection);
    }
  }
  return { depth, introspection };
}

export function depthRule(limits: Pick<GraphqlLimits, 'depth' | 'introspectionDepth'>): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node) {
      const fragments = fragmentsOf(context.getDocument());
      const { depth, introspection } = depthOf(node.selectionSet, fragments, new Set());
      if (depth > limits.depth) context.reportError(limitError('QUERY_TOO_DEEP', 'query depth', depth, limits.depth));
      if (introspection > limits.introspectionDepth) {
        context.reportError(
          limitError('QUERY_TOO_DEEP', 'introspection depth', introspection, limits.introspectionDepth),
        );
      }
    },
  });
}

export function aliasRule(limits: Pick<GraphqlLimits, 'aliases'>): ValidationRule {
  return (context: ValidationContext) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > limits.aliases)
            context.reportError(limitError('TOO_MANY_ALIASES', 'aliased fields', aliases, limits.aliases));
        },
      },
    };
  };
}

// Expected sizes of the lists that are not paginated: what one parent holds in
// the real data (Texas has 254 counties; an agreement rarely has 10 events).
// Nested connections without `first` are costed at their field's expected size
// too: an agency holds a handful of agreements, not the page size.
const EXPECTED_SIZE: Record<string, number> = {
  'Query.states': 56,
  'Query.supportModels': 4,
  'Query.oversightReports': 20,
  'Query.sourceLists': 200,
  'Agency.aliases': 3,
  'AgencyAlias.spellings': 2,
  'List.skippedRows': 5,
  'Agency.reports': 2,
  'Agency.agreements': 5,
  'Agreement.events': 5,
  'State.counties': 100,
  'County.agencies': 5,
  'OversightReport.models': 4,
  'OversightReport.recommendations': 10,
  'OversightReport.agencies': 20,
  'OversightReport.sources': 5,
};
const DEFAULT_LIST_SIZE = 10;

function argumentValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/** How many items one parent gets from this field, for the cost. */
function multiplier(
  parent: string,
  field: FieldNode,
  type: GraphQLOutputType,
  variables: Record<string, unknown>,
): number {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(type);
  const key = `${parent}.${field.name.value}`;
  if (named.name.endsWith('Connection')) {
    const first = argumentValue(field.arguments?.find((arg) => arg.name.value === 'first')?.value, variables);
    if (typeof first === 'number' && Number.isFinite(first) && first > 0) return first;
    return parent === 'Query' ? LIMIT_DEFAULT : (EXPECTED_SIZE[key] ?? LIMIT_DEFAULT);
  }
  if (isListType(unwrapped)) return EXPECTED_SIZE[key] ?? DEFAULT_LIST_SIZE;
  return 1;
}

/**
 * The estimated number of objects an operation returns: every object-valued
 * field counts once per parent, and a connection's `first` (or a list's
 * expected size) multiplies everything below it. Introspection costs nothing.
 * Computed per request because `first` may be a variable.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): number {
  const fragments = fragmentsOf(document);
  let worst = 0;

  function walk(
    selectionSet: SelectionSetNode | undefined,
    type: GraphQLCompositeType,
    factor: number,
    visiting: Set<string>,
  ): number {
    if (!selectionSet) return 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
        const definition = fields[selection.name.value] as GraphQLField<unknown, unknown> | undefined;
        if (!definition) continue;
        const named = getNamedType(definition.type);
        if (!isCompositeType(named)) continue;
        // Wrappers of a connection (edges, node, pageInfo) are the same objects, already counted.
        const wrapper = type.name.endsWith('Connection') || type.name.endsWith('Edge');
        const count = wrapper ? 1 : multiplier(type.name, selection, definition.type, variables);
        const items = factor * count;
        cost += (wrapper ? 0 : items) + walk(selection.selectionSet, named, items, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) cost += walk(selection.selectionSet, condition, factor, visiting);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        if (!condition || !isCompositeType(condition)) continue;
        visiting.add(fragment.name.value);
        cost += walk(fragment.selectionSet, condition, factor, visiting);
        visiting.delete(fragment.name.value);
      }
    }
    return cost;
  }

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = definition.operation === 'query' ? schema.getQueryType() : null;
    if (!root) continue;
    worst = Math.max(worst, walk(definition.selectionSet, root, 1, new Set()));
  }
  return worst;
}

/** Throws when the operation's time is up; called before every database round trip. */
export function checkDeadline(deadline: number, limitMs: number, started: number): void {
  const now = performance.now();
  if (now > deadline) {
    throw limitError('TIME_LIMIT_EXCEEDED', 'execution time (ms)', Math.ceil(now - started), limitMs);
  }
}

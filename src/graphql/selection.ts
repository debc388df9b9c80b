// What the query asks below a field, read from its selection set (through
// fragments too): lets a resolver fetch in its own statement what the query
// will ask next (totalCount with the page, events with the agreements).
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The fields directly in these selection sets (all, or those named `name`), looking through fragments. */
function fieldsNamed(
  info: GraphQLResolveInfo,
  selectionSets: readonly (SelectionSetNode | undefined)[],
  name?: string,
): FieldNode[] {
  const found: FieldNode[] = [];
  const seen = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (name === undefined || selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) search(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        search(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  selectionSets.forEach(search);
  return found;
}

/**
 * Where the query selects the fields of `path` below `from` (this field by default), one level each:
 * `selectedFields(info, ['edges', 'node', 'agreements'])`. @skip and @include are not read: at worst something is
 * fetched unasked.
 */
export function selectedFields(
  info: GraphQLResolveInfo,
  path: readonly string[],
  from: readonly FieldNode[] = info.fieldNodes,
): FieldNode[] {
  let fields = [...from];
  for (const name of path) {
    if (fields.length === 0) break;
    fields = fieldsNamed(
      info,
      fields.map((field) => field.selectionSet),
      name,
    );
  }
  return fields;
}

/** True when the query selects the fields of `path` below this field: `selects(info, 'totalCount')`. */
export function selects(info: GraphQLResolveInfo, ...path: string[]): boolean {
  return selectedFields(info, path).length > 0;
}

/** The names of the fields these fields select, one level down: `namesSelected(info, eventsFields)`. */
export function namesSelected(info: GraphQLResolveInfo, from: readonly FieldNode[]): Set<string> {
  return new Set(
    fieldsNamed(
      info,
      from.map((field) => field.selectionSet),
    ).map((field) => field.name.value),
  );
}

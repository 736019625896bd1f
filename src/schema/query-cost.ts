import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

// The estimated cost of an operation, with page sizes counted: every object in the answer costs 1
// (scalars are free), and a field with a `take` argument multiplies what is under it by the page
// size asked for. `courses(take: 200) { items { students(take: 200) { items { id } } } }` asks for
// 40,000 objects, not "a few fields". A `take` given by a variable counts at the variable's default,
// or at the largest page (MAX_PAGE) when the variable has none: validation runs before variables are
// known, and the same rule runs on HTTP and WebSocket.

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export function queryCostRule(maxCost: number): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const def of context.getDocument().definitions) {
        if (def.kind === Kind.FRAGMENT_DEFINITION) {
          fragments.set(def.name.value, def);
        }
      }
      const defaults = new Map<string, ValueNode | undefined>();
      for (const v of operation.variableDefinitions ?? []) {
        defaults.set(v.variable.name.value, v.defaultValue);
      }
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) {
        return;
      }
      const cost = selectionCost(operation.selectionSet, root, fragments, defaults, context, 0, maxCost);
      if (cost > maxCost) {
        context.reportError(
          new GraphQLError(
            `The operation is too costly (estimated ${Math.round(cost)}, limit ${maxCost}); ask for smaller pages`,
            { nodes: [operation], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost } },
          ),
        );
      }
    },
  });
}

function pageSize(value: ValueNode | undefined, defaults: Map<string, ValueNode | undefined>): number {
  if (!value) {
    return DEFAULT_PAGE;
  }
  if (value.kind === Kind.INT) {
    return Math.max(0, Math.min(MAX_PAGE, Number(value.value)));
  }
  if (value.kind === Kind.VARIABLE) {
    const fallback = defaults.get(value.name.value);
    return fallback && fallback.kind === Kind.INT ? pageSize(fallback, defaults) : MAX_PAGE;
  }
  return MAX_PAGE;
}

function selectionCost(
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  fragments: Map<string, FragmentDefinitionNode>,
  defaults: Map<string, ValueNode | undefined>,
  context: ValidationContext,
  depth: number,
  maxCost: number,
): number {
  // Fragment cycles and unknown fields are other rules' errors; depth stops runaway recursion.
  if (depth > 50) {
    return maxCost + 1;
  }
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD || selection.kind === Kind.INLINE_FRAGMENT) {
      const fragment =
        selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) {
        continue;
      }
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? context.getSchema().getType(typeName) : parent;
      if (type && isCompositeType(type)) {
        total += selectionCost(fragment.selectionSet, type, fragments, defaults, context, depth + 1, maxCost);
      }
      continue;
    }
    if (!isObjectType(parent) && !isInterfaceType(parent)) {
      continue;
    }
    const field = parent.getFields()[selection.name.value];
    if (!field || !selection.selectionSet) {
      continue;
    }
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) {
      continue;
    }
    const paged = field.args.some((a) => a.name === 'take');
    const multiplier = paged
      ? pageSize(selection.arguments?.find((a) => a.name.value === 'take')?.value, defaults)
      : 1;
    total +=
      1 +
      multiplier *
        selectionCost(selection.selectionSet, type, fragments, defaults, context, depth + 1, maxCost);
    if (total > maxCost) {
      return total;
    }
  }
  return total;
}

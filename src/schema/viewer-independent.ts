import { BREAK, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { SAME_FOR_EVERY_VIEWER } from '../entities/same-for-every-viewer';

/**
 * Whether every field a document selects is declared the same for every viewer allowed to reach it
 * (`@SameForEveryViewer()`), so that one execution of a live event can serve subscribers signed in
 * as different callers. One undeclared field, or any directive but @include/@skip (whose inputs
 * are variables, part of the sharing key), and the answer is no.
 */
export function selectsOnlyViewerIndependentFields(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let independent = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === '__typename') {
          return undefined;
        }
        if (typeInfo.getFieldDef()?.extensions[SAME_FOR_EVERY_VIEWER] !== true) {
          independent = false;
          return BREAK;
        }
        return undefined;
      },
      Directive(node) {
        if (node.name.value !== 'include' && node.name.value !== 'skip') {
          independent = false;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return independent;
}

import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../src/schema/build-schema';
import { selectsOnlyViewerIndependentFields } from '../../src/schema/viewer-independent';

// A live event is shared across callers only when every selected field is declared the same for
// every viewer (issue #11 fan-out: 1000 LMS keys on one session). Anything else stays per caller.

describe('selectsOnlyViewerIndependentFields', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema({ get: () => ({}) });
  });
  const check = (query: string) => selectsOnlyViewerIndependentFields(schema, parse(query));

  it('accepts the live attendance record with its student, fragments, __typename and @include', () => {
    expect(
      check(
        `subscription($s: ID!, $more: Boolean!) { attendanceMarked(sessionId: $s) { __typename id status note
          confidence updatedAt student { ...S } source @include(if: $more) } } fragment S on Student { id externalId name }`,
      ),
    ).toBe(true);
  });

  it("refuses any field that is not declared, such as a student's face samples or another feed", () => {
    expect(
      check(`subscription($s: ID!) { attendanceMarked(sessionId: $s) { id student { faces { id } } } }`),
    ).toBe(false);
    expect(
      check(
        `subscription($s: ID!) { attendanceMarked(sessionId: $s) { id student { history { status } } } }`,
      ),
    ).toBe(false);
    expect(check(`{ me { id } }`)).toBe(false);
    expect(check(`subscription($s: ID!) { attendanceMarked(sessionId: $s) { id @deprecated } }`)).toBe(false);
  });
});

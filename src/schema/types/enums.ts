import { registerEnumType } from 'type-graphql';
import { QualityIssue } from '../../inference/types';
import { ErrorCode } from '../../services/domain-error';

// Enums defined below the GraphQL edge (entities register their own), exposed so the client's
// generated types name every value and a renamed one breaks its build instead of its screens.

registerEnumType(QualityIssue, {
  name: 'QualityIssue',
  description:
    'What is wrong with a face: TOO_SMALL, BLURRY, POSE (turned away), UNDEREXPOSED (too dark), OVEREXPOSED (too bright), LOW_DETECTION_SCORE.',
});

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'The domain codes a failure carries in extensions.code (see the README error table).',
});

export { ErrorCode, QualityIssue };

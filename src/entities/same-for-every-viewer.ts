import { Extensions } from 'type-graphql';

/** The GraphQL field extension that SameForEveryViewer sets. */
export const SAME_FOR_EVERY_VIEWER = 'sameForEveryViewer';

/**
 * Declares that a field resolves to the same value for every viewer allowed to reach it: who may
 * see the object is decided before (at subscribe, by the parent's resolver), and the field reads
 * nothing of the viewer (no role check, no audit entry, no per-viewer link). A live event whose
 * selection has only such fields is executed once for all its subscribers of an institution, not
 * once per caller (src/schema/shared-subscribe.ts). Never put it on a field that consults the viewer.
 */
export const SameForEveryViewer = (): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Extensions({ [SAME_FOR_EVERY_VIEWER]: true });

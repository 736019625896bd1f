import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { PhotoFace } from '../../entities/photo-face.entity';

@ObjectType('ReembedProgress', {
  description: "How far stored profile faces are embedded by a configured model (the admin's institution).",
})
export class ReembedProgressType {
  @Field()
  model: string;

  @Field(() => Int, { description: 'Profile faces in the institution.' })
  total: number;

  @Field(() => Int, { description: 'Faces that have this model’s embedding.' })
  embedded: number;

  @Field(() => Int, {
    description: 'Faces this model could not embed (no face found again in the stored crop).',
  })
  failed: number;

  @Field({ description: 'Whether this instance is re-embedding for the model now.' })
  running: boolean;
}

@ObjectType('FaceCandidate', {
  description: 'A student the matcher considered for a face, with its fused confidence.',
})
export class FaceCandidateType {
  @Field(() => ID)
  studentId: string;

  @Field(() => Float, { description: 'Calibrated probability, 0..1.' })
  confidence: number;
}

@ObjectType('UnknownFaceCluster', {
  description: 'Unresolved faces of a course that look like one person, to name at once (assignFaces).',
})
export class UnknownFaceClusterType {
  @Field(() => ID, { description: 'The first face’s id; stable while the faces stay unresolved.' })
  id: string;

  @Field(() => [PhotoFace])
  faces: PhotoFace[];

  @Field(() => [ID], { description: 'Sessions the faces come from.' })
  sessionIds: string[];

  @Field(() => Int)
  size: number;
}

@ObjectType('FaceVerification', { description: '1:1 check of a class-photo face against one student.' })
export class FaceVerificationType {
  @Field(() => ID)
  faceId: string;

  @Field(() => ID)
  studentId: string;

  @Field(() => Float, { description: 'Calibrated probability that the face is the student, 0..1.' })
  confidence: number;

  @Field({ description: 'Whether the confidence reaches the automatic accept threshold.' })
  match: boolean;

  @Field(() => [String], { description: 'Models the score used (those both the face and the profile have).' })
  models: string[];
}

@ObjectType('SkippedFace')
export class SkippedFaceType {
  @Field(() => ID)
  faceId: string;

  @Field()
  reason: string;
}

@ObjectType('FaceAssignment', {
  description: 'Faces given to a student at once, and those that could not be.',
})
export class FaceAssignmentType {
  @Field(() => [PhotoFace])
  assigned: PhotoFace[];

  @Field(() => [SkippedFaceType])
  skipped: SkippedFaceType[];
}

@ObjectType('PhotoRecall')
export class PhotoRecallType {
  @Field(() => ID)
  photoId: string;

  @Field(() => Int, { description: 'Students recognised or confirmed in this photo alone.' })
  seen: number;
}

@ObjectType('SessionRecall', {
  description: 'How many enrolled students a session saw over all its photos, and in each photo.',
})
export class SessionRecallType {
  @Field(() => ID)
  sessionId: string;

  @Field(() => Int, { description: 'Students enrolled in the course.' })
  enrolled: number;

  @Field(() => Int, { description: 'Students seen in at least one photo (the union).' })
  seen: number;

  @Field(() => Float, { description: 'seen / enrolled (0 without enrolled students).' })
  recall: number;

  @Field(() => [PhotoRecallType], { description: 'Processed photos in submission order.' })
  perPhoto: PhotoRecallType[];
}

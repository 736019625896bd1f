import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { FaceSample } from '../entities/face-sample.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { Student } from '../entities/student.entity';
import type { Context } from '../schema/context';
import {
  FaceAssignmentType,
  FaceCandidateType,
  FaceVerificationType,
  ReembedProgressType,
  SessionRecallType,
  UnknownFaceClusterType,
} from '../schema/types/profile.type';
import type { FaceIdentityService } from '../services/face-identity.service';
import type { ReembedService } from '../services/reembed.service';

/** Profiles across models (issue 10): re-embedding progress, unknown-face groups, 1:1 verification. */
@Resolver()
export class ProfileResolver {
  constructor(
    private readonly identity: FaceIdentityService,
    private readonly reembed: ReembedService,
  ) {}

  @Query(() => [ReembedProgressType], {
    description: 'Admins: how far stored profile faces are embedded by each configured model.',
  })
  reembedProgress(@Ctx() ctx: Context): Promise<ReembedProgressType[]> {
    return this.reembed.progress(ctx.viewer);
  }

  @Query(() => [UnknownFaceClusterType], {
    description: "Unresolved faces across a course's sessions, grouped by likeness (largest first).",
  })
  async unknownFaceClusters(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('minFaces', () => Int, { defaultValue: 2 }) minFaces: number,
    @Ctx() ctx: Context,
  ): Promise<UnknownFaceClusterType[]> {
    const clusters = await this.identity.unknownClusters(ctx.viewer, courseId, minFaces);
    return clusters.map((c) => ({ ...c, size: c.faces.length }));
  }

  @Mutation(() => FaceAssignmentType, {
    description:
      'Names a group of faces at once (e.g. an unknown-face cluster): each is confirmed as the student.',
  })
  assignFaces(
    @Arg('faceIds', () => [ID]) faceIds: string[],
    @Arg('studentId', () => ID) studentId: string,
    @Ctx() ctx: Context,
  ): Promise<FaceAssignmentType> {
    return this.identity.assignFaces(ctx.viewer, faceIds, studentId);
  }

  @Query(() => SessionRecallType, {
    description: 'Students seen over all photos of a session (union) and in each photo.',
  })
  async sessionRecall(
    @Arg('sessionId', () => ID) sessionId: string,
    @Ctx() ctx: Context,
  ): Promise<SessionRecallType> {
    const r = await this.identity.sessionRecall(ctx.viewer, sessionId);
    return { ...r, recall: r.enrolled === 0 ? 0 : r.seen / r.enrolled };
  }

  @Query(() => FaceVerificationType, { description: '1:1: how likely a class-photo face is this student.' })
  verifyFace(
    @Arg('faceId', () => ID) faceId: string,
    @Arg('studentId', () => ID) studentId: string,
    @Ctx() ctx: Context,
  ): Promise<FaceVerificationType> {
    return this.identity.verifyFace(ctx.viewer, faceId, studentId);
  }
}

@Resolver(() => PhotoFace)
export class PhotoFaceCandidatesResolver {
  @FieldResolver(() => [FaceCandidateType], {
    description: "The matcher's top candidates for the face, best first (fused confidence).",
  })
  candidates(@Root() face: PhotoFace): FaceCandidateType[] {
    return face.candidates ?? [];
  }
}

@Resolver(() => FaceCandidateType)
export class FaceCandidateResolver {
  @FieldResolver(() => Student, { nullable: true })
  student(@Root() candidate: FaceCandidateType, @Ctx() ctx: Context): Promise<Student | null> {
    return ctx.loaders.student.load(candidate.studentId);
  }
}

@Resolver(() => FaceSample)
export class FaceSampleModelsResolver {
  @FieldResolver(() => [String], { description: 'Embedding models that have embedded this face.' })
  models(@Root() sample: FaceSample, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.sampleModels.load(sample.id);
  }

  @FieldResolver(() => String, {
    deprecationReason: 'A face has one embedding per model: use models.',
    description: 'The first model that embedded this face.',
  })
  async model(@Root() sample: FaceSample, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.loaders.sampleModels.load(sample.id))[0] ?? '';
  }
}

import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { CourseAction } from '../auth/access';
import { PhotoFace } from '../entities/photo-face.entity';
import { Student } from '../entities/student.entity';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import { Topic, type PhotoProcessedPayload } from '../pubsub';
import type { Context } from '../schema/context';
import { GraphQLUpload, readUpload, type FileUpload } from '../schema/upload';
import type { AttendanceService } from '../services/attendance.service';
import type { PhotoReviewService } from '../services/photo-review.service';
import type { PhotoSubmissionService } from '../services/photo-submission.service';
import type { PhotoService } from '../services/photo.service';
import { subscribeToSession } from './attendance.resolver';

@Resolver(() => SubmittedPhoto)
export class PhotoResolver {
  constructor(
    private readonly photos: PhotoService,
    private readonly submission: PhotoSubmissionService,
    private readonly sessions: AttendanceService,
    private readonly maxUploadBytes: number,
  ) {}

  @Query(() => SubmittedPhoto)
  photo(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<SubmittedPhoto> {
    return this.photos.get(ctx.viewer, id);
  }

  @Query(() => SubmittedPhoto, {
    nullable: true,
    description:
      'What became of a photo sent to a session, found by the hex sha256 of its bytes (for a client cut off ' +
      'before it learned the id); null when it was never stored.',
  })
  photoByHash(
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('contentHash') contentHash: string,
    @Ctx() ctx: Context,
  ): Promise<SubmittedPhoto | null> {
    return this.submission.findByHash(ctx.viewer, sessionId, contentHash);
  }

  @Mutation(() => SubmittedPhoto, {
    description:
      'Submits a class photo. Answers DONE with the faces when processing ends within the configured wait, ' +
      'else QUEUED (follow photoProcessed or query photo(id)). The same photo twice counts once; ' +
      'submitting a photo that failed transiently (DEAD_LETTER) queues it again.',
  })
  async submitPhoto(
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('photo', () => GraphQLUpload) photo: Promise<FileUpload>,
    @Ctx() ctx: Context,
  ): Promise<SubmittedPhoto> {
    // Refuse a closed or unknown session before reading the upload.
    await this.sessions.getOpen(ctx.viewer, sessionId, CourseAction.SUBMIT_PHOTOS);
    const bytes = await readUpload(photo, this.maxUploadBytes);
    await ctx.admitInference([bytes]);
    return this.submission.submit(ctx.viewer, sessionId, bytes);
  }

  @FieldResolver(() => String, { description: 'A short-lived link to the stored photo (EXIF removed).' })
  imageUrl(@Root() photo: SubmittedPhoto, @Ctx() ctx: Context): string {
    return ctx.mediaUrl('photos', photo.id);
  }

  @FieldResolver(() => [PhotoFace], { description: 'Faces found, left to right.' })
  async faces(@Root() photo: SubmittedPhoto, @Ctx() ctx: Context): Promise<PhotoFace[]> {
    return ctx.loaders.facesByPhoto.load(photo.id);
  }

  @Subscription(() => SubmittedPhoto, {
    description: 'Photos of the session as their status changes (QUEUED, PROCESSING, DONE, FAILED).',
    subscribe: subscribeToSession(Topic.PhotoProcessed),
  })
  async photoProcessed(
    @Root() event: PhotoProcessedPayload,
    @Arg('sessionId', () => ID) _sessionId: string,
    @Ctx() ctx: Context,
  ): Promise<SubmittedPhoto> {
    return this.photos.get(ctx.viewer, event.photoId);
  }
}

@Resolver(() => PhotoFace)
export class PhotoFaceResolver {
  constructor(private readonly review: PhotoReviewService) {}

  @FieldResolver(() => Student, { nullable: true, description: 'The student this face was matched to.' })
  student(@Root() face: PhotoFace, @Ctx() ctx: Context): Promise<Student | null> | null {
    return face.studentId ? ctx.loaders.student.load(face.studentId) : null;
  }

  @FieldResolver(() => String, { description: 'A short-lived link to the face crop.' })
  imageUrl(@Root() face: PhotoFace, @Ctx() ctx: Context): string {
    return ctx.mediaUrl('photo-faces', face.id);
  }

  @FieldResolver(() => Student, { nullable: true, description: 'Best candidate, also when not accepted.' })
  candidate(@Root() face: PhotoFace, @Ctx() ctx: Context): Promise<Student | null> | null {
    return face.candidateStudentId ? ctx.loaders.student.load(face.candidateStudentId) : null;
  }

  @Mutation(() => PhotoFace, {
    description:
      'Confirms whose face this is (the proposed student by default); marks them present without lowering their mark, and improves their profile. Undoable.',
  })
  confirmFace(
    @Arg('faceId', () => ID) faceId: string,
    @Arg('studentId', () => ID, { nullable: true }) studentId: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<PhotoFace> {
    return this.review.confirmFace(ctx.viewer, faceId, studentId);
  }

  @Mutation(() => PhotoFace, {
    description: 'Dismisses a face from the review queue (a stranger, a poster). Undoable.',
  })
  dismissFace(@Arg('faceId', () => ID) faceId: string, @Ctx() ctx: Context): Promise<PhotoFace> {
    return this.review.dismissFace(ctx.viewer, faceId);
  }
}

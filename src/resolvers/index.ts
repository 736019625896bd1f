import { AlertResolver } from './alert.resolver';
import { AnalyticsResolver } from './analytics.resolver';
import { AttendanceRecordResolver, AttendanceResolver } from './attendance.resolver';
import { AuthResolver } from './auth.resolver';
import { CourseResolver } from './course.resolver';
import { MetricsResolver } from './metrics.resolver';
import { OneRosterResolver } from './oneroster.resolver';
import { PhotoFaceResolver, PhotoResolver } from './photo.resolver';
import {
  FaceCandidateResolver,
  FaceSampleModelsResolver,
  PhotoFaceCandidatesResolver,
  ProfileResolver,
} from './profile.resolver';
import { PhotoFaceReviewResolver, SessionReviewResolver, StudentRosterResolver } from './review.resolver';
import { FaceSampleResolver, StudentResolver } from './student.resolver';
import { TimetableResolver } from './timetable.resolver';
import { WebhookResolver } from './webhook.resolver';

export const RESOLVERS = [
  CourseResolver,
  StudentResolver,
  AttendanceResolver,
  AttendanceRecordResolver,
  PhotoResolver,
  PhotoFaceResolver,
  FaceSampleResolver,
  AuthResolver,
  MetricsResolver,
  AnalyticsResolver,
  AlertResolver,
  ProfileResolver,
  PhotoFaceCandidatesResolver,
  FaceCandidateResolver,
  FaceSampleModelsResolver,
  SessionReviewResolver,
  PhotoFaceReviewResolver,
  StudentRosterResolver,
  OneRosterResolver,
  WebhookResolver,
  TimetableResolver,
] as const;

export {
  TimetableResolver,
  OneRosterResolver,
  WebhookResolver,
  AlertResolver,
  FaceCandidateResolver,
  FaceSampleModelsResolver,
  PhotoFaceCandidatesResolver,
  ProfileResolver,
  AnalyticsResolver,
  MetricsResolver,
  AuthResolver,
  FaceSampleResolver,
  AttendanceRecordResolver,
  AttendanceResolver,
  CourseResolver,
  PhotoFaceResolver,
  PhotoResolver,
  StudentResolver,
  SessionReviewResolver,
  PhotoFaceReviewResolver,
  StudentRosterResolver,
};

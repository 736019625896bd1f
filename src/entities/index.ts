import { AcademicTerm } from './academic-term.entity';
import { Alert } from './alert.entity';
import { ApiKey } from './api-key.entity';
import { AttendanceRecord } from './attendance-record.entity';
import { AttendanceSession } from './attendance-session.entity';
import { AuditEvent } from './audit-event.entity';
import { CourseEnrollment } from './course-enrollment.entity';
import { CourseScheduleSlot } from './course-schedule-slot.entity';
import { Course } from './course.entity';
import { FaceEmbedding, FaceEmbeddingFailure, PhotoFaceEmbedding } from './face-embedding.entity';
import { FaceSample } from './face-sample.entity';
import { Institution } from './institution.entity';
import { OneRosterImport } from './oneroster-import.entity';
import { PhotoFace } from './photo-face.entity';
import { RefreshToken } from './refresh-token.entity';
import { SessionAction } from './session-action.entity';
import { Student } from './student.entity';
import { SubmittedPhoto } from './submitted-photo.entity';
import { User } from './user.entity';
import { WebhookDelivery, WebhookSubscription } from './webhook.entity';

export const ENTITIES = [
  Institution,
  Course,
  Student,
  CourseEnrollment,
  FaceSample,
  FaceEmbedding,
  FaceEmbeddingFailure,
  PhotoFaceEmbedding,
  AttendanceSession,
  SubmittedPhoto,
  PhotoFace,
  AttendanceRecord,
  User,
  RefreshToken,
  ApiKey,
  AuditEvent,
  Alert,
  SessionAction,
  AcademicTerm,
  OneRosterImport,
  WebhookSubscription,
  WebhookDelivery,
  CourseScheduleSlot,
];

import { AttendanceRecord } from './attendance-record.entity';
import { AttendanceSession } from './attendance-session.entity';
import { CourseEnrollment } from './course-enrollment.entity';
import { Course } from './course.entity';
import { FaceSample } from './face-sample.entity';
import { Institution } from './institution.entity';
import { PhotoFace } from './photo-face.entity';
import { Student } from './student.entity';
import { SubmittedPhoto } from './submitted-photo.entity';

export const ENTITIES = [
  Institution,
  Course,
  Student,
  CourseEnrollment,
  FaceSample,
  AttendanceSession,
  SubmittedPhoto,
  PhotoFace,
  AttendanceRecord,
];

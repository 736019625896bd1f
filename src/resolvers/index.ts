import { AttendanceRecordResolver, AttendanceResolver } from './attendance.resolver';
import { CourseResolver } from './course.resolver';
import { PhotoFaceResolver, PhotoResolver } from './photo.resolver';
import { StudentResolver } from './student.resolver';

export const RESOLVERS = [
  CourseResolver,
  StudentResolver,
  AttendanceResolver,
  AttendanceRecordResolver,
  PhotoResolver,
  PhotoFaceResolver,
] as const;

export {
  AttendanceRecordResolver,
  AttendanceResolver,
  CourseResolver,
  PhotoFaceResolver,
  PhotoResolver,
  StudentResolver,
};

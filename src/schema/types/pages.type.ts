import { ObjectType } from 'type-graphql';
import { AttendanceSession } from '../../entities/attendance-session.entity';
import { AuditEvent } from '../../entities/audit-event.entity';
import { Course } from '../../entities/course.entity';
import { PhotoFace } from '../../entities/photo-face.entity';
import { Student } from '../../entities/student.entity';
import { SubmittedPhoto } from '../../entities/submitted-photo.entity';
import { Paginated } from './page.type';

@ObjectType()
export class CoursePage extends Paginated(Course) {}

@ObjectType()
export class StudentPage extends Paginated(Student) {}

@ObjectType()
export class SessionPage extends Paginated(AttendanceSession) {}

@ObjectType()
export class PhotoPage extends Paginated(SubmittedPhoto) {}

@ObjectType()
export class PhotoFacePage extends Paginated(PhotoFace) {}

@ObjectType()
export class AuditEventPage extends Paginated(AuditEvent) {}

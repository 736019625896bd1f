import { Field, ObjectType } from 'type-graphql';
import { AttendanceRecord } from '../../entities/attendance-record.entity';
import { FaceSample } from '../../entities/face-sample.entity';
import { Student } from '../../entities/student.entity';

@ObjectType({ description: 'Everything Rollcall keeps about one student (a subject-access request).' })
export class StudentDataExport {
  @Field()
  exportedAt: Date;

  @Field(() => Student)
  student: Student;

  @Field(() => [AttendanceRecord])
  records: AttendanceRecord[];

  @Field(() => [FaceSample], { description: 'Enrolled faces; each has an imageUrl to download the photo.' })
  faces: FaceSample[];
}

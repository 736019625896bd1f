import { Field, Float, ObjectType } from 'type-graphql';
import { ApiKey } from '../../entities/api-key.entity';
import { AttendanceRecord } from '../../entities/attendance-record.entity';
import { BoxType } from '../../entities/box.type';
import { FaceSample } from '../../entities/face-sample.entity';
import { Student } from '../../entities/student.entity';
import { User } from '../../entities/user.entity';

@ObjectType()
export class AuthPayload {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`; short-lived.' })
  accessToken: string;

  @Field({ description: 'Exchange with refreshSession for a new pair; single use.' })
  refreshToken: string;

  @Field({ description: 'When the access token expires.' })
  expiresAt: Date;

  @Field(() => User)
  user: User;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'The key itself. Shown once; only a hash is stored.' })
  secret: string;
}

@ObjectType({ description: 'What enrollment would say about a photo; nothing is stored.' })
export class FaceAssessment {
  @Field({ description: 'True when the photo can be enrolled.' })
  ok: boolean;

  @Field(() => String, { nullable: true, description: 'The error code enrollment would give.' })
  code: string | null;

  @Field()
  message: string;

  @Field(() => [String], { description: 'Quality issues: TOO_SMALL, BLURRY, POSE, DARK, BRIGHT, ...' })
  issues: string[];

  @Field(() => Float, { nullable: true })
  quality: number | null;

  @Field(() => BoxType, { nullable: true })
  box: BoxType | null;
}

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

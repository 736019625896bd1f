import { Field, Float, ObjectType } from 'type-graphql';
import { BoxType } from '../../entities/box.type';
import { ErrorCode, QualityIssue } from './enums';

@ObjectType({ description: 'What enrollment would say about a photo; nothing is stored.' })
export class FaceAssessment {
  @Field({ description: 'True when the photo can be enrolled.' })
  ok: boolean;

  @Field(() => ErrorCode, { nullable: true, description: 'The error code enrollment would give.' })
  code: ErrorCode | null;

  @Field()
  message: string;

  @Field(() => [QualityIssue], { description: 'What is wrong with the face, if anything.' })
  issues: QualityIssue[];

  @Field(() => Float, { nullable: true })
  quality: number | null;

  @Field(() => BoxType, { nullable: true })
  box: BoxType | null;
}

import { Field, Float, ObjectType } from 'type-graphql';
import { BoxType } from '../../entities/box.type';

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

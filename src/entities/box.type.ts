import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('Box', { description: 'A face box in pixels of the upright original photo.' })
export class BoxType {
  @Field(() => Int)
  x: number;

  @Field(() => Int)
  y: number;

  @Field(() => Int)
  width: number;

  @Field(() => Int)
  height: number;
}

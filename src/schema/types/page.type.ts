import { Max, Min } from 'class-validator';
import type { ClassType } from 'type-graphql';
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 0 })
  @Min(0)
  skip: number = 0;

  @Field(() => Int, { defaultValue: 50, description: 'Page size, at most 200.' })
  @Min(1)
  @Max(200)
  take: number = 50;
}

export function Paginated<T extends object>(itemClass: ClassType<T>) {
  @ObjectType()
  abstract class PageClass {
    @Field(() => [itemClass])
    items: T[];

    @Field(() => Int)
    total: number;

    @Field()
    hasMore: boolean;
  }
  return PageClass;
}

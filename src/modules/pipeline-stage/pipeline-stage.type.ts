import { Field, Float, Int, ObjectType } from 'type-graphql';
import { StageCategory } from '../../common/graphql/enums';

@ObjectType({ simpleResolvers: true })
export class PipelineStage {
  @Field() key: string;
  @Field() label: string;
  @Field(() => Int) position: number;
  @Field(() => StageCategory) category: StageCategory;
  @Field(() => Float, { description: 'Default win probability of an open deal in this stage, 0..1.' })
  probability: number;
}

import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { WRITERS } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { Context, Deps } from '../../context';
import { UserInput } from './user.inputs';
import { allUsers, userByEmail } from './user.repository';
import { upsertUsers } from './user.service';
import { User } from './user.type';

@Authorized()
@Resolver(() => User)
export class UserResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => User, {
    nullable: true,
    description: "The caller: its user record when the token subject is a known email, with the token's role.",
  })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    const v = ctx.viewer!;
    const user = await userByEmail(this.deps.ds, v.sub);
    return user ? { ...user, role: v.role } : { id: v.sub, email: v.sub, name: null, role: v.role };
  }

  @Query(() => [User])
  users(): Promise<User[]> {
    return allUsers(this.deps.ds);
  }

  @Authorized(WRITERS.users)
  @Mutation(() => BulkResult)
  upsertUsers(
    @Arg('input', () => [UserInput]) input: UserInput[],
    @Arg('allOrNone', () => Boolean, { nullable: true, defaultValue: false }) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return upsertUsers(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }
}

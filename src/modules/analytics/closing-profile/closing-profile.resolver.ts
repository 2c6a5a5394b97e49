import { Arg, Authorized, Query, Resolver } from 'type-graphql';
import { Deps } from '../../../context';
import { closingProfile } from './closing-profile.service';
import { ClosingProfile, ClosingProfileInput } from './closing-profile.types';
import { onReplica } from '../../../db/read-routing';

/** Which deals close (definitions.md §10): every role reads. */
@Authorized()
@Resolver()
export class ClosingProfileResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => ClosingProfile, {
    description:
      'Which deals close (or which MQLs sales accepts), by property value: rate with its Wilson interval, odds ratio ' +
      "against the rest with its interval, Fisher's exact p and the Benjamini–Hochberg q over the whole report.",
  })
  closingProfile(@Arg('input', () => ClosingProfileInput) input: ClosingProfileInput): Promise<ClosingProfile> {
    return onReplica(this.deps.ds, (db) => closingProfile(db, input));
  }
}

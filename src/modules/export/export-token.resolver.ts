import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { EXPORT_TOKEN_ADMINS } from '../../common/auth/viewer';
import { Context, Deps } from '../../context';
import { createExportToken, exportTokens, revokeExportToken } from './export-token.service';
import { ExportToken, ExportTokenInput, ExportTokenSecret } from './export-token.types';

/** Export tokens for spreadsheet tools: REVOPS and ADMIN hand them out (definitions §7). */
@Authorized(EXPORT_TOKEN_ADMINS)
@Resolver()
export class ExportTokenResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => [ExportToken], { description: 'Every export token, newest first (secrets are never shown again).' })
  exportTokens(): Promise<ExportToken[]> {
    return exportTokens(this.deps.ds);
  }

  @Mutation(() => ExportTokenSecret, {
    description:
      'A read-only token for the HTTP exports that may ride in the URL (?token=) of Excel "From Web" or Google Sheets ' +
      'IMPORTDATA: it acts as ANALYST on /export only (not /graphql), expires, and can be revoked. Returned once.',
  })
  createExportToken(
    @Arg('input', () => ExportTokenInput) input: ExportTokenInput,
    @Ctx() ctx: Context,
  ): Promise<ExportTokenSecret> {
    return createExportToken(this.deps.transactions, ctx.viewer!, input);
  }

  @Mutation(() => ExportToken, { description: 'Revokes an export token at once (already revoked: unchanged).' })
  revokeExportToken(@Arg('id', () => ID) id: string): Promise<ExportToken> {
    return revokeExportToken(this.deps.transactions, id);
  }
}

import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description:
    'A read-only credential for the HTTP exports that may ride in the URL (?token=) for spreadsheet tools: it acts as ' +
    'ANALYST (no personal data) on /export only, until it expires or is revoked. Only its hash is kept.',
})
export class ExportToken {
  @Field(() => ID) id: string;
  @Field({ description: 'What it is for (which workbook, whose).' }) name: string;
  @Field({ description: 'Who created it (the token subject).' }) createdBy: string;
  @Field({ description: 'When it was created.' }) createdAt: Date;
  @Field({ description: 'When it stops working.' }) expiresAt: Date;
  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while valid.' }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When an export last used it (to the minute).' })
  lastUsedAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'A new export token with its secret (shown only here).' })
export class ExportTokenSecret {
  @Field(() => ExportToken, { description: 'The token.' }) exportToken: ExportToken;
  @Field({
    description:
      'The secret (fxt_…): append ?token=… (or &token=…) to an export URL. It is not shown again; keep it like a ' +
      'password (URLs end up in histories and proxies), revoke it when the workbook is retired.',
  })
  token: string;
}

@InputType({ description: 'A new export token.' })
export class ExportTokenInput {
  @Field({ description: 'What it is for (1–200 characters).' }) name: string;
  @Field(() => Int, { nullable: true, defaultValue: 90, description: 'Days until it expires (1–366; default 90).' })
  expiresInDays?: number | null;
}

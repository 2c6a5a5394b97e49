/**
 * What a front end gets from the committed schema: `npx graphql-codegen` with the client preset (codegen.ts) turns
 * examples/operations/*.graphql into typed documents, so results and variables are checked by the compiler.
 * The test (test/contract/codegen.test.ts) generates the types into ./generated and type-checks this file.
 */
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { DealsPageDocument, FunnelDocument, MoveDealStageDocument } from './generated/graphql';

type DealsPage = ResultOf<typeof DealsPageDocument>;

export async function request<D extends import('@graphql-typed-document-node/core').TypedDocumentNode<any, any>>(
  url: string,
  token: string,
  document: D,
  variables: VariablesOf<D>,
  print: (d: D) => string,
): Promise<ResultOf<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as {
    data?: ResultOf<D>;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors?.length) throw new Error(`${body.errors[0].extensions?.code}: ${body.errors[0].message}`);
  return body.data!;
}

/** Compile-time checks: field names, nullability and enum values come from the schema. */
export function boardColumns(page: DealsPage): Record<string, number> {
  const byStage: Record<string, number> = {};
  for (const d of page.deals.nodes) byStage[d.stage.key] = (byStage[d.stage.key] ?? 0) + d.amount;
  return byStage;
}

export const conversion = (r: ResultOf<typeof FunnelDocument>) =>
  r.funnel.steps.map((s) => [s.stage, s.conversionFromPrevious?.value ?? null] as const);

export const move: VariablesOf<typeof MoveDealStageDocument> = { id: '1', stage: 'PROPOSAL', expectedVersion: 3 };

import { GraphQLResolveInfo } from 'graphql';
import { Loaders } from '../../common/dataloader/create-loaders';
import { reviveDates, selectedFields } from '../../common/dataloader/prime';
import { Account } from '../account/account.type';
import { LeadRow } from '../lead/lead.type';
import { User } from '../user/user.type';
import { DealChildren, DealWithChildren } from './deal.repository';

const LEAD_DATES = ['createdAt', 'mqlAt', 'salAt', 'sqlAt', 'opportunityAt', 'customerAt'] as const;

/** Which children of the deals at any of the paths (e.g. connection nodes and edges' node) the query asked for. */
export function dealChildren(info: GraphQLResolveInfo, ...paths: string[][]): DealChildren {
  const f = new Set(paths.flatMap((p) => [...selectedFields(info, p)]));
  return { account: f.has('account'), owner: f.has('owner'), leads: f.has('leads') };
}

/** Primes the request's loaders with the embedded children and strips them from the rows. */
export function primeDealChildren<T extends DealWithChildren>(loaders: Loaders, deals: T[]): T[] {
  for (const d of deals) {
    if (d._account !== undefined) {
      if (d.accountId) loaders.account.prime(d.accountId, d._account ? reviveDates<Account>(d._account, ['createdAt']) : null);
      delete d._account;
    }
    if (d._owner !== undefined) {
      if (d.ownerId) loaders.user.prime(d.ownerId, (d._owner as unknown as User) ?? null);
      delete d._owner;
    }
    if (d._leads !== undefined) {
      loaders.leadsByDeal.prime(d.id, d._leads.map((l) => reviveDates<LeadRow>(l, LEAD_DATES)));
      delete d._leads;
    }
  }
  return deals;
}

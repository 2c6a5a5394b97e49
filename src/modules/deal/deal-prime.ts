import { GraphQLResolveInfo } from 'graphql';
import { Loaders } from '../../loaders';
import { reviveDates, selectedFields } from '../../common/dataloader/prime';
import { Account } from '../account/account.type';
import { LeadRow } from '../lead/lead.type';
import { User } from '../user/user.type';
import { DEAL_FIELDS, DealChildren, DealWithChildren } from './deal.repository';
import { columnsFor, perSelection } from '../../common/dataloader/columns';
import { ACCOUNT_FIELDS } from '../account/account.repository';
import { LEAD_FIELDS } from '../lead/lead.repository';
import { USER_FIELDS } from '../user/user.repository';

const LEAD_DATES = ['createdAt', 'mqlAt', 'salAt', 'sqlAt', 'opportunityAt', 'customerAt'] as const;

/**
 * What to fetch for the deals at any of the paths (e.g. connection nodes and edges' node): the columns the operation
 * reads on Deal, and the children asked for there with the columns it reads on their types (columns.ts). The same
 * object for every execution of an operation (perSelection), so the statements built from it are kept (deal.repository).
 */
export function dealChildren(info: GraphQLResolveInfo, ...paths: string[][]): DealChildren {
  return perSelection(info, `deal:${paths.join('|')}`, () => childrenAt(info, paths));
}

function childrenAt(info: GraphQLResolveInfo, paths: string[][]): DealChildren {
  const f = new Set(paths.flatMap((p) => [...selectedFields(info, p)]));
  return {
    deal: columnsFor(info, 'Deal', DEAL_FIELDS, ['id', 'accountId', 'ownerId', 'stageKey']),
    account: f.has('account') ? columnsFor(info, 'Account', ACCOUNT_FIELDS, ['id']) : undefined,
    owner: f.has('owner') ? columnsFor(info, 'User', USER_FIELDS, ['id']) : undefined,
    leads: f.has('leads') ? columnsFor(info, 'Lead', LEAD_FIELDS, ['id', 'accountId', 'ownerId']) : undefined,
  };
}

/**
 * Primes the request's loaders with the embedded children and empties those columns on the rows (set to undefined,
 * not deleted: `delete` turns a V8 object into a slow dictionary for every later field read).
 */
export function primeDealChildren<T extends DealWithChildren>(loaders: Loaders, deals: T[]): T[] {
  for (const d of deals) {
    if (d._account !== undefined) {
      if (d.accountId)
        loaders.account.prime(d.accountId, d._account ? reviveDates<Account>(d._account, ['createdAt']) : null);
      d._account = undefined;
    }
    if (d._owner !== undefined) {
      if (d.ownerId) loaders.user.prime(d.ownerId, (d._owner as unknown as User) ?? null);
      d._owner = undefined;
    }
    if (d._leads !== undefined) {
      loaders.leadsByDeal.prime(
        d.id,
        d._leads.map((l) => reviveDates<LeadRow>(l, LEAD_DATES)),
      );
      d._leads = undefined;
    }
  }
  return deals;
}

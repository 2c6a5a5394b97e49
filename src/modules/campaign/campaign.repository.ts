import { addListFilters } from '../../common/graphql/list-filter';
import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { PageWindow, SortSpec, Where, windowSql } from '../../common/graphql/keyset';
import { CampaignFilter } from './campaign.inputs';
import { Campaign } from './campaign.type';

export const CAMPAIGN_COLUMNS = `c.id::text AS id, c.external_id AS "externalId", c.name, c.channel, c.starts_at AS "startsAt",
  c.ends_at AS "endsAt", c.budget::float8 AS budget, c.created_at AS "createdAt",
  c.updated_at AS "updatedAt", c.archived_at AS "archivedAt"`;
export const CAMPAIGN_SORT: SortSpec = { expr: 'c.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'c.id' };

export async function campaignsByIds(db: Queryable, ids: readonly string[]): Promise<Campaign[]> {
  return preparedRows<Campaign>(db, `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c WHERE c.id = ANY($1::bigint[])`, [
    ids,
  ]);
}

function filterWhere(filter: CampaignFilter | null | undefined): Where {
  const w = new Where();
  if (filter?.channels) w.add(`c.channel = ANY(${w.param(filter.channels)}::text[])`);
  addListFilters(w, filter, {
    alias: 'c',
    searchIn: [`(c.name || ' ' || coalesce(c.external_id, ''))`],
    lifecycle: true,
  });
  return w;
}

export async function listCampaigns(
  db: Queryable,
  filter: CampaignFilter | null | undefined,
  win: PageWindow,
): Promise<(Campaign & { sortKey: string })[]> {
  const w = filterWhere(filter);
  const tail = windowSql(w, CAMPAIGN_SORT, win);
  return preparedRows(
    db,
    `SELECT ${CAMPAIGN_COLUMNS}, ${CAMPAIGN_SORT.expr}::text AS "sortKey" FROM campaigns c ${w.sql()} ${tail}`,
    w.params,
  );
}

export async function countCampaigns(db: Queryable, filter: CampaignFilter | null | undefined): Promise<number> {
  const w = filterWhere(filter);
  return Number((await rows<{ n: string }>(db, `SELECT count(*) AS n FROM campaigns c ${w.sql()}`, w.params))[0].n);
}

/**
 * Campaign.spend for many campaigns over one range: the sum of daily spend with day in [from, to), where a day
 * counts when its UTC midnight falls in the range; all spend when both bounds are omitted.
 */
export async function spendByCampaignIds(
  db: Queryable,
  ids: readonly string[],
  from: Date | null,
  to: Date | null,
): Promise<Map<string, number>> {
  const r = await rows<{ id: string; spend: number }>(
    db,
    `
    SELECT s.campaign_id::text AS id, sum(s.amount)::float8 AS spend FROM campaign_spend s
    WHERE s.campaign_id = ANY($1::bigint[])
      AND ($2::timestamptz IS NULL OR (s.day::timestamp AT TIME ZONE 'UTC') >= $2)
      AND ($3::timestamptz IS NULL OR (s.day::timestamp AT TIME ZONE 'UTC') < $3)
    GROUP BY s.campaign_id`,
    [ids, from, to],
  );
  return new Map(r.map((x) => [x.id, x.spend]));
}

import { Param, sql, Sql } from '../../../db/sql-tag';
import { DEAL_CHANGE_ORDER_DESC } from '../../deal/deal.repository';

/**
 * Body of a LATERAL subquery giving a deal's latest stage change at or before `asOf` (definitions.md section 3: its
 * outcome then): category, at, probability, position. Ties in the replay order (time, ladder rank, LOST last, arrival).
 */
export const latestChangeAsOf = (dealId: string, asOf: Param | Sql) => sql`
        SELECT s.category, c.occurred_at AS at, s.probability, s.position FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
        WHERE c.deal_id = ${dealId} AND c.occurred_at <= ${asOf}
        ORDER BY ${DEAL_CHANGE_ORDER_DESC}
        LIMIT 1`;

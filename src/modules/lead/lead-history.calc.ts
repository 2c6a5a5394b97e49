import { LADDER, LeadEvent, LifecycleStage } from '../../common/graphql/enums';

/** One event of a lead in replay order (definitions.md section 1): log rows and deal-derived OPPORTUNITY/CUSTOMER. */
export interface ReplayEvent {
  logId: string | null;
  event: string;
}

export interface StageMove {
  logId: string;
  fromStage: LifecycleStage | null;
  toStage: LifecycleStage | null;
}

const ON_LADDER = new Set<string>(LADDER);

/**
 * Replays a lead's events (already in order) and gives each log row the stage before it and the stage it moves
 * to: a ladder event moves to that stage, RECYCLED back to LEAD; REJECTED and DISQUALIFIED change the status only
 * (toStage null).
 */
export function replayStageMoves(events: ReplayEvent[]): StageMove[] {
  let stage: LifecycleStage | null = null;
  const out: StageMove[] = [];
  for (const e of events) {
    const before: LifecycleStage | null = stage;
    let to: LifecycleStage | null = null;
    if (ON_LADDER.has(e.event)) to = e.event as LifecycleStage;
    else if (e.event === LeadEvent.RECYCLED) to = LifecycleStage.LEAD;
    if (to) stage = to;
    if (e.logId !== null) out.push({ logId: e.logId, fromStage: before, toStage: to });
  }
  return out;
}

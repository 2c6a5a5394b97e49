import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, WriteContext, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { badInput, notFound } from '../../common/errors/app-error';
import { LeadEvent } from '../../common/graphql/enums';
import { dbId } from '../../common/graphql/ids';
import { checkEmail, checkExternalId, checkInstant, checkText, has } from '../../common/validation/checks';
import { TransactionRunner } from '../../db/transaction';
import { resolveOwner, userIdsByEmail } from '../user/user.repository';
import { LeadInput, LeadStageChangeInput, MoveLeadStageInput } from './lead.inputs';
import { erasedLeads, leadsByIds } from './lead.repository';
import { LeadRow } from './lead.type';
import { LeadEventWrite, LeadWrite, refreshLeads, writeLead, writeLeadEvent, writeLeads } from './lead.write';

const RETURNS = new Set<string>([LeadEvent.REJECTED, LeadEvent.RECYCLED, LeadEvent.DISQUALIFIED]);

function checkLeadEvent(
  event: LeadEvent,
  reason: string | null | undefined,
  note: string | null | undefined,
  occurredAt: Date,
  now: Date,
): void {
  if (event === LeadEvent.LEAD)
    throw badInput("A lead's LEAD entry is its createdAt: set it with upsertLeads", 'event');
  if (reason != null && !RETURNS.has(event))
    throw badInput('reason is only for REJECTED, RECYCLED and DISQUALIFIED', 'reason');
  checkText(note, 'note', 2000);
  checkInstant(occurredAt, 'occurredAt', now);
}

const leadSpec: BulkSpec<LeadInput, LeadWrite> = {
  key: (l) => l.externalId,
  externalId: (l) => l.externalId,
  async prepare(items, ctx) {
    const accounts = await idsByExternalId(
      ctx.tx,
      'accounts',
      items.map((l) => l.accountExternalId),
    );
    const owners = await userIdsByEmail(
      ctx.tx,
      items.map((l) => l.ownerEmail),
    );
    const erased = await erasedLeads(
      ctx.tx,
      items.map((l) => l.externalId),
    );
    return prepareEach(items, (l) => {
      checkExternalId(l.externalId);
      checkEmail(l.email, 'email');
      for (const f of ['firstName', 'lastName', 'title'] as const) checkText(l[f], f, 500);
      checkInstant(l.createdAt, 'createdAt', ctx.now);
      if (has(l, 'createdAt') && l.createdAt === null) throw badInput('createdAt cannot be cleared', 'createdAt');
      return {
        externalId: l.externalId,
        // an erased person's data does not come back with the next sync
        ...(erased.has(l.externalId) ? {} : { email: l.email, firstName: l.firstName, lastName: l.lastName }),
        title: l.title,
        source: l.source,
        score: l.score,
        createdAt: l.createdAt,
        accountId: resolveRef(accounts, l.accountExternalId, 'Account', 'accountExternalId'),
        ownerId: resolveOwner(owners, l.ownerEmail),
      };
    });
  },
  write: writeLead,
  writeMany: writeLeads,
  finish: (ctx) => refreshLeads(ctx.tx, ctx.touchedLeads),
};

const eventKey = (e: LeadStageChangeInput) =>
  `${e.leadExternalId}|${e.event}|${e.occurredAt?.toISOString?.() ?? 'now'}`;

/** An event as given: occurredAt null = "now, unless it is already the latest". */
type LeadEventItem = LeadEventWrite & { given: boolean };

const leadEventSpec: BulkSpec<LeadStageChangeInput, LeadEventItem> = {
  key: eventKey,
  externalId: (e) => e.leadExternalId,
  async prepare(items, ctx) {
    const leads = await idsByExternalId(
      ctx.tx,
      'leads',
      items.map((e) => e.leadExternalId),
    );
    return prepareEach(items, (e) => {
      checkLeadEvent(e.event, e.reason, e.note, e.occurredAt ?? ctx.now, ctx.now);
      return {
        leadId: resolveRef(leads, e.leadExternalId, 'Lead', 'leadExternalId')!,
        event: e.event,
        occurredAt: e.occurredAt ?? ctx.now,
        given: !!e.occurredAt,
        reason: e.reason ?? null,
        note: e.note ?? null,
      };
    });
  },
  write: ({ given, ...e }, ctx) => writeLeadEvent(e, ctx, !given),
  finish: (ctx) => refreshLeads(ctx.tx, ctx.touchedLeads),
};

export const upsertLeads = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: LeadInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, leadSpec);

export const recordLeadStageChanges = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: LeadStageChangeInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, leadEventSpec);

/** One hand-off step on one lead; returns the lead as it is after the step. */
export async function moveLeadStage(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: MoveLeadStageInput,
): Promise<LeadRow> {
  const now = new Date();
  const occurredAt = input.occurredAt ?? now;
  checkLeadEvent(input.event, input.reason, input.note, occurredAt, now);
  const leadId = dbId(input.leadId);
  return transactions.run(async (tx) => {
    const found = leadId ? await leadsByIds(tx, [leadId]) : [];
    if (found.length === 0) throw notFound('Lead', input.leadId, 'leadId');
    const ctx: WriteContext = { tx, viewer, now, touchedLeads: new Set(), touchedDeals: new Set() };
    await writeLeadEvent(
      { leadId: leadId!, event: input.event, occurredAt, reason: input.reason ?? null, note: input.note ?? null },
      ctx,
      !input.occurredAt,
    );
    await refreshLeads(tx, ctx.touchedLeads);
    return (await leadsByIds(tx, [leadId!]))[0];
  });
}

import { Viewer } from '../../common/auth/viewer';
import { notFound } from '../../common/errors/app-error';
import { checkExternalId } from '../../common/validation/checks';
import { exec, rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';

/**
 * Erases a lead's personal data on request (GDPR Art. 17): email, first and last name are cleared on the lead, every
 * hand-off note of its history is cleared (free text about the person), and the time is recorded. The audit log holds
 * these fields only redacted, so nothing of them is left there; stored idempotent responses that quote the lead's email
 * or names are dropped (a retry of such a request runs again instead of replaying them). Analytics use none of these
 * fields, so every number stays as it was. Idempotent: erasing again changes nothing. The erasure sticks: a later
 * upsert of the lead (a CRM sync sending the email again) leaves these fields empty.
 */
export async function eraseLeadPersonalData(
  transactions: TransactionRunner,
  viewer: Viewer,
  externalId: string,
): Promise<string> {
  checkExternalId(externalId);
  return transactions.run(async (tx) => {
    const [lead] = await rows<{
      id: string;
      email: string | null;
      first_name: string | null;
      last_name: string | null;
    }>(tx, `SELECT id::text AS id, email, first_name, last_name FROM leads WHERE external_id = $1 FOR UPDATE`, [
      externalId,
    ]);
    if (!lead) throw notFound('Lead', externalId, 'externalId');
    const quoted = [lead.email, lead.first_name, lead.last_name].filter((v): v is string => !!v && v.length >= 3);
    if (quoted.length)
      await exec(
        tx,
        `DELETE FROM idempotency_keys WHERE status = 'DONE' AND EXISTS (
           SELECT 1 FROM unnest($1::text[]) v WHERE strpos(response::text, to_jsonb(v)::text) > 0)`,
        [quoted],
      );
    await exec(tx, `UPDATE lead_stage_changes SET note = NULL WHERE lead_id = $1 AND note IS NOT NULL`, [lead.id]);
    await exec(
      tx,
      `UPDATE leads SET email = NULL, first_name = NULL, last_name = NULL,
         personal_data_erased_at = coalesce(personal_data_erased_at, now()), version = version + 1, updated_at = now()
       WHERE id = $1 AND (personal_data_erased_at IS NULL OR (email, first_name, last_name) IS DISTINCT FROM (NULL, NULL, NULL))`,
      [lead.id],
    );
    return lead.id;
  });
}

import { Field, InputType, registerEnumType } from 'type-graphql';
import { badInput } from '../errors/app-error';
import { checkText } from '../validation/checks';
import { Where } from './keyset';

/** Which records a list shows by their lifecycle (archived and merged records are archived). */
export enum ArchivedScope {
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
  ALL = 'ALL',
}
registerEnumType(ArchivedScope, {
  name: 'ArchivedScope',
  description: 'Which records a list shows: archived (and merged-away) records are hidden unless asked for.',
  valuesConfig: {
    ACTIVE: { description: 'Only records that are not archived (the default).' },
    ARCHIVED: { description: 'Only archived records, merged-away ones included (they carry mergedInto).' },
    ALL: { description: 'Both.' },
  },
});

/** The filter fields every root list shares: text search, incremental sync, lifecycle. */
/** Each list's filter extends it (type-graphql copies the fields; the base type itself is in no field of the schema). */
@InputType()
export class ListFilterFields {
  @Field(() => String, {
    nullable: true,
    description:
      'Case-insensitive text that must occur in the record (names, emails, domains and externalId; see each list). ' +
      '1 to 200 characters; from 3 characters on it is served by a trigram index.',
  })
  search?: string | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'Only records changed at or after this instant (derived changes included: a lead whose deal was won). For ' +
      "incremental sync: order by UPDATED_AT and start the next run from the last run's start minus a minute.",
  })
  updatedSince?: Date | null;
  @Field(() => ArchivedScope, {
    nullable: true,
    defaultValue: ArchivedScope.ACTIVE,
    description: 'Active records only (the default), archived ones only, or both.',
  })
  archived?: ArchivedScope | null;
}

/** `%text%` for ILIKE, with the pattern characters of the text taken literally. */
export function searchPattern(text: string, field = 'filter.search'): string {
  const t = text.trim();
  if (t === '' || t.length > 200) throw badInput('search must be 1 to 200 characters', field);
  checkText(t, field, 200);
  return `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ListFilterColumns {
  /** Table alias, e.g. 'l'. */
  alias: string;
  /** Text expressions `search` is matched against (each with a trigram index on the same expression). */
  searchIn: string[];
  /** The column updatedSince compares (updated_at, or recorded_at for log-like tables). */
  updated?: string;
  /** Whether the table has archived_at. */
  lifecycle?: boolean;
}

/** Adds search, updatedSince and the archived scope of a list's filter to its WHERE. */
export function addListFilters(w: Where, f: ListFilterFields | null | undefined, cols: ListFilterColumns): void {
  if (f?.search != null && cols.searchIn.length) {
    const p = w.param(searchPattern(f.search));
    w.add(`(${cols.searchIn.map((e) => `${e} ILIKE ${p}`).join(' OR ')})`);
  }
  if (f?.updatedSince)
    w.add(`${cols.alias}.${cols.updated ?? 'updated_at'} >= ${w.param(f.updatedSince)}::timestamptz`);
  if (cols.lifecycle) {
    const scope = f?.archived ?? ArchivedScope.ACTIVE;
    if (scope === ArchivedScope.ACTIVE) w.add(`${cols.alias}.archived_at IS NULL`);
    if (scope === ArchivedScope.ARCHIVED) w.add(`${cols.alias}.archived_at IS NOT NULL`);
  }
}

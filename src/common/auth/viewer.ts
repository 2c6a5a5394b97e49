import { Role } from '../graphql/enums';

/** Who is calling, from a verified token. */
export interface Viewer {
  sub: string;
  role: Role;
}

/** Roles allowed to write each kind of record (definitions.md section 7). */
export const WRITERS = {
  users: [Role.ADMIN],
  accounts: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SALES, Role.SERVICE],
  campaigns: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SERVICE],
  leads: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SERVICE],
  touchpoints: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SERVICE],
  leadHandoff: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SALES, Role.SERVICE],
  deals: [Role.ADMIN, Role.REVOPS, Role.SALES, Role.SERVICE],
} as const satisfies Record<string, readonly Role[]>;

/** Webhook endpoints, their delivery log and replay (URLs and signing secrets): definitions §7. */
export const WEBHOOK_ADMINS = [Role.ADMIN, Role.REVOPS] as const;

/** Export tokens (read-only credentials for spreadsheet tools, ANALYST on /export): definitions §7. */
export const EXPORT_TOKEN_ADMINS = [Role.ADMIN, Role.REVOPS] as const;

/** Data stewardship (definitions §7): merging duplicates, erasing a person's data on request. */
export const LIFECYCLE = {
  merge: [Role.ADMIN, Role.REVOPS],
  erase: [Role.ADMIN],
} as const satisfies Record<string, readonly Role[]>;

/** ANALYST tokens read everything except personal fields. */
export const canSeePersonalData = (viewer: Viewer | null): boolean => !!viewer && viewer.role !== Role.ANALYST;

/** The qualification agreement (definitions §7, §8): who drafts, approves for which side, and retires. */
export const QUALIFICATION = {
  draft: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SALES],
  retire: [Role.ADMIN, Role.REVOPS],
  /** Either side may approve; which pair completes an approval is the service's rule (approvalsComplete). */
  approve: [Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.SALES],
  marketingSide: [Role.ADMIN, Role.REVOPS, Role.MARKETING],
  salesSide: [Role.ADMIN, Role.REVOPS, Role.SALES],
} as const satisfies Record<string, readonly Role[]>;

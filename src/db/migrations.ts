import { Foundation1763856000000 } from '../../migrations/1763856000000-Foundation';
import { KpiTargets1763942400000 } from '../../migrations/1763942400000-KpiTargets';
import { IdempotencyKeys1764028800000 } from '../../migrations/1764028800000-IdempotencyKeys';
import { AuditLog1764115200000 } from '../../migrations/1764115200000-AuditLog';
import { AttributionCredit1764201600000 } from '../../migrations/1764201600000-AttributionCredit';
import { MilestoneIndexes1764288000000 } from '../../migrations/1764288000000-MilestoneIndexes';
import { FunnelRollup1764374400000 } from '../../migrations/1764374400000-FunnelRollup';
import { KpiRollup1764460800000 } from '../../migrations/1764460800000-KpiRollup';
import { MarkovRollup1764547200000 } from '../../migrations/1764547200000-MarkovRollup';
import { WonDealsIndex1764633600000 } from '../../migrations/1764633600000-WonDealsIndex';
import { BiViews1764720000000 } from '../../migrations/1764720000000-BiViews';
import { ChangeNotify1764806400000 } from '../../migrations/1764806400000-ChangeNotify';
import { BiReaderHardening1764892800000 } from '../../migrations/1764892800000-BiReaderHardening';
import { ListsAndLifecycle1764979200000 } from '../../migrations/1764979200000-ListsAndLifecycle';
import { ArchiveAnalytics1765065600000 } from '../../migrations/1765065600000-ArchiveAnalytics';
import { ChangeOutbox1765152000000 } from '../../migrations/1765152000000-ChangeOutbox';
import { QualificationAgreement1765238400000 } from '../../migrations/1765238400000-QualificationAgreement';
import { HandoffRollup1765324800000 } from '../../migrations/1765324800000-HandoffRollup';
import { ClosingUnits1765411200000 } from '../../migrations/1765411200000-ClosingUnits';
import { ClosingRollup1765497600000 } from '../../migrations/1765497600000-ClosingRollup';
import { BiCatalog1765584000000 } from '../../migrations/1765584000000-BiCatalog';
import { ExportTokens1765670400000 } from '../../migrations/1765670400000-ExportTokens';
import { BiFunnelCampaign1765756800000 } from '../../migrations/1765756800000-BiFunnelCampaign';
import { BiKpiDaily1765843200000 } from '../../migrations/1765843200000-BiKpiDaily';
import { WebhookFanoutLock1765929600000 } from '../../migrations/1765929600000-WebhookFanoutLock';
import { SetBasedRefresh1766016000000 } from '../../migrations/1766016000000-SetBasedRefresh';
import { FunnelCumLoops1766102400000 } from '../../migrations/1766102400000-FunnelCumLoops';
import { ClosingDayCover1766188800000 } from '../../migrations/1766188800000-ClosingDayCover';
import { TouchpointInsertStatementTriggers1766275200000 } from '../../migrations/1766275200000-TouchpointInsertStatementTriggers';

/** Every migration, in order. A merged migration is never edited; add a new one here instead. */
export const MIGRATIONS = [
  Foundation1763856000000,
  KpiTargets1763942400000,
  IdempotencyKeys1764028800000,
  AuditLog1764115200000,
  AttributionCredit1764201600000,
  MilestoneIndexes1764288000000,
  FunnelRollup1764374400000,
  KpiRollup1764460800000,
  MarkovRollup1764547200000,
  WonDealsIndex1764633600000,
  BiViews1764720000000,
  ChangeNotify1764806400000,
  BiReaderHardening1764892800000,
  ListsAndLifecycle1764979200000,
  ArchiveAnalytics1765065600000,
  ChangeOutbox1765152000000,
  QualificationAgreement1765238400000,
  HandoffRollup1765324800000,
  ClosingUnits1765411200000,
  ClosingRollup1765497600000,
  BiCatalog1765584000000,
  ExportTokens1765670400000,
  BiFunnelCampaign1765756800000,
  BiKpiDaily1765843200000,
  WebhookFanoutLock1765929600000,
  SetBasedRefresh1766016000000,
  FunnelCumLoops1766102400000,
  ClosingDayCover1766188800000,
  TouchpointInsertStatementTriggers1766275200000,
];

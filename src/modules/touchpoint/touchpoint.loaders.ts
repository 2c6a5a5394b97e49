import { DataSource } from 'typeorm';
import { ChildPages } from '../../common/dataloader/child-pages';
import { LEAD_TOUCHPOINTS } from './touchpoint.repository';
import { TouchpointRow } from './touchpoint.type';

/** A request's pages of a lead's touchpoints. */
export const touchpointLoaders = (ds: DataSource) => ({
  leadTouchpoints: ChildPages.of<TouchpointRow>(ds, LEAD_TOUCHPOINTS),
});

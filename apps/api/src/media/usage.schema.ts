import { OwnerUsageSchema } from '@reelforge/db';
import { z } from 'zod';

/** Query of GET /api/admin/usage. Unknown parameters are refused so a typo does not report everyone. */
export const UsageQuerySchema = z.strictObject({
  owner: z.string().min(1).max(200).optional(),
});

export const UsageReportSchema = z.object({
  owners: z.array(OwnerUsageSchema).describe('One entry per owner, by name; with ?owner=, that owner alone'),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

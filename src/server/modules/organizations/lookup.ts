/**
 * Finds one of the caller's organizations by its URL name (or by its id, for
 * links made before URLs had names), on the write side: the slug's claim
 * names the organization, and its state lists the members. So a page opened
 * a moment after the organization was created or joined finds it, whatever
 * the read model has seen so far.
 */
import { loadState, type WriteSide } from '~/server/commands/handler';
import { partitionOf } from '~/server/redis/keys';
import { organizationDecider, SLUG_CLAIM, slugClaimValue } from './commands';
import { slugSchema } from './events';

export { SLUG_CLAIM, slugClaimValue } from './commands';

export type FoundOrganization = { id: string; slug: string; name: string; role: 'owner' | 'admin' | 'member' };

export async function findOrganization(writeSide: Pick<WriteSide, 'redis' | 'keys' | 'partitions'>, userId: string, slugOrId: string): Promise<FoundOrganization | null> {
  const value = slugClaimValue(slugOrId);
  const bySlug = slugSchema.safeParse(slugOrId).success ? await writeSide.redis.get(writeSide.keys.claim(partitionOf(value, writeSide.partitions), SLUG_CLAIM, value)) : null;
  for (const id of new Set([bySlug, slugOrId])) {
    if (!id) continue;
    const { state } = await loadState(writeSide, organizationDecider, id, id);
    const member = state?.members.find((m) => m.userId === userId);
    if (state && member) return { id, slug: state.slug, name: state.name, role: member.role };
  }
  return null;
}

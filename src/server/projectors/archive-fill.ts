/**
 * A projector added after the streams were trimmed: its consumer group reads
 * from the oldest entry still in the stream, and the events trimmed before
 * it are only in the archive (`event_log`). So before the runtime first
 * reads a (projector, partition) group, it asks whether the stream lost
 * entries that the projector's checkpoint has not passed; if so, it feeds the
 * projector those archived entries first, a page per batch, through the same
 * batch transaction as stream entries (checkpoint with the writes, poison
 * events parked), then goes on with the stream, whose entries up to the
 * checkpoint it acknowledges without applying them again.
 *
 * The question is asked once per (projector, partition) per runtime; it
 * costs one Redis command per partition (shared by the projectors asking
 * within a few seconds), and Postgres queries only when the stream was
 * trimmed. A fill cut short (a crash, a lost lease) resumes from the
 * checkpoint: the checkpoint is behind the stream's first entry, and archived
 * entries lie between. Trimming waits for the new projector: a projector with
 * no checkpoint, or one behind, holds the stream's start where it is
 * (./trim.ts). Reactors never fill (their effects on old events are not
 * wanted), nor does the archive itself.
 *
 * Edit it when where a new projector starts changes.
 */
import { and, eq, getTableName } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { eventLog, projectorCheckpoints } from '~/server/db/event-core-schema';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import type { Projector } from './define-projector';
import { archivedEntries, streamTrimmed } from './log-source';
import type { Entry } from './read';

/** Per (projector, partition): not asked yet, filling from `after` on, or done. */
export type FillState = { stage: 'unchecked' } | { stage: 'filling'; after: string } | { stage: 'done' };

const ARCHIVE_TABLE = getTableName(eventLog);

/** How long one look at a stream answers every projector's question about it. */
const SHARED_LOOK_MS = 5_000;

export function createArchiveFill(opts: { db: Db; redis: Redis; keys: Keys; pageSize: number }) {
  const { db, redis, keys, pageSize } = opts;
  const looks = new Map<number, { at: number; look: ReturnType<typeof streamTrimmed> }>();
  const lookAt = (partition: number) => {
    const recent = looks.get(partition);
    if (recent && Date.now() - recent.at < SHARED_LOOK_MS) return recent.look;
    const look = streamTrimmed(redis, keys, partition);
    looks.set(partition, { at: Date.now(), look });
    look.catch(() => looks.delete(partition));
    return look;
  };

  /** Where the projector must fill from (its checkpoint), or null when the stream holds all it has not seen. */
  async function fillFrom(projector: Projector, partition: number): Promise<string | null> {
    if (projector.kind !== 'projector' || projector.tables.includes(ARCHIVE_TABLE)) return null;
    const stream = await lookAt(partition);
    if (!stream.trimmed) return null;
    const [checkpoint] = await db
      .select({ lastId: projectorCheckpoints.lastId })
      .from(projectorCheckpoints)
      .where(and(eq(projectorCheckpoints.projector, projector.name), eq(projectorCheckpoints.partition, partition)));
    const after = checkpoint?.lastId ?? '0-0';
    const missed = await archivedEntries(db, { partition, after, before: stream.firstId, limit: 1 });
    return missed.length > 0 ? after : null;
  }

  /**
   * The next archived page to apply before reading the stream, or null once
   * there is none (the state then says 'done'). `state.after` moves on as
   * the caller records each committed checkpoint (`filled`).
   */
  async function nextPage(projector: Projector, partition: number, state: { fill: FillState }): Promise<Entry[] | null> {
    if (state.fill.stage === 'unchecked') {
      const after = await fillFrom(projector, partition);
      state.fill = after === null ? { stage: 'done' } : { stage: 'filling', after };
    }
    if (state.fill.stage !== 'filling') return null;
    // Up to the stream's first entry as it is now: trimming by an older deployment may have moved it on.
    const { firstId } = await streamTrimmed(redis, keys, partition);
    const page = await archivedEntries(db, { partition, after: state.fill.after, before: firstId, limit: pageSize });
    if (page.length === 0) state.fill = { stage: 'done' };
    return page.length > 0 ? page : null;
  }

  return {
    nextPage,
    /** Records the checkpoint a filled page committed. */
    filled: (state: { fill: FillState }, lastId: string) => {
      if (state.fill.stage === 'filling') state.fill = { stage: 'filling', after: lastId };
    },
  };
}

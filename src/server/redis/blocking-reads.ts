/**
 * Blocking `XREAD`s that can be cut short, on one server or a cluster.
 *
 * One `XREAD` may only name keys of one slot on a cluster, so streams are
 * grouped by hash tag there (on a single server everything is one group).
 * Each group reads on a blocking connection of its own: a blocked read holds
 * its connection, and a second read queued behind it would wait the whole
 * block. `wake` ends a group's blocked read at once (`CLIENT UNBLOCK`, sent
 * from the command connection to the node that serves the group), and the
 * read answers as if it had timed out.
 */
import { z } from 'zod';
import { connectInBackground, isCluster, sendToNodeOf, type Redis } from './client';
import { hashTag } from './slots';

export interface StreamRead {
  key: string;
  id: string;
}

const streamsReply = z
  .array(z.object({ name: z.string(), messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()) })) }))
  .nullable();
export type StreamsReply = NonNullable<z.infer<typeof streamsReply>>;

export interface BlockingGroup {
  /** `XREAD BLOCK` on the group's connection: the entries, or null on timeout or `wake`. All keys must be of this group. */
  read: (streams: ReadonlyArray<StreamRead>, options: { blockMs: number; count: number }) => Promise<StreamsReply | null>;
  /** Ends the read in flight now. False when none was blocked (it may not have reached Redis yet). */
  wake: () => Promise<boolean>;
}

export interface BlockingReads {
  /** The group that reads `key`: its hash tag on a cluster, one group on a single server. */
  groupOf: (key: string) => string;
  group: (name: string) => BlockingGroup;
  /** Closes every connection (a process or test that is done). */
  close: () => void;
}

/**
 * `command`: the shared command connection, which sends `CLIENT UNBLOCK`.
 * `open`: makes a new blocking connection (see `createBlockingRedis`); called
 * once per group, when it first reads.
 */
export function createBlockingReads(opts: { command: Redis; open: (group: string) => Redis }): BlockingReads {
  const cluster = isCluster(opts.command);
  const groups = new Map<string, { group: BlockingGroup; connection: Redis }>();

  function create(name: string): { group: BlockingGroup; connection: Redis } {
    const connection = opts.open(name);
    connectInBackground(connection);
    /** The id of the connection that serves `key`, and that key: what `CLIENT UNBLOCK` needs and where it goes. */
    let blocked: { id: string; key: string } | null = null;
    let knownId: { id: string; key: string } | null = null;
    const group: BlockingGroup = {
      async read(streams, { blockMs, count }) {
        const key = streams[0]?.key;
        if (!key) return null;
        try {
          // Asked on the connection that will block: on a cluster, routed by the same key as the read.
          if (knownId?.key !== key) knownId = { id: String(await sendToNodeOf(connection, key, ['CLIENT', 'ID'])), key };
          blocked = knownId;
          return streamsReply.parse(await connection.xRead([...streams], { BLOCK: Math.max(1, Math.round(blockMs)), COUNT: count }));
        } catch (error) {
          knownId = null; // a reconnected connection has a new id
          throw error;
        } finally {
          blocked = null;
        }
      },
      async wake() {
        const target = blocked;
        if (!target) return false;
        return Number(await sendToNodeOf(opts.command, target.key, ['CLIENT', 'UNBLOCK', target.id])) === 1;
      },
    };
    return { group, connection };
  }

  return {
    groupOf: (key) => (cluster ? hashTag(key) : ''),
    group(name) {
      let entry = groups.get(name);
      if (!entry) {
        entry = create(name);
        groups.set(name, entry);
      }
      return entry.group;
    },
    close() {
      for (const { connection } of groups.values()) connection.destroy();
      groups.clear();
    },
  };
}

/**
 * Child process of the capacity scenario's drain (./capacity-drain.ts): one
 * projector worker, in a process of its own as `npm run worker` is, running
 * the app's full projector list through the product's runtime over only the
 * partitions it is given, until nothing is left. Several run at once to show
 * how the drain scales with partitions; each says how long it took and how
 * much CPU it used.
 */
import { answerParent } from './children';
import { openClients, type Clients } from './clients';
import { drainerRequest } from './messages';
import { ownCpuMs } from './proc-cpu';
import { appCatalogue, appProjectors } from './real-set';
import { drainWithRuntime } from './runtime-drain';
import { createKeys } from '../../src/server/redis/keys';
import type { Projector } from '../../src/server/projectors/define-projector';

let opened: { clients: Clients; projectors: ReadonlyArray<Projector>; keyPrefix: string; partitions: number[]; workerId: string } | null = null;

answerParent(async (raw) => {
  const message = drainerRequest.parse(raw);
  switch (message.type) {
    case 'open': {
      const clients = await openClients(message, message.workerId);
      // Loaded before the drain is timed: importing the composition root takes a while.
      opened = { clients, projectors: await appProjectors(), keyPrefix: message.keyPrefix, partitions: message.partitions, workerId: message.workerId };
      return { ready: true };
    }
    case 'drain': {
      if (!opened) throw new Error('drain before open');
      const cpu0 = ownCpuMs();
      const { clients, projectors, keyPrefix, partitions, workerId } = opened;
      const result = await drainWithRuntime(clients, createKeys(keyPrefix), appCatalogue, projectors, workerId, message.limitMs, undefined, partitions);
      return { ...result, cpuMs: ownCpuMs() - cpu0 };
    }
    case 'close': {
      await opened?.clients.close();
      opened = null;
      return {};
    }
  }
});

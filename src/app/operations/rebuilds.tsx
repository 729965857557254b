'use client';
/**
 * The operations page's rebuild section: every read model that can be
 * rebuilt, with a Rebuild button (asks to confirm first) and its latest
 * rebuild as a progress bar, refreshed every second while one waits or runs.
 * A request is run by a worker; where none runs (serverless), the section
 * says which command to run instead. Listed in ./sections.tsx.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Card } from '~/components/ui/card';
import { ConfirmButton } from '~/components/ui/confirm-button';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { LoadError, Loading, Section } from './section';

type Rebuild = RouterOutputs['operations']['rebuilds']['rebuilds'][number];

const active = (r: Rebuild | undefined) => r?.status === 'requested' || r?.status === 'running';

const STATUS: Record<Rebuild['status'], string> = {
  requested: 'Waiting for a worker',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
};

function when(date: Date | null): string {
  return date ? date.toLocaleString() : '';
}

function Progress({ rebuild }: { rebuild: Rebuild }) {
  const share = rebuild.status === 'succeeded' ? 1 : rebuild.total > 0 ? Math.min(1, rebuild.done / rebuild.total) : 0;
  const percent = Math.floor(share * 100);
  const color = rebuild.status === 'failed' ? 'bg-destructive' : rebuild.status === 'succeeded' ? 'bg-emerald-500' : 'bg-primary';
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={`Rebuild of ${rebuild.projector}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className={`h-full ${color} transition-[width]`} style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-muted-foreground">
        {STATUS[rebuild.status]} · {rebuild.done.toLocaleString()} / {rebuild.total.toLocaleString()} events ({percent}%)
        {rebuild.finishedAt ? ` · finished ${when(rebuild.finishedAt)}` : rebuild.startedAt ? ` · started ${when(rebuild.startedAt)}` : ` · asked ${when(rebuild.requestedAt)}`}
        {` · by ${rebuild.requestedBy}`}
      </p>
      {rebuild.error && <p className="text-xs text-destructive">{rebuild.error}</p>}
    </div>
  );
}

/** Read-model rebuilds: one row per rebuildable projector, with its Rebuild button and latest rebuild. */
export function Rebuilds() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(
    trpc.operations.rebuilds.queryOptions(undefined, {
      refetchInterval: (query) => (query.state.data?.rebuilds.some(active) ? 1_000 : false),
    }),
  );
  const rebuild = useMutation(
    trpc.operations.rebuild.mutationOptions({
      // A failure's toast comes from the shared mutation cache (src/trpc/react.tsx).
      onSuccess: (_, { projector }) => toast.success('Rebuild requested', { description: `${projector} is rebuilt in the background; the app keeps serving meanwhile.` }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.operations.rebuilds.queryKey() }),
    }),
  );

  return (
    <Section
      id="rebuilds"
      title="Read-model rebuilds"
      description="A rebuild replays the whole log into fresh tables while the app keeps serving the old ones, then switches in one step."
    >
      {list.isPending ? (
        <Loading label="Loading rebuilds" />
      ) : list.isError ? (
        <LoadError what="rebuilds" message={list.error.message} />
      ) : (
        <Card>
          <ul className="divide-y" aria-labelledby="rebuilds-heading">
            {list.data.projectors.map((projector) => {
              const latest = list.data.rebuilds.find((r) => r.projector === projector);
              return (
                <li key={projector} className="space-y-2 py-3">
                  <div className="flex flex-wrap items-center justify-between gap-3">
                    <span className="font-mono text-sm">{projector}</span>
                    <ConfirmButton
                      variant="secondary"
                      question={`Rebuild ${projector}? The app keeps serving its current tables until the new ones are ready.`}
                      confirmLabel="Rebuild"
                      disabled={active(latest) || rebuild.isPending}
                      onConfirm={() => rebuild.mutate({ projector })}
                    >
                      {active(latest) ? 'Rebuilding…' : 'Rebuild'}
                    </ConfirmButton>
                  </div>
                  {latest && <Progress rebuild={latest} />}
                  {latest?.status === 'requested' && !list.data.runsOnWorker && (
                    <p className="text-xs text-amber-700 dark:text-amber-400">
                      No worker runs on this deployment: run <code>npm run projections -- rebuild {projector}</code> with its database and Redis URLs.
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </Card>
      )}
    </Section>
  );
}

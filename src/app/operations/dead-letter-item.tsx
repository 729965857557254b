'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Badge } from '~/components/ui/badge';
import { Button } from '~/components/ui/button';
import { ConfirmButton } from '~/components/ui/confirm-button';
import { useTRPC, type RouterOutputs } from '~/trpc/react';

type DeadLetter = RouterOutputs['operations']['deadLetters']['items'][number];

const events = (n: number) => `${n} event${n === 1 ? '' : 's'}`;

/**
 * One parked event: its error, what it is, the event as JSON (collapsed), and
 * the operator's two actions. A failed mutation's toast (src/trpc/react.tsx)
 * carries the server's sentence, e.g. the handler's error when a retry still fails.
 */
export function DeadLetterItem({ letter }: { letter: DeadLetter }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.operations.pathKey() });
  const retry = useMutation(
    trpc.operations.retry.mutationOptions({
      onSuccess: ({ applied }) => toast.success('Retried', { description: `${events(applied)} applied to ${letter.projector}.` }),
      onSettled: refresh,
    }),
  );
  const skip = useMutation(
    trpc.operations.skip.mutationOptions({
      onSuccess: ({ applied }) =>
        toast.success('Skipped', { description: `Dropped from ${letter.projector}${applied > 0 ? `; ${events(applied)} parked behind it applied` : ''}.` }),
      onSettled: refresh,
    }),
  );
  const busy = retry.isPending || skip.isPending;
  const title = letter.event?.type ?? 'Undecodable entry';
  const preview = JSON.stringify(letter.event ? letter.event.data : letter.raw);

  return (
    <li aria-label={`${title} ${letter.streamId}`} className="space-y-3 rounded-xl border bg-card p-4 text-card-foreground shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="flex items-center gap-2 font-medium">
            <code>{title}</code>
            <Badge variant={letter.status === 'failed' ? 'destructive' : 'secondary'}>{letter.status}</Badge>
          </p>
          <p className="mt-1 text-xs text-muted-foreground">
            {letter.projector} · partition {letter.partition} · {letter.streamId} · parked {new Date(letter.parkedAt).toLocaleString()}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {letter.status === 'failed' && (
            <Button variant="secondary" disabled={busy} onClick={() => retry.mutate({ projector: letter.projector, aggregateId: letter.aggregateId })}>
              {retry.isPending ? 'Retrying…' : 'Retry'}
            </Button>
          )}
          <ConfirmButton
            variant="ghost"
            disabled={busy}
            question="Drop this event from the read model for good?"
            confirmLabel="Skip it"
            onConfirm={() => skip.mutate({ projector: letter.projector, partition: letter.partition, streamId: letter.streamId })}
          >
            {skip.isPending ? 'Skipping…' : 'Skip'}
          </ConfirmButton>
        </div>
      </div>
      {letter.error && (
        <pre className="overflow-x-auto whitespace-pre-wrap rounded-lg bg-destructive/10 p-3 text-xs text-destructive">
          {letter.error}
          {letter.attempts > 0 && <span className="opacity-70">{` (after ${letter.attempts} attempts)`}</span>}
        </pre>
      )}
      {letter.status === 'blocked' && (
        <p className="text-sm text-muted-foreground">Held back behind an earlier event of the same aggregate; retrying that one applies this one too.</p>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-muted-foreground">Aggregate</dt>
        <dd className="truncate font-mono text-xs leading-5">
          {letter.aggregateId}
          {letter.event && ` (version ${letter.event.aggregateVersion})`}
        </dd>
        <dt className="text-muted-foreground">Organization</dt>
        <dd className="truncate font-mono text-xs leading-5">{letter.organizationId ?? '—'}</dd>
        <dt className="text-muted-foreground">Data</dt>
        <dd className="truncate font-mono text-xs leading-5">{preview}</dd>
      </dl>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium">Event JSON</summary>
        <pre className="mt-2 max-h-80 overflow-auto rounded-lg bg-muted p-3 text-xs">{JSON.stringify(letter.event ?? letter.raw, null, 2)}</pre>
      </details>
    </li>
  );
}

'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '~/components/ui/button';
import { useTRPC } from '~/trpc/react';
import { DeadLetterItem } from './dead-letter-item';
import { Empty, LoadError, Loading, Section } from './section';
import { REFRESH_MS } from './use-operations-status';

const PAGE_SIZE = 20;

/** Parked events, oldest first, a page at a time, each with Retry and Skip. */
export function DeadLettersSection() {
  const trpc = useTRPC();
  const [offset, setOffset] = useState(0);
  const letters = useQuery(trpc.operations.deadLetters.queryOptions({ limit: PAGE_SIZE, offset }, { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData }));
  const total = letters.data?.total;
  // Retries and skips shrink the list: past its end, go back to its last page (set while rendering, as React advises).
  if (total !== undefined && offset > 0 && offset >= total) setOffset(Math.max(0, Math.floor((total - 1) / PAGE_SIZE) * PAGE_SIZE));

  return (
    <Section
      id="dead-letters"
      title="Dead letters"
      description="Events a projector could not apply, parked with the later events of the same aggregate, while everything else flows on. Retry after fixing the cause; Skip drops one event for good."
    >
      {letters.isPending ? (
        <Loading label="Loading dead letters" rows={2} />
      ) : letters.isError && !letters.data ? (
        <LoadError what="the dead letters" message={letters.error.message} />
      ) : letters.data.total === 0 ? (
        <Empty>No dead letters</Empty>
      ) : (
        <div className="space-y-3">
          <ul className="space-y-3" aria-label="Dead letters">
            {letters.data.items.map((letter) => (
              <DeadLetterItem key={`${letter.projector}/${letter.partition}/${letter.streamId}`} letter={letter} />
            ))}
          </ul>
          <div className="flex items-center justify-between gap-3 text-sm text-muted-foreground">
            <span>
              {offset + 1}–{offset + letters.data.items.length} of {letters.data.total}
            </span>
            <span className="flex gap-2">
              <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                Previous
              </Button>
              <Button variant="secondary" disabled={offset + PAGE_SIZE >= letters.data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                Next
              </Button>
            </span>
          </div>
        </div>
      )}
    </Section>
  );
}

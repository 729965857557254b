/**
 * The frame every section of the operations page uses (./sections.tsx lists
 * them), with its loading, error and empty states, so sections look and
 * behave alike.
 */
import type { ReactNode } from 'react';
import { Skeleton } from '~/components/ui/skeleton';

export function Section({ id, title, description, actions, children }: { id: string; title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id={`${id}-heading`} className="text-lg font-semibold">{title}</h2>
          {description && <p className="mt-1 max-w-3xl text-sm text-muted-foreground">{description}</p>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Loading({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div className="space-y-2" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => <Skeleton key={i} className="h-9 rounded-lg" />)}
    </div>
  );
}

export function LoadError({ what, message }: { what: string; message: string }) {
  return (
    <p role="alert" className="rounded-xl bg-destructive/10 p-4 text-sm text-destructive">
      Could not load {what}: {message}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-xl border border-dashed p-6 text-sm text-muted-foreground">{children}</p>
  );
}

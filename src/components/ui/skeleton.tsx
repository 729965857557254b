/** A placeholder block that pulses while content loads; size it with className. */
import type { ComponentProps } from 'react';
import { cn } from '~/lib/cn';

export function Skeleton({ className, ...props }: ComponentProps<'div'>) {
  return <div data-slot="skeleton" className={cn('animate-pulse rounded-md bg-muted-foreground/15', className)} {...props} />;
}

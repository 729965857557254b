'use client';
import { useQuery } from '@tanstack/react-query';
import { Card } from '~/components/ui/card';
import { Skeleton } from '~/components/ui/skeleton';
import { STATUS_LABELS, STATUS_ORDER } from '~/lib/labels';
import { useTRPC, type RouterOutputs } from '~/trpc/react';

type Dashboard = RouterOutputs['tasks']['dashboard'];

/** "2025-03-07" → "Mar 7" (the day is UTC, so format it as UTC). */
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * The organization's dashboard: live task counts, completions per day and the
 * most active members. The organization page refreshes it on every change notice.
 */
export function DashboardSection({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const dashboard = useQuery(trpc.tasks.dashboard.queryOptions({ organizationId }));

  return (
    <section aria-labelledby="dashboard-heading" className="space-y-4">
      <h2 id="dashboard-heading" className="text-lg font-semibold">Dashboard</h2>
      {dashboard.isPending ? (
        <div aria-busy="true" aria-label="Loading the dashboard" className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-3">
            {[0, 1, 2].map((i) => <Skeleton key={i} className="h-24 rounded-xl" />)}
          </div>
          <Skeleton className="h-48 rounded-xl" />
        </div>
      ) : dashboard.isError ? (
        <p role="alert" className="text-sm text-destructive">{dashboard.error.message}</p>
      ) : (
        <DashboardBody data={dashboard.data} />
      )}
    </section>
  );
}

function DashboardBody({ data }: { data: Dashboard }) {
  const live = data.counts.todo + data.counts.doing + data.counts.done;
  const completed = data.completedPerDay.reduce((sum, d) => sum + d.count, 0);
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        {STATUS_ORDER.map((status) => (
          <Card key={status} role="group" aria-label={`${STATUS_LABELS[status]}: ${data.counts[status]}`} className="space-y-1">
            <p className="text-sm text-muted-foreground">{STATUS_LABELS[status]}</p>
            <p className="text-3xl font-semibold tabular-nums">{data.counts[status]}</p>
          </Card>
        ))}
      </div>
      {live === 0 && completed === 0 && (
        <p className="text-sm text-muted-foreground">No tasks yet. Add tasks to a project’s board and they show up here.</p>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="space-y-3 lg:col-span-2">
          <h3 className="font-medium">Completed per day <span className="text-sm font-normal text-muted-foreground">(last 14 days, UTC)</span></h3>
          {completed === 0 ? (
            <p className="text-sm text-muted-foreground">No tasks completed in the last 14 days.</p>
          ) : (
            <CompletedChart days={data.completedPerDay} total={completed} />
          )}
        </Card>
        <Card className="space-y-3">
          <h3 className="font-medium">Most active <span className="text-sm font-normal text-muted-foreground">(last 14 days)</span></h3>
          {data.mostActive.length === 0 ? (
            <p className="text-sm text-muted-foreground">No activity in the last 14 days.</p>
          ) : (
            <ol aria-label="Most active members" className="space-y-2">
              {data.mostActive.map((m) => (
                <li key={m.userId} className="flex items-baseline justify-between gap-3 text-sm">
                  <span className="truncate" title={m.email}>{m.name}</span>
                  <span className="shrink-0 tabular-nums text-muted-foreground">{m.events} {m.events === 1 ? 'event' : 'events'}</span>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </div>
  );
}

/** Bars drawn with divs; screen readers get a summary and the numbers as a table. */
function CompletedChart({ days, total }: { days: Dashboard['completedPerDay']; total: number }) {
  const max = Math.max(1, ...days.map((d) => d.count));
  const first = days[0];
  const last = days.at(-1);
  return (
    <div>
      <div
        role="img"
        aria-label={`${total} ${total === 1 ? 'task' : 'tasks'} completed in the last 14 days; the table below has each day.`}
        className="flex h-32 items-end gap-1 border-b"
      >
        {days.map((d) => (
          <div key={d.day} className="flex h-full flex-1 items-end" title={`${dayLabel(d.day)}: ${d.count}`}>
            <div
              className="w-full rounded-t bg-primary transition-[height] duration-300"
              style={{ height: d.count === 0 ? '2px' : `${(d.count / max) * 100}%`, opacity: d.count === 0 ? 0.25 : 1 }}
            />
          </div>
        ))}
      </div>
      <div aria-hidden="true" className="mt-1 flex justify-between text-xs text-muted-foreground">
        <span>{first && dayLabel(first.day)}</span>
        <span>{last && dayLabel(last.day)}</span>
      </div>
      <table className="sr-only">
        <caption>Tasks completed per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Completed</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

'use client';
import { Badge } from '~/components/ui/badge';
import { Card } from '~/components/ui/card';
import type { RouterOutputs } from '~/trpc/react';

type Entry = RouterOutputs['catalogue']['events']['events'][number];

const code = 'rounded bg-muted px-1 py-0.5 font-mono text-[0.8em] text-foreground';

/** Text with `backticked` parts shown as code, as descriptions are written. */
function WithCode({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i} className={code}>{part}</code> : part))}</>;
}

function Names({ label, names }: { label: string; names: ReadonlyArray<string> }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <dt className="w-20 text-xs font-medium text-muted-foreground">{label}</dt>
      {names.length === 0 ? <dd className="text-xs text-muted-foreground">none</dd> : names.map((n) => <Badge asChild key={n} variant="secondary"><dd>{n}</dd></Badge>)}
    </div>
  );
}

/** One event type of the catalogue: what it means, its fields, who reads it, an example. */
export function EventEntry({ entry }: { entry: Entry }) {
  const id = `event-${entry.type.replace(/[^a-z0-9-]/g, '-')}`;
  return (
    <Card className="space-y-4" aria-labelledby={id}>
      <div className="flex flex-wrap items-center gap-2">
        <h2 id={id} className="font-mono text-base font-semibold">{entry.type}</h2>
        <Badge>v{entry.version}</Badge>
        <Badge variant="secondary">aggregate: {entry.aggregate}</Badge>
      </div>
      <p className="text-sm text-foreground/90"><WithCode text={entry.description} /></p>

      {entry.fields.length === 0 ? (
        <p className="text-sm text-muted-foreground">No data fields.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-xl table-fixed text-left text-sm">
            <caption className="sr-only">Fields of {entry.type}</caption>
            <thead className="text-xs text-muted-foreground">
              <tr className="border-b">
                <th scope="col" className="w-1/4 py-2 pr-4 font-medium">Field</th>
                <th scope="col" className="w-1/4 py-2 pr-4 font-medium">Type</th>
                <th scope="col" className="w-20 py-2 pr-4 font-medium">Required</th>
                <th scope="col" className="py-2 font-medium">Constraints</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {entry.fields.map((field) => (
                <tr key={field.name} className="align-top">
                  <td className="break-words py-2 pr-4 font-mono text-xs">{field.name}</td>
                  <td className="break-words py-2 pr-4 font-mono text-xs">{field.type}</td>
                  <td className="py-2 pr-4 text-xs">{field.required ? 'yes' : 'no'}</td>
                  <td className="break-all py-2 text-xs text-muted-foreground">{field.constraints.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <dl className="space-y-1.5">
        <Names label="Projectors" names={entry.projectors} />
        <Names label="Reactors" names={entry.reactors} />
        <Names label="Views" names={entry.views} />
      </dl>

      <details className="group">
        <summary className="cursor-pointer text-sm font-medium text-blue-700 dark:text-blue-400 hover:underline">Example data</summary>
        <pre className="mt-2 overflow-x-auto rounded-lg border bg-muted p-3 font-mono text-xs">
          {JSON.stringify(entry.example, null, 2)}
        </pre>
      </details>
    </Card>
  );
}

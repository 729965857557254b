/**
 * The event catalogue as documentation: one entry per event type, generated
 * from the code that declares and reads it. The type, version, description,
 * example and fields come from `defineEvent`; the aggregate from the decider
 * that lists the type; the projectors and reactors from those that read it;
 * the views from which parts of a page their change notices refresh.
 *
 * The composition root passes the app's deciders, projectors and views in
 * (src/server/app/event-catalogue.ts); `npm run catalogue` prints it as
 * Markdown (./describe-markdown.ts) and the organization's event catalogue
 * page shows it. Nothing here is written by hand, so it cannot go stale.
 */
import type { EventDefinition } from './define-event';
import { fieldsOf, type EventField } from './fields';

export type { EventField } from './fields';

export interface EventCatalogueEntry {
  readonly type: string;
  readonly version: number;
  readonly description: string;
  /** The aggregate type (its decider's name) the event belongs to. */
  readonly aggregate: string;
  readonly fields: ReadonlyArray<EventField>;
  /** Data of the current version, as `defineEvent` parsed it. */
  readonly example: unknown;
  /** Read models that list the type, in the order the app runs them. */
  readonly projectors: ReadonlyArray<string>;
  /** Reactors that list the type (effects outside the read model: mail, webhooks). */
  readonly reactors: ReadonlyArray<string>;
  /** Parts of a page that refresh when one of those projectors commits the event. */
  readonly views: ReadonlyArray<string>;
}

export interface EventCatalogueDescription {
  readonly events: ReadonlyArray<EventCatalogueEntry>;
  /** Readers of every entry as written, whatever its type (the archive). */
  readonly everyEvent: ReadonlyArray<string>;
}

/** What the catalogue needs of a decider: its aggregate type and its events. */
export interface DescribedDecider {
  readonly name: string;
  readonly events: ReadonlyArray<EventDefinition>;
}

/**
 * What it needs of a projector or reactor (src/server/projectors/define-projector.ts's
 * `Projector` fits): a raw one reads every entry and has no `handles`.
 */
export interface DescribedReader {
  readonly name: string;
  readonly kind: 'projector' | 'reactor';
  readonly raw: boolean;
  /** Whether its commits send change notices (only those refresh views). */
  readonly notify: boolean;
  handles?(type: string): boolean;
}

export function describeEvents(input: {
  deciders: ReadonlyArray<DescribedDecider>;
  projectors: ReadonlyArray<DescribedReader>;
  /** The views a change notice from this projector refreshes. */
  viewsOf: (projector: string) => ReadonlyArray<string>;
}): EventCatalogueDescription {
  const seen = new Map<string, string>();
  const events = input.deciders.flatMap((decider) =>
    decider.events.map((definition): EventCatalogueEntry => {
      const other = seen.get(definition.type);
      if (other) throw new Error(`Event type "${definition.type}" is listed by both "${other}" and "${decider.name}".`);
      seen.set(definition.type, decider.name);
      const readers = input.projectors.filter((p) => !p.raw && p.handles?.(definition.type));
      const notifying = readers.filter((p) => p.notify);
      return {
        type: definition.type,
        version: definition.version,
        description: definition.description,
        aggregate: decider.name,
        fields: fieldsOf(definition.data),
        example: definition.example,
        projectors: readers.filter((p) => p.kind === 'projector').map((p) => p.name),
        reactors: readers.filter((p) => p.kind === 'reactor').map((p) => p.name),
        views: [...new Set(notifying.flatMap((p) => input.viewsOf(p.name)))],
      };
    }),
  );
  return { events, everyEvent: input.projectors.filter((p) => p.raw).map((p) => p.name) };
}

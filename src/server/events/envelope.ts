/**
 * The envelope every stored event travels in. Encoded as one JSON field (`e`)
 * of a stream entry; `data` is checked by the event type's schema on read.
 */
import { z } from 'zod';
import type { Position } from '~/lib/positions';

export const envelopeSchema = z.object({
  /** UUIDv7: unique, time-ordered; also the idempotency key of reactor effects. */
  id: z.uuid(),
  type: z.string().min(1).max(100),
  /** Schema version the data was written with. */
  v: z.number().int().min(1),
  aggregateId: z.string().min(1).max(200),
  /** 1 for the aggregate's first event, then 2, 3, … with no gaps. */
  aggregateVersion: z.number().int().min(1),
  organizationId: z.string().min(1).max(200),
  actorId: z.string().min(1).max(200),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  occurredAt: z.iso.datetime(),
  data: z.unknown(),
});

export type RawEnvelope = z.output<typeof envelopeSchema>;

/** A decoded event: the envelope with typed data and its position in the log. */
export interface StoredEvent<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  aggregateId: string;
  aggregateVersion: number;
  organizationId: string;
  actorId: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: Date;
  data: TData;
  position: Position;
}

/** Where an entry sits in the log, and how stream ids order (shared with the browser). */
export { compareStreamIds, type Position } from '~/lib/positions';

/**
 * The account aggregate's write side: a person's own account, apart from
 * any organization. Its state holds no personal data (the name lives only
 * sealed in the events and in read models), just whether it was forgotten.
 */
import { z } from 'zod';
import { AppError } from '~/server/errors';
import { defineDecider, unhandled, type CommandContext, type DecidedEvent } from '~/server/events/decider';
import { accountEvents, userForgotten, userRenamed } from './events';

const accountStateSchema = z.object({ forgotten: z.boolean() });
export type AccountState = z.infer<typeof accountStateSchema>;
type AccountEvent = DecidedEvent<typeof accountEvents>;

export type AccountCommand = { type: 'rename'; name: string } | { type: 'forget'; subjects: string[] };

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'user.renamed':
      return state;
    case 'user.forgotten':
      return { forgotten: true };
    default:
      return unhandled(event);
  }
}

export function decideAccount(command: AccountCommand, state: AccountState, { actor }: CommandContext): AccountEvent[] {
  if (state.forgotten) throw new AppError('NOT_FOUND', 'This account was deleted.');
  switch (command.type) {
    case 'rename':
      return [userRenamed.create({ userId: actor.userId, name: command.name })];
    case 'forget':
      return [userForgotten.create({ userId: actor.userId, subjects: command.subjects })];
  }
}

export const accountDecider = defineDecider({
  name: 'account',
  events: accountEvents,
  state: accountStateSchema,
  initialState: { forgotten: false },
  evolve: evolveAccount,
  decide: decideAccount,
});

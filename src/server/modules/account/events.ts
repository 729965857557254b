/**
 * Events of a person's account (aggregate id = user id; the account is its
 * own tenant, so its events live in the partition of the user id). The
 * display name is personal data: stored sealed with the person's key, read
 * as "Deleted user" once they are forgotten (src/server/events/personal.ts).
 */
import { z } from 'zod';
import { userText } from '~/lib/text';
import { defineEvent } from '~/server/events/define-event';
import { subjects } from '~/server/events/personal';

export const displayNameSchema = userText({ label: 'display name', min: 1, max: 80 });
const userId = z.string().min(1).max(200);

export const userRenamed = defineEvent({
  type: 'user.renamed',
  version: 1,
  description: 'Emitted when a person changes their display name on the settings page. Every organization they belong to shows it.',
  example: { userId: 'user-ada', name: 'Ada Lovelace' },
  data: z.object({ userId, name: displayNameSchema }),
  personal: { subject: (data) => subjects.user(data.userId), fields: ['name'] },
});

export const userForgotten = defineEvent({
  type: 'user.forgotten',
  version: 1,
  description:
    'Emitted when a person deletes their account, after they left every organization. `subjects` are the data keys destroyed with it: their personal fields read as "Deleted user" from then on.',
  example: { userId: 'user-ada', subjects: ['user:user-ada', 'email:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'] },
  data: z.object({ userId, subjects: z.array(z.string().min(1).max(300)).max(10) }),
});

export const accountEvents = [userRenamed, userForgotten] as const;

/**
 * Every projector and reactor the worker runs, one line each. The archive
 * must stay: trimming and rebuilds depend on it.
 *
 * Add a read model: import its projector and list it here.
 */
import { activityProjector } from '~/server/modules/activity/read-models/feed';
import { invitationMailer } from '~/server/modules/organizations/invitation-mailer';
import { directoryProjector } from '~/server/modules/organizations/read-models/directory';
import { boardProjector } from '~/server/modules/tasks/read-models/board';
import { dashboardProjector } from '~/server/modules/tasks/read-models/dashboard';
import { archiveProjector } from './archive';
import type { Projector } from './define-projector';

export const projectors: ReadonlyArray<Projector> = [
  archiveProjector,
  directoryProjector,
  boardProjector,
  activityProjector,
  dashboardProjector,
  invitationMailer,
];

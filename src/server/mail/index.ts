/**
 * Mail: the `Mailer` interface and the implementation in use. Today that is
 * the development mailbox (a table, shown at /dev/mailbox); change `mailerFor`
 * to plug in a real provider.
 */
import type { Tx } from '~/server/projectors/define-projector';
import { devMailer } from './dev-mailbox';
import type { Mailer } from './mailer';

export type { Mail, Mailer } from './mailer';
export { devMailbox, mailsTo } from './dev-mailbox';

/** The mailer a reactor sends through, bound to its transaction. */
export function mailerFor(tx: Tx): Mailer {
  return devMailer(tx);
}

/**
 * Invitation links carry a secret token; the event log and the read model
 * only ever hold its SHA-256. The token is derived, not drawn:
 *
 *   token     = base64url(HMAC-SHA256(AUTH_SECRET, invitationId))
 *   tokenHash = hex(SHA-256(token))
 *
 * so the procedure that creates the invitation (to show the link to the
 * inviting admin) and the mailer reactor (to mail it) both compute the same
 * link from the invitation id alone, and the log never contains a usable
 * token. Rotating AUTH_SECRET therefore invalidates every outstanding link.
 */
import { createHash, createHmac } from 'node:crypto';
import { env } from '~/env';

export function invitationToken(invitationId: string): string {
  return createHmac('sha256', env.AUTH_SECRET).update(invitationId).digest('base64url');
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The accept link, relative to the app (absolute when AUTH_URL is set and `absolute` is asked for). */
export function invitationUrl(organizationId: string, invitationId: string, opts: { absolute?: boolean } = {}): string {
  const path = `/invite/${organizationId}/${invitationId}?${new URLSearchParams({ token: invitationToken(invitationId) })}`;
  return opts.absolute && env.AUTH_URL ? new URL(path, env.AUTH_URL).toString() : path;
}

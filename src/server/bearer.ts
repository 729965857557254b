/**
 * The one check of a bearer token (`Authorization: Bearer <token>`), for the
 * operator routes that take one: health detail, metrics, the cron drain.
 */
import { timingSafeEqual } from 'node:crypto';

/** Whether `authorization` is `Bearer <token>`, compared in constant time; false when no token is configured. */
export function bearerMatches(authorization: string | null | undefined, token: string | undefined): boolean {
  if (!token || !authorization) return false;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(authorization);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The header of every page. Signed in: the operations link (operators only),
 * the organization switcher and the user menu. Signed out: the theme toggle.
 */
import Link from 'next/link';
import type { Session } from '~/server/auth';
import { OperationsLink } from './operations-link';
import { OrganizationSwitcher } from './organization-switcher';
import { ThemeToggle } from './theme-toggle';
import { UserMenu } from './user-menu';

export function SiteHeader({ session }: { session: Session | null }) {
  return (
    <header className="border-b bg-background/80 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-5xl items-center gap-3 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-primary text-sm text-primary-foreground">
            S
          </span>
          Streamline
        </Link>
        <div className="ml-auto flex items-center gap-2">
          {session ? (
            <>
              <OperationsLink />
              <OrganizationSwitcher />
              <UserMenu user={session.user} />
            </>
          ) : (
            <ThemeToggle />
          )}
        </div>
      </div>
    </header>
  );
}

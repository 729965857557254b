import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Toaster } from 'sonner';
import { auth } from '~/server/auth';
import { TRPCReactProvider } from '~/trpc/react';
import { OperationsLink } from './_components/operations-link';
import { OrganizationSwitcher } from './_components/organization-switcher';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Streamline', template: '%s · Streamline' },
  description: 'An event-driven SaaS starter: commands, events, live read models.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <TRPCReactProvider>
          <header className="border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/80">
            <div className="mx-auto flex h-14 max-w-5xl items-center px-4 sm:px-6">
              <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
                <span aria-hidden className="grid size-7 place-items-center rounded-md bg-brand-600 text-sm text-white">
                  S
                </span>
                Streamline
              </Link>
              {session && (
                <div className="ml-auto flex items-center gap-3">
                  <OperationsLink />
                  <OrganizationSwitcher />
                </div>
              )}
            </div>
          </header>
          <main className="mx-auto max-w-5xl px-4 py-10 sm:px-6">{children}</main>
          <Toaster theme="system" position="bottom-right" richColors closeButton />
        </TRPCReactProvider>
      </body>
    </html>
  );
}

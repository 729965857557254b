import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { auth } from '~/server/auth';
import { TRPCReactProvider } from '~/trpc/react';
import { NavigationProgress } from './_components/navigation-progress';
import { SiteHeader } from './_components/site-header';
import { ThemeProvider } from './_components/theme-provider';
import { Toaster } from './_components/toaster';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Streamline', template: '%s · Streamline' },
  description: 'An event-driven SaaS starter: commands, events, live read models.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  return (
    // next-themes sets the theme's class on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-dvh">
        <ThemeProvider>
          <TRPCReactProvider>
            <NavigationProgress />
            <SiteHeader session={session} />
            <main className="mx-auto max-w-5xl px-4 py-10 sm:px-6">{children}</main>
            <Toaster />
          </TRPCReactProvider>
        </ThemeProvider>
      </body>
    </html>
  );
}

'use client';
/**
 * Light, dark or the system's choice (next-themes): the choice is kept in
 * localStorage ("theme") and applied as `class="dark"` on <html> by an inline
 * script before the first paint, so a reload neither flashes nor forgets it.
 * <html> carries `suppressHydrationWarning` because that script changes it.
 */
import { ThemeProvider as NextThemesProvider } from 'next-themes';
import type { ReactNode } from 'react';

export function ThemeProvider({ children }: { children: ReactNode }) {
  return (
    <NextThemesProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      {children}
    </NextThemesProvider>
  );
}

'use client';
/** Sonner's toasts in the current theme (light, dark, or the system's). */
import { useTheme } from 'next-themes';
import { Toaster as Sonner } from 'sonner';

export function Toaster() {
  const { theme } = useTheme();
  return <Sonner theme={theme === 'light' || theme === 'dark' ? theme : 'system'} position="bottom-right" richColors closeButton />;
}

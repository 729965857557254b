/** The app's 404 page: unknown paths, and every `notFound()` without a closer not-found.tsx. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { Button } from '~/components/ui/button';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <section className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-medium text-muted-foreground">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="mt-2 text-sm text-muted-foreground">This page could not be found.</p>
      <Button asChild variant="outline" className="mt-6">
        <Link href="/">Back home</Link>
      </Button>
    </section>
  );
}

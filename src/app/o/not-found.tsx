import Link from 'next/link';
import { Button } from '~/components/ui/button';

/**
 * An organization that does not exist, or that the visitor is not a member
 * of: the same answer for both. It sits above `[slug]` so that it also catches
 * the `notFound()` of `[slug]/layout.tsx` (a segment's own not-found does not).
 */
export default function OrganizationNotFound() {
  return (
    <section className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-xl font-semibold">Organization not found</h1>
      <p className="mt-2 text-sm text-muted-foreground">It does not exist, or you are not a member. Ask an owner for an invitation.</p>
      <Button asChild variant="outline" className="mt-6">
        <Link href="/">Back to your organizations</Link>
      </Button>
    </section>
  );
}

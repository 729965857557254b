/** `notFound()` under an organization's pages: it does not exist, or the viewer is not a member (the two look the same). */
import Link from 'next/link';
import { Button } from '~/components/ui/button';

export default function OrganizationNotFound() {
  return (
    <section className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-xl font-semibold">Organization not found</h1>
      <p className="mt-2 text-sm text-muted-foreground">It does not exist, or you are not a member.</p>
      <Button asChild variant="outline" className="mt-6">
        <Link href="/">Back to your organizations</Link>
      </Button>
    </section>
  );
}

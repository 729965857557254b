import Link from 'next/link';

/**
 * An organization that does not exist, or that the visitor is not a member
 * of: the same answer for both. It sits above `[slug]` so that it also catches
 * the `notFound()` of `[slug]/layout.tsx` (a segment's own not-found does not).
 */
export default function OrganizationNotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-xl font-semibold">Organization not found</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">It does not exist, or you are not a member. Ask an owner for an invitation.</p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">Back to your organizations</Link>
    </div>
  );
}

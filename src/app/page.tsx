import Link from 'next/link';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { auth } from '~/server/auth';
import { LiveIndicator } from './_components/live-indicator';
import { CreateOrganizationForm, OrganizationList } from './_components/organizations';

export default async function HomePage() {
  const session = await auth();
  if (!session) return <SignedOutHome />;
  const { user } = session;
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Welcome back</h1>
          <p className="mt-1 text-sm text-muted-foreground">
            Signed in as <span className="font-medium text-foreground">{user.email}</span>
          </p>
        </div>
        <LiveIndicator />
      </div>
      <OrganizationList />
      <CreateOrganizationForm />
      <div className="grid gap-4 sm:grid-cols-3">
        {FLOW.map((step) => (
          <Card key={step.title}>
            <h2 className="text-sm font-semibold">{step.title}</h2>
            <p className="mt-2 text-sm text-muted-foreground">{step.body}</p>
          </Card>
        ))}
      </div>
    </div>
  );
}

const FLOW = [
  { title: 'Commands', body: 'tRPC mutations validate input and append typed events to Redis Streams.' },
  { title: 'Projections', body: 'Projectors read the streams and keep Postgres read tables up to date.' },
  { title: 'Live views', body: 'Queries read those tables; server-sent events push every change to the page.' },
];

function SignedOutHome() {
  return (
    <section className="mx-auto max-w-2xl py-16 text-center">
      <h1 className="text-4xl font-semibold tracking-tight sm:text-5xl">Ship live, event-driven SaaS</h1>
      <p className="mt-4 text-lg text-muted-foreground">
        Commands become events, events become read models, read models stream to every open tab.
      </p>
      <div className="mt-8 flex justify-center">
        <Button asChild size="lg">
          <Link href="/sign-in">Sign in</Link>
        </Button>
      </div>
    </section>
  );
}

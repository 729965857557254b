import { Button } from '~/components/ui/button';
import { signOutAction } from '~/server/app/auth-actions';

export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <Button type="submit" variant="secondary">
        Sign out
      </Button>
    </form>
  );
}

'use client';
/**
 * The signed-in user's menu in the header: their initials as the button;
 * inside, who is signed in, Settings, the theme, and Sign out. Sign out
 * submits a form kept outside the menu (the menu's content unmounts when it
 * closes), posting to the sign-out server action.
 */
import { LogOutIcon, SettingsIcon } from 'lucide-react';
import Link from 'next/link';
import { Avatar, AvatarFallback, AvatarImage } from '~/components/ui/avatar';
import { Button } from '~/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '~/components/ui/dropdown-menu';
import { initials } from '~/lib/initials';
import { signOutAction } from '~/server/app/auth-actions';
import { ThemeChoices } from './theme-toggle';

const SIGN_OUT_FORM = 'sign-out-form';

export function UserMenu({ user }: { user: { email: string; name?: string | null; image?: string | null } }) {
  return (
    <>
      <form id={SIGN_OUT_FORM} action={signOutAction} hidden />
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" className="rounded-full" aria-label="Account menu" title={user.email}>
            <Avatar>
              {user.image && <AvatarImage src={user.image} alt="" />}
              <AvatarFallback>{initials(user)}</AvatarFallback>
            </Avatar>
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-56">
          <DropdownMenuLabel className="font-normal">
            {user.name && <span className="block truncate font-medium">{user.name}</span>}
            <span className="block truncate text-xs text-muted-foreground">{user.email}</span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem asChild>
            <Link href="/settings">
              <SettingsIcon aria-hidden />
              Settings
            </Link>
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <ThemeChoices />
          <DropdownMenuSeparator />
          <DropdownMenuItem asChild>
            <button type="submit" form={SIGN_OUT_FORM} className="w-full">
              <LogOutIcon aria-hidden />
              Sign out
            </button>
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
    </>
  );
}

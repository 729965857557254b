'use client';
/**
 * A form's submit button that says it is working while the form's action runs
 * (useFormStatus). Before hydration it is a plain submit button.
 */
import { useFormStatus } from 'react-dom';
import { Button, type ButtonProps } from './button';

export function SubmitButton({ pendingLabel, children, disabled, ...props }: Omit<ButtonProps, 'asChild'> & { pendingLabel: string }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" disabled={pending || disabled} aria-disabled={pending || disabled} {...props}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

'use client';
/**
 * A button for something that cannot be undone in one click: it opens an
 * AlertDialog titled `question`, with Cancel (focused) and `confirmLabel`.
 * The dialog's buttons sit in a group named after the question too, so
 * `getByRole('alertdialog', { name: question })` and
 * `getByRole('group', { name: question })` both find them.
 */
import type { ReactNode } from 'react';
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from './alert-dialog';
import { Button, type ButtonProps } from './button';

export type ConfirmButtonProps = Omit<ButtonProps, 'onClick' | 'asChild'> & {
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  children: ReactNode;
};

export function ConfirmButton({ question, confirmLabel, onConfirm, children, ...props }: ConfirmButtonProps) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button {...props}>{children}</Button>
      </AlertDialogTrigger>
      {/* The title says it all; no separate description. */}
      <AlertDialogContent aria-describedby={undefined}>
        <AlertDialogHeader>
          <AlertDialogTitle>{question}</AlertDialogTitle>
        </AlertDialogHeader>
        <AlertDialogFooter role="group" aria-label={question}>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction destructive disabled={props.disabled} onClick={onConfirm}>
            {confirmLabel}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

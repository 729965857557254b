'use client';
import { useState, type ReactNode } from 'react';
import { Button, type ButtonProps } from './button';

/**
 * A button for something that cannot be undone in one click: it first asks
 * `question`, in place, with the confirming button focused and Cancel beside it.
 */
export function ConfirmButton({
  question,
  confirmLabel,
  onConfirm,
  children,
  ...props
}: Omit<ButtonProps, 'onClick'> & { question: string; confirmLabel: string; onConfirm: () => void; children: ReactNode }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button {...props} onClick={() => setAsking(true)}>
        {children}
      </Button>
    );
  }
  return (
    <span role="group" aria-label={question} className="inline-flex flex-wrap items-center gap-2">
      <span className="text-sm">{question}</span>
      <Button
        variant="danger"
        autoFocus
        disabled={props.disabled}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </Button>
      <Button variant="ghost" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}

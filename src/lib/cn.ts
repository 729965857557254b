/**
 * Joins class names (clsx: strings, arrays, `{ class: condition }` objects,
 * falsy values skipped) and lets the last Tailwind utility of a group win
 * (tailwind-merge), so a component's `className` prop overrides its defaults.
 */
import { clsx, type ClassValue } from 'clsx';
import { twMerge } from 'tailwind-merge';

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

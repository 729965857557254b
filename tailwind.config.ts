import type { Config } from 'tailwindcss';

// Tailwind v4 reads this file through `@config` in src/app/globals.css.
// The colours are shadcn/ui's token names, each a CSS variable that
// globals.css sets once for the light theme and once under `.dark`, so
// `bg-background`, `text-muted-foreground`, `border-border`, `ring-ring`…
// follow the theme with no `dark:` variant. `brand` stays for charts and accents.
const token = (name: string) => `var(--${name})`;
const pair = (name: string) => ({ DEFAULT: token(name), foreground: token(`${name}-foreground`) });

export default {
  content: ['./src/**/*.{ts,tsx}'],
  // next-themes puts `class="dark"` on <html>; `dark:` utilities follow it, not the OS.
  darkMode: 'class',
  theme: {
    extend: {
      colors: {
        background: token('background'),
        foreground: token('foreground'),
        border: token('border'),
        input: token('input'),
        ring: token('ring'),
        card: pair('card'),
        popover: pair('popover'),
        primary: pair('primary'),
        secondary: pair('secondary'),
        muted: pair('muted'),
        accent: pair('accent'),
        destructive: pair('destructive'),
        brand: {
          50: '#eef6ff',
          100: '#d9eaff',
          400: '#5aa2ff',
          500: '#3b82f6',
          600: '#2563eb',
          700: '#1d4ed8',
        },
      },
      borderRadius: {
        lg: 'var(--radius)',
        md: 'calc(var(--radius) - 2px)',
        sm: 'calc(var(--radius) - 4px)',
        xl: 'calc(var(--radius) + 4px)',
      },
      fontFamily: {
        sans: ['ui-sans-serif', 'system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'sans-serif'],
      },
    },
  },
} satisfies Config;

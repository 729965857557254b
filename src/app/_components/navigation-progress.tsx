'use client';
/**
 * A thin bar along the top of the window while the next page is on its way.
 *
 * Every page renders on the server with its data (there is no `loading.tsx`;
 * README, "UI kit and theme"), so between a click and the new page nothing
 * else on screen would move. The bar starts on a plain click on a same-site
 * link to another path, or on `navigationStarted()` before a `router.push`,
 * and ends when the path changes. It shows only after a short delay, so fast
 * navigations never flash it, and gives up after a while in case the
 * navigation was abandoned (a redirect back to the same path, a failed fetch).
 */
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';

/** Under this, a navigation is quick enough to need no bar. */
const SHOW_AFTER_MS = 150;
const GIVE_UP_AFTER_MS = 15_000;
const STARTED = 'streamline:navigation-started';

/** Call before `router.push(href)` for a push that leaves the current path. */
export function navigationStarted(href: string): void {
  if (new URL(href, window.location.href).pathname !== window.location.pathname) window.dispatchEvent(new Event(STARTED));
}

/** The same-site link a click will follow in this tab, if the click is one Next.js's `<Link>` handles. */
function followedLink(event: MouseEvent): URL | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(anchor instanceof HTMLAnchorElement) || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self')) return null;
  const url = new URL(anchor.href);
  return url.origin === window.location.origin ? url : null;
}

/** A navigation under way: the path it leaves, and a number telling it from the one before. */
type Started = { id: number; from: string };

export function NavigationProgress() {
  const pathname = usePathname();
  const [started, setStarted] = useState<Started | null>(null);
  const [shown, setShown] = useState<number | null>(null);

  useEffect(() => {
    const start = () => setStarted((previous) => ({ id: (previous?.id ?? 0) + 1, from: window.location.pathname }));
    // Capture phase: `<Link>` calls preventDefault() on the click it takes over.
    const onClick = (event: MouseEvent) => {
      const url = followedLink(event);
      if (url && url.pathname !== window.location.pathname) start();
    };
    document.addEventListener('click', onClick, { capture: true });
    window.addEventListener(STARTED, start);
    return () => {
      document.removeEventListener('click', onClick, { capture: true });
      window.removeEventListener(STARTED, start);
    };
  }, []);

  useEffect(() => {
    if (!started) return;
    const show = setTimeout(() => setShown(started.id), SHOW_AFTER_MS);
    const giveUp = setTimeout(() => setStarted((current) => (current === started ? null : current)), GIVE_UP_AFTER_MS);
    return () => {
      clearTimeout(show);
      clearTimeout(giveUp);
    };
  }, [started]);

  // Over once the path it left is no longer the one on screen (adjusted while
  // rendering, so that coming back to that path later shows no bar).
  if (started && started.from !== pathname) setStarted(null);
  if (!started || started.from !== pathname || shown !== started.id) return null;
  return (
    <div role="progressbar" aria-label="Loading the page" className="fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden bg-primary/20">
      <div className="h-full w-1/3 animate-[navigation-progress_1.1s_ease-in-out_infinite] bg-primary motion-reduce:w-full motion-reduce:animate-none" />
    </div>
  );
}

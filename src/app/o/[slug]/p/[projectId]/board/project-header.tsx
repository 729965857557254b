'use client';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Button } from '~/components/ui/button';
import { Input } from '~/components/ui/input';

/** The board's title with Rename (an inline form), the way back, and how to move cards. */
export function ProjectHeader({ name, backHref, onRename }: { name: string | null; backHref: string; onRename: (name: string) => void }) {
  const [renaming, setRenaming] = useState(false);
  return (
    <div>
      <Link href={backHref} className="text-sm text-muted-foreground hover:underline">← Organization</Link>
      {name === null ? (
        <div className="mt-2 h-8 w-48 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
      ) : renaming ? (
        <RenameProject
          current={name}
          onCancel={() => setRenaming(false)}
          onSave={(next) => {
            onRename(next);
            setRenaming(false);
          }}
        />
      ) : (
        <div className="mt-1 flex items-baseline gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{name}</h1>
          <button type="button" className="rounded text-sm text-muted-foreground hover:underline" onClick={() => setRenaming(true)}>
            Rename<span className="sr-only"> project</span>
          </button>
        </div>
      )}
      <p className="mt-1 hidden text-sm text-muted-foreground md:block">Drag a card by its handle (⠿), or focus the handle, press Space, move it with the arrow keys and press Space again.</p>
      <p className="mt-1 text-sm text-muted-foreground md:hidden">Hold a card’s handle (⠿), then drag it.</p>
    </div>
  );
}

function RenameProject({ current, onSave, onCancel }: { current: string; onSave: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() !== '' && name.trim() !== current) onSave(name);
    else onCancel();
  };
  return (
    <form onSubmit={submit} className="mt-1 flex flex-wrap items-center gap-2" aria-label="Rename project">
      <label htmlFor="project-rename" className="sr-only">Project name</label>
      <Input id="project-rename" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && onCancel()} autoFocus className="max-w-sm" />
      <Button type="submit">Save</Button>
      <Button variant="ghost" onClick={onCancel}>Cancel</Button>
    </form>
  );
}

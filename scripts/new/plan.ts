/**
 * A generator's changes, made in memory first: every new file and every edit
 * is computed (and may refuse) before anything is written, so a refusal
 * leaves the project exactly as it was. `write()` then writes them all.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ScaffoldError } from './source-edit';

interface Planned {
  created: boolean;
  content: string;
  notes: string[];
}

export class Plan {
  private readonly files = new Map<string, Planned>();

  constructor(readonly root: string) {}

  /** Whether `file` (relative to the root) exists, on disk or in the plan. */
  exists(file: string): boolean {
    return this.files.has(file) || existsSync(path.join(this.root, file));
  }

  /** The file's text as the plan leaves it so far. */
  read(file: string): string {
    const planned = this.files.get(file);
    if (planned) return planned.content;
    const full = path.join(this.root, file);
    if (!existsSync(full)) throw new ScaffoldError(`${file} does not exist.`);
    return readFileSync(full, 'utf8');
  }

  /** A new file; refuses one that exists already. */
  create(file: string, content: string): void {
    if (this.exists(file)) throw new ScaffoldError(`${file} exists already; nothing was written. Choose another name, or remove it first.`);
    this.files.set(file, { created: true, content, notes: [] });
  }

  /** Changes an existing file (or a planned one); `change` may throw a ScaffoldError, and then nothing is written. */
  edit(file: string, note: string, change: (source: string) => string): void {
    const before = this.read(file);
    const planned = this.files.get(file) ?? { created: false, content: before, notes: [] };
    planned.content = change(before);
    planned.notes.push(note);
    this.files.set(file, planned);
  }

  write(): void {
    for (const [file, planned] of this.files) {
      const full = path.join(this.root, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, planned.content);
    }
  }

  /** One line per file: what was created, what was added where. */
  summary(): string[] {
    return [...this.files].map(([file, planned]) => (planned.created ? `  created  ${file}` : `  changed  ${file}: ${planned.notes.join('; ')}`));
  }
}

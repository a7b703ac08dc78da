/**
 * A page section the user can fold (a `vscode-collapsible`), open unless its
 * id is in the page's saved `collapsed` list; each toggle hands the new list
 * to `onCollapsedChange`, which the page saves with `setState`.
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { VscodeCollapsible } from '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { h } from './dom';

export interface SectionOptions<Id extends string> {
  readonly id: Id;
  readonly title: string;
  readonly content: HTMLElement;
  /** The ids folded now (the page state's `collapsed`). */
  readonly collapsed: () => readonly string[];
  readonly onCollapsedChange: (collapsed: string[]) => void;
}

export function collapsibleSection<Id extends string>(o: SectionOptions<Id>): VscodeCollapsible {
  const c = h('vscode-collapsible', { className: 'section', dataset: { section: o.id } }, o.content);
  c.heading = o.title;
  c.open = !o.collapsed().includes(o.id);
  c.addEventListener('vsc-collapsible-toggle', (e) => {
    const collapsed = new Set(o.collapsed());
    if (e.detail.open) collapsed.delete(o.id);
    else collapsed.add(o.id);
    o.onCollapsedChange([...collapsed]);
  });
  return c;
}

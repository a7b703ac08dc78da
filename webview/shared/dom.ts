/**
 * DOM building without innerHTML: every string from data (run names, param
 * values, metric keys) becomes a Text node, so it can never become markup.
 */
type Child = Node | string | null | undefined | false;

export interface ElementProps {
  readonly className?: string;
  readonly title?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly dataset?: Readonly<Record<string, string>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.dataset ?? {})) el.dataset[k] = v;
  for (const [type, fn] of Object.entries(props.on ?? {})) el.addEventListener(type, fn as EventListener);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces all children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A coloured square for a run (colour set through CSSOM, which the CSP allows). */
export function swatch(color: string): HTMLSpanElement {
  const s = h('span', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.backgroundColor = color;
  return s;
}

/** A codicon; decorative unless it has a label. */
export function icon(name: string, label?: string): HTMLElement {
  return h('span', { className: `codicon codicon-${name}`, attrs: label ? { 'aria-label': label, role: 'img' } : { 'aria-hidden': 'true' } });
}

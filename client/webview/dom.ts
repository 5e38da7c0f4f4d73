/**
 * Small DOM builders for the results page. Text goes in through `textContent` only; this page never
 * parses HTML from strings (no innerHTML/outerHTML/insertAdjacentHTML), so a value like
 * `<img src=x onerror=alert(1)>` is always shown as text.
 */

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  /** Plain attributes (aria-*, role, type…). Event handler and style attributes are refused. */
  attributes?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Array<Node | undefined>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  if (options.title !== undefined) element.title = options.title;
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    if (/^on/i.test(name) || name.toLowerCase() === 'style' || name.toLowerCase() === 'srcdoc') throw new Error(`el: attribute ${name} is not allowed`);
    element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export function button(text: string, onClick: () => void, options: ElementOptions = {}): HTMLButtonElement {
  const element = el('button', { ...options, text, attributes: { type: 'button', ...(options.attributes ?? {}) } });
  element.addEventListener('click', onClick);
  return element;
}

/** A link only for http(s) URLs; anything else is shown as text. */
export function externalLink(url: string, text = url): HTMLElement {
  if (!/^https?:\/\//i.test(url)) return el('span', { text });
  const link = el('a', { text, attributes: { href: url, rel: 'noreferrer noopener' } });
  return link;
}

/** Shortens long text for a cell (the title keeps more). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

import { parseHTML } from 'linkedom';

/**
 * The few DOM members this parser uses, typed here because the project compiles without the DOM
 * library: linkedom's own types name the browser's. linkedom was measured against jsdom on the
 * shared pages and on hostile ones (bench/html-dom.ts, docs/formats.md "HTML pages"): the same
 * text out of Readability, an order of magnitude faster to build and lighter in memory.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
  readonly parentNode: DomNode | null;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement> & ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  removeAttribute(name: string): void;
  remove(): void;
}

export interface DomDocument {
  readonly documentElement: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement> & ArrayLike<DomElement>;
}

const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export const isElement = (n: DomNode): n is DomElement => n.nodeType === ELEMENT_NODE;

export function parseDocument(html: string): DomDocument {
  return parseHTML(html).document as unknown as DomDocument;
}

/**
 * Everything that runs, styles, embeds or asks for input goes before Readability sees the page:
 * none of it is story text, and Readability scores less when there is less to score.
 * (JSON-LD is read before this.)
 */
// (`<noscript>` stays: Readability takes lazy-loaded pictures from it, then drops it. `<form>`
// stays too: some sites wrap the whole page in one.)
const ACTIVE =
  'script, style, template, iframe, frame, frameset, object, embed, applet, svg, math, canvas, button, input, select, textarea, dialog';

export function removeActiveContent(doc: DomDocument): void {
  for (const el of [...doc.querySelectorAll(ACTIVE)]) el.remove();
  // Readability drops any element whose class or id says `header` as page furniture, and so
  // every `<h2 class="subheader">`: a heading element's class adds nothing to what it is.
  for (const el of doc.querySelectorAll('h2, h3, h4, h5, h6')) {
    if (/header/i.test(`${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`)) {
      el.removeAttribute('class');
      el.removeAttribute('id');
    }
  }
}

/** Text with every run of white space as one space, ends trimmed. */
export function squash(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

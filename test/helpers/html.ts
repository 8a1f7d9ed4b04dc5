// parse5 is the WHATWG-conformant parser (jsdom's); it arrives with mjml (through cheerio).
import { parse } from 'parse5';

export interface ParsedElement {
  tag: string;
  attrs: Record<string, string>;
}

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
}

/** Every element of the document as a browser would build it (comments excluded). */
export function elements(html: string): ParsedElement[] {
  const out: ParsedElement[] = [];
  const walk = (node: Node) => {
    if (node.tagName) {
      out.push({
        tag: node.tagName,
        attrs: Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value])),
      });
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parse(html) as unknown as Node);
  return out;
}

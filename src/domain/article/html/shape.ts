import { Parser } from 'htmlparser2';

/**
 * How big a page is as a tree, read with one pass of the tokenizer before any DOM exists. A DOM
 * and Readability cost more than linear time on some shapes (linkedom on elements nested
 * thousands deep; Readability, retrying up to four times, ~0.1 ms per element), so a page past these limits is refused with the
 * figure that broke them, in bounded time, instead of hanging the worker. Real article pages sit
 * far below (the largest shared page: see docs/formats.md, "HTML pages").
 */
export interface PageShape {
  elements: number;
  maxDepth: number;
}

export const PAGE_LIMITS: PageShape = { elements: 20_000, maxDepth: 400 };

// Removed before Readability runs (icons' paths, inline scripts): they deepen the tree but do
// not count as elements.
const INERT = new Set(['svg', 'math', 'template', 'noscript', 'script', 'style']);
// Elements that never hold children, so never deepen the tree.
const VOID = new Set(
  'area base br col embed hr img input link meta param source track wbr'.split(' '),
);

export function measureShape(html: string): PageShape {
  const shape: PageShape = { elements: 0, maxDepth: 0 };
  let depth = 0;
  let inert = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (inert === 0) shape.elements++;
        if (VOID.has(name)) return;
        if (INERT.has(name) || inert > 0) inert++;
        if (++depth > shape.maxDepth) shape.maxDepth = depth;
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        if (inert > 0) inert--;
        if (depth > 0) depth--;
      },
    },
    { decodeEntities: false },
  );
  parser.end(html);
  return shape;
}

/** What is wrong with a page's shape, or undefined when it is within the limits. */
export function shapeProblem(
  shape: PageShape,
  limits: PageShape = PAGE_LIMITS,
): string | undefined {
  if (shape.elements > limits.elements)
    return `the page has ${shape.elements} elements; the limit is ${limits.elements}`;
  if (shape.maxDepth > limits.maxDepth)
    return `the page nests elements ${shape.maxDepth} deep; the limit is ${limits.maxDepth}`;
  return undefined;
}

import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import mjml2html from 'mjml';
import type { Edition } from '../edition/edition.js';
import { makePlaceholders, type Placeholders } from './slots.js';
import { digestView, type Detail, type DigestView, type RenderConfig } from './view.js';
import { wrap } from './wrap.js';

export type { RenderConfig } from './view.js';

/**
 * An edition compiled once. `html` and `text` hold `placeholders` where each recipient's own
 * links and greeting go; personalize.ts and mail/compose.ts fill them without compiling again.
 */
export interface RenderedEdition {
  readonly editionId: string;
  readonly html: string;
  readonly text: string;
  /** Plain text; header encoding is the composer's job. */
  readonly subject: string;
  readonly preheader: string;
  readonly placeholders: Placeholders;
}

// The build copies the templates beside the compiled module (scripts/copy-assets.js).
const views = fileURLToPath(new URL('.', import.meta.url));
// Escaping is the default; `<%~ %>` appears only around our own partials' output.
const htmlEngine = new Eta({ views, defaultExtension: '.mjml', cache: true, autoEscape: true });
// The text part is not HTML: nothing to escape, the view is already clean text.
const textEngine = new Eta({ views, cache: true, autoEscape: false, autoTrim: false });

const TEXT_RULE = '-'.repeat(72);
/** Bytes; Gmail clips at 102 KB and the personalised links add a little. */
const HTML_BUDGET = 100 * 1024;

export async function renderEdition(
  edition: Edition,
  config: RenderConfig,
): Promise<RenderedEdition> {
  const placeholders = makePlaceholders(config.secret, JSON.stringify(edition));
  let view = digestView(edition, config, placeholders);
  let html = await compileHtml(view);
  // Gmail hides everything past 102 KB, the footer's unsubscribe link included.
  for (let detail = 1 as Detail; Buffer.byteLength(html) > HTML_BUDGET && detail <= 2; detail++) {
    view = digestView(edition, config, placeholders, detail);
    html = await compileHtml(view);
  }
  const text = renderText(view);
  for (const p of Object.values(placeholders)) {
    // A lost marker would send everyone a mail without working unsubscribe links.
    if (!html.includes(p) || !text.includes(p)) throw new Error(`template lost placeholder ${p}`);
  }
  return Object.freeze({
    editionId: edition.id,
    html,
    text,
    subject: view.subject,
    preheader: view.preheader,
    placeholders,
  });
}

/** The MJML source of the digest (exported for validation tests and tooling). */
export function digestMjml(view: DigestView): string {
  return htmlEngine.render('digest', view);
}

async function compileHtml(view: DigestView): Promise<string> {
  const result = await mjml2html(digestMjml(view), {
    validationLevel: 'strict',
    keepComments: false,
    fonts: {},
  });
  // Indentation is a fifth of MJML's output; it never matters here (no <pre>, and article text
  // is one line per element), and Gmail clips a message at 102 KB.
  return result.html.replace(/\n[ \t]+/g, '\n').replace(/\n{2,}/g, '\n');
}

function renderText(view: DigestView): string {
  const raw = textEngine.render('digest.txt', { ...view, wrap, rule: TEXT_RULE });
  return `${raw
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

import { Lexer, type Token, type Tokens } from 'marked';
import { takeTagline, type Draft } from './draft.js';
import type { BodyBlock, Media } from './schema.js';
import { normalizeLine, HIGHLIGHTS, normalizeNewlines } from './text.js';

/** Markdown body into the same blocks as wire copy: headings and paragraphs of plain text. */
export function parseMarkdown(body: string): Draft {
  const draft: Draft = { media: [], highlights: [], blocks: [], contributors: [] };
  const tokens = new Lexer({ gfm: true }).lex(normalizeNewlines(body));
  let first = true;
  let pendingHighlights = false;

  const paragraph = (text: string) => {
    const t = normalizeLine(text);
    if (t) draft.blocks.push({ type: 'paragraph', text: t });
  };

  const walk = (list: Token[]) => {
    for (const token of list) {
      if (token.type === 'space' || token.type === 'hr') continue;
      const isFirst = first;
      first = false;
      switch (token.type) {
        case 'heading': {
          const text = normalizeLine(inline((token as Tokens.Heading).tokens));
          if (!text) break;
          if (token.depth === 1 && isFirst && !draft.title) draft.title = text;
          else if (HIGHLIGHTS.test(text)) pendingHighlights = true;
          else draft.blocks.push({ type: 'heading', text } satisfies BodyBlock);
          continue;
        }
        case 'paragraph': {
          const p = token as Tokens.Paragraph;
          const images = p.tokens.filter((t): t is Tokens.Image => t.type === 'image');
          draft.media.push(...images.map(imageMedia));
          const text = inline(p.tokens.filter((t) => t.type !== 'image'));
          // `**Story highlights**` as a line of its own heads the list as a heading would.
          if (HIGHLIGHTS.test(normalizeLine(text))) {
            pendingHighlights = true;
            continue;
          }
          paragraph(text);
          break;
        }
        case 'list': {
          const items = (token as Tokens.List).items.map((item) =>
            normalizeLine(inline(item.tokens)),
          );
          if (pendingHighlights) draft.highlights.push(...items.filter(Boolean));
          else items.forEach(paragraph);
          break;
        }
        case 'blockquote':
          walk((token as Tokens.Blockquote).tokens);
          break;
        case 'code':
          paragraph((token as Tokens.Code).text);
          break;
        case 'html':
          paragraph(decodeEntities(stripTags((token as Tokens.HTML).text)));
          break;
        case 'table': {
          const t = token as Tokens.Table;
          for (const row of [t.header, ...t.rows])
            paragraph(row.map((c) => inline(c.tokens)).join(' | '));
          break;
        }
        default:
          if ('text' in token && typeof token.text === 'string')
            paragraph(decodeEntities(token.text));
      }
      pendingHighlights = false;
    }
  };
  walk(tokens);
  draft.contributors = takeTagline(draft.blocks);
  return draft;
}

/** Inline tokens as plain text: emphasis and links keep their words, breaks become spaces. */
function inline(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  return tokens
    .map((t): string => {
      switch (t.type) {
        case 'br':
          return ' ';
        case 'image':
          return '';
        case 'html':
          return stripTags(t.raw);
        case 'escape':
        case 'codespan':
          return t.text;
        case 'text':
          return 'tokens' in t && t.tokens ? inline(t.tokens) : decodeEntities(t.text);
        default:
          return 'tokens' in t && Array.isArray(t.tokens)
            ? inline(t.tokens)
            : decodeEntities('text' in t ? String(t.text) : '');
      }
    })
    .join('');
}

function imageMedia(img: Tokens.Image): Media {
  const m: Media = { kind: 'image', src: img.href };
  const caption = normalizeLine(img.title || img.text || '');
  if (caption) m.caption = caption;
  return m;
}

function stripTags(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ' ');
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n =
        code[1] === 'x' || code[1] === 'X'
          ? parseInt(code.slice(2), 16)
          : parseInt(code.slice(1), 10);
      return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
        ? String.fromCodePoint(n)
        : whole;
    }
    return NAMED[code.toLowerCase()] ?? whole;
  });
}

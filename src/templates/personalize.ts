import type { RenderedEdition } from './render.js';
import { SLOTS, slotValues, type Placeholders, type RecipientValues, type Slot } from './slots.js';

export type { RecipientValues } from './slots.js';

/** A rendered part cut at its placeholders: `parts.length === slots.length + 1`. */
export interface SplitTemplate<T = string> {
  readonly parts: readonly T[];
  readonly slots: readonly Slot[];
}

/** Cuts once per edition, so that each recipient costs a concatenation, not a search. */
export function splitAtPlaceholders(template: string, placeholders: Placeholders): SplitTemplate {
  const bySlot = new Map<string, Slot>(SLOTS.map((s) => [placeholders[s], s]));
  const pattern = new RegExp([...bySlot.keys()].map(escapeRegExp).join('|'), 'g');
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const m of template.matchAll(pattern)) {
    parts.push(template.slice(last, m.index));
    slots.push(bySlot.get(m[0])!);
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  return { parts, slots };
}

export function fill(split: SplitTemplate, values: Readonly<Record<Slot, string>>): string {
  let out = split.parts[0]!;
  for (let i = 0; i < split.slots.length; i++) out += values[split.slots[i]!] + split.parts[i + 1]!;
  return out;
}

/**
 * Byte-level personalisation: the static parts are UTF-8 encoded once, and each copy is one
 * Buffer.concat. String replacement is slower once a 64 K+ string holds non-Latin-1 text.
 */
export function createPersonalizer(
  rendered: RenderedEdition,
): (recipient: RecipientValues) => { html: Buffer; text: Buffer } {
  const html = toBuffers(splitAtPlaceholders(rendered.html, rendered.placeholders));
  const text = toBuffers(splitAtPlaceholders(rendered.text, rendered.placeholders));
  return (recipient) => {
    const v = slotValues(recipient);
    return { html: splice(html, v.html), text: splice(text, v.text) };
  };
}

/** One recipient's copy as strings (tests, previews); senders use createPersonalizer or compose. */
export function personalize(
  rendered: RenderedEdition,
  recipient: RecipientValues,
): { html: string; text: string } {
  const v = slotValues(recipient);
  return {
    html: fill(splitAtPlaceholders(rendered.html, rendered.placeholders), v.html),
    text: fill(splitAtPlaceholders(rendered.text, rendered.placeholders), v.text),
  };
}

/** The copy anyone may see (archive, view in browser): links to the pages that ask who you are. */
export function publicCopy(
  rendered: RenderedEdition,
  siteUrl: string,
): { html: string; text: string } {
  return personalize(rendered, {
    unsubscribeUrl: `${siteUrl}/unsubscribe`,
    preferencesUrl: `${siteUrl}/preferences`,
  });
}

export function toBuffers(split: SplitTemplate): SplitTemplate<Buffer> {
  return { parts: split.parts.map((p) => Buffer.from(p, 'utf8')), slots: split.slots };
}

function splice(split: SplitTemplate<Buffer>, values: Readonly<Record<Slot, string>>): Buffer {
  const chunks: Buffer[] = [split.parts[0]!];
  for (let i = 0; i < split.slots.length; i++) {
    chunks.push(Buffer.from(values[split.slots[i]!], 'utf8'), split.parts[i + 1]!);
  }
  return Buffer.concat(chunks);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

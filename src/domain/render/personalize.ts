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

function fill(split: SplitTemplate, values: Readonly<Record<Slot, string>>): string {
  let out = split.parts[0]!;
  for (let i = 0; i < split.slots.length; i++) out += values[split.slots[i]!] + split.parts[i + 1]!;
  return out;
}

/** One recipient's copy as strings (tests, previews); senders use the composer's byte-level splice. */
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

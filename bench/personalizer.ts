/**
 * The benchmark's personaliser: what one more recipient costs once the edition is compiled,
 * measured apart from MIME composition (the sender's own splice lives in src/domain/mail/compose.ts).
 */
import { splitAtPlaceholders, type SplitTemplate } from '../src/domain/render/personalize.js';
import type { RenderedEdition } from '../src/domain/render/render.js';
import { slotValues, type RecipientValues, type Slot } from '../src/domain/render/slots.js';

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

function toBuffers(split: SplitTemplate): SplitTemplate<Buffer> {
  return { parts: split.parts.map((p) => Buffer.from(p, 'utf8')), slots: split.slots };
}

function splice(split: SplitTemplate<Buffer>, values: Readonly<Record<Slot, string>>): Buffer {
  const chunks: Buffer[] = [split.parts[0]!];
  for (let i = 0; i < split.slots.length; i++) {
    chunks.push(Buffer.from(values[split.slots[i]!], 'utf8'), split.parts[i + 1]!);
  }
  return Buffer.concat(chunks);
}

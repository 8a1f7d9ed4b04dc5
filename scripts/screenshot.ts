/**
 * Renders the digest in headless Chromium at 600 px and 375 px and saves the screenshots:
 *   npx tsx scripts/screenshot.ts [edition.html] [outDir=docs]
 * Without an HTML file it renders six stories from the test fixtures. Media requests are
 * answered with a generated picture, so the check needs no network.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/chromium.js';
import { makeEdition } from '../src/domain/edition/edition.js';
import { recipientLinks } from '../src/domain/mail/links.js';
import { personalize } from '../src/domain/render/personalize.js';
import { renderEdition } from '../src/domain/render/render.js';
import { CONFIG, seedArticle, wireArticles } from '../test/helpers/render.js';

const [htmlFile, outDir = 'docs'] = process.argv.slice(2);

async function sampleHtml(): Promise<string> {
  const articles = [seedArticle(new Date('2026-02-10T07:00:00Z')), ...wireArticles(5)];
  const edition = makeEdition(articles, { id: '2026-02-10', date: '2026-02-10T07:00:00Z' });
  const rendered = await renderEdition(edition, CONFIG);
  return personalize(rendered, { ...recipientLinks(CONFIG, 'sample'), name: 'Ana' }).html;
}

function picture(url: string): string {
  const hue = [...url].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},45%,42%)"/><stop offset="1" stop-color="hsl(${(hue + 50) % 360},50%,70%)"/></linearGradient></defs><rect width="1200" height="675" fill="url(#g)"/></svg>`;
}

const html = htmlFile ? await readFile(htmlFile, 'utf8') : await sampleHtml();
await mkdir(outDir, { recursive: true });
const browser = await launchChromium();
try {
  for (const width of [600, 375]) {
    const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (/\.(jpe?g|png|gif|webp)(\?|$)/i.test(url) || url.includes('media.')) {
        return route.fulfill({ contentType: 'image/svg+xml', body: picture(url) });
      }
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    // A string, evaluated in the page: this project's TypeScript has no DOM types.
    const overflow = Number(
      await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
    );
    const file = join(outDir, `digest-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`${file}${overflow > 0 ? ` (overflows by ${overflow} px)` : ''}`);
    // Tiles at full resolution for a person to inspect (a whole page is shrunk to fit a viewer).
    if (process.env.TILES) {
      const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
      for (let y = 0, i = 1; y < height; y += 900, i++) {
        const clip = { x: 0, y, width, height: Math.min(900, height - y) };
        await page.screenshot({
          path: join(process.env.TILES, `${width}-${i}.png`),
          clip,
          fullPage: true,
        });
      }
    }
    await page.close();
  }
} finally {
  await browser.close();
}

import { describe, expect, it } from 'vitest';
import { FALLBACK_DATE } from '../../helpers/article.js';
import { jsonLd, page, parsePage, STORY, storyHtml } from '../../helpers/html-pages.js';

describe('HTML pages: metadata, source by source', () => {
  it('JSON-LD NewsArticle: headline, authors, dates, image, publisher', () => {
    const a = parsePage(
      page(
        jsonLd({
          '@context': 'https://schema.org',
          '@type': 'NewsArticle',
          headline: 'Harbour bridge to be rebuilt',
          author: [{ '@type': 'Person', name: 'Ana Prieto' }, 'Ian Moss'],
          datePublished: '2024-03-05T09:30:00+01:00',
          dateModified: '2024-03-06T10:00:00Z',
          image: { '@type': 'ImageObject', url: 'https://img.example/bridge.jpg' },
          publisher: { '@type': 'Organization', name: 'The Harbour Times' },
          keywords: 'bridges, council',
        }) + '<title>Something else entirely</title>',
      ),
    );
    expect(a.contributors).toEqual(['Ana Prieto', 'Ian Moss']);
    expect(a.publishedAt).toBe('2024-03-05T08:30:00.000Z');
    expect(a.media[0]).toEqual({ kind: 'image', src: 'https://img.example/bridge.jpg' });
    expect(a.source).toBe('The Harbour Times');
    expect(a.tags).toEqual(['bridges', 'council']);
    // No og:title to confirm the JSON-LD headline: the <title> the publisher chose.
    expect(a.title).toBe('Something else entirely');
  });

  it('JSON-LD in an @graph, with the author by @id; JSON-LD wins over OpenGraph', () => {
    const a = parsePage(
      page(
        jsonLd({
          '@graph': [
            { '@type': 'Person', '@id': '#ana', name: 'Ana Prieto' },
            {
              '@type': ['NewsArticle'],
              headline: 'Harbour bridge to be rebuilt',
              author: { '@id': '#ana' },
              datePublished: '2024-03-05',
            },
          ],
        }) +
          '<meta property="og:title" content="Harbour bridge to be rebuilt">' +
          '<meta property="article:published_time" content="2020-01-01T00:00:00Z">' +
          '<meta name="author" content="Somebody Else">',
      ),
    );
    expect(a.title).toBe('Harbour bridge to be rebuilt');
    expect(a.contributors).toEqual(['Ana Prieto']);
    expect(a.publishedAt).toBe('2024-03-05T00:00:00.000Z');
  });

  it('broken JSON-LD costs nothing but itself', () => {
    const a = parsePage(
      page(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",}</script>' +
          '<meta property="og:title" content="Bridge vote | The Harbour Times">' +
          '<meta property="og:site_name" content="The Harbour Times">' +
          '<meta property="article:published_time" content="2024-03-05T09:30:00Z">',
      ),
    );
    expect(a.title).toBe('Bridge vote');
    expect(a.publishedAt).toBe('2024-03-05T09:30:00.000Z');
  });

  it('OpenGraph and <meta>: title without the site name, byline split, outlet dropped', () => {
    const a = parsePage(
      page(
        '<title>Bridge vote splits the waterfront - Harbour Times</title>' +
          '<meta property="og:title" content="Bridge vote splits the waterfront">' +
          '<meta property="og:site_name" content="Harbour Times">' +
          '<meta name="author" content="By Ana Prieto, Ian Moss and Lu Wei, Harbour Times">' +
          '<meta name="pubdate" content="2024-03-05T09:30:00Z">' +
          '<meta property="og:image" content="/img/bridge.jpg">' +
          '<link rel="canonical" href="https://harbour.example/2024/03/05/bridge">',
        `<h1>Bridge vote splits the waterfront</h1><article>${storyHtml()}</article>`,
      ),
    );
    expect(a.title).toBe('Bridge vote splits the waterfront');
    expect(a.contributors).toEqual(['Ana Prieto', 'Ian Moss', 'Lu Wei']);
    expect(a.publishedAt).toBe('2024-03-05T09:30:00.000Z');
    expect(a.url).toBe('https://harbour.example/2024/03/05/bridge');
    expect(a.media[0]!.src).toBe('https://harbour.example/img/bridge.jpg');
    expect(a.source).toBe('Harbour Times');
  });

  it('og:title and the <h1> agree on a headline the <title> rewrites: theirs', () => {
    const a = parsePage(
      page(
        '<title>Council backs bridge | Harbour Times</title>' +
          '<meta property="og:title" content="Bridge vote splits the waterfront">',
        `<h1>Bridge vote splits the waterfront</h1><article>${storyHtml()}</article>`,
      ),
    );
    expect(a.title).toBe('Bridge vote splits the waterfront');
  });

  it('the page alone: <title>, <time>, rel=author, the date in the address', () => {
    const a = parsePage(
      page(
        '<title>Bridge vote splits the waterfront | Harbour Times</title>',
        `<h1>Bridge vote splits the waterfront</h1><p>By <a rel="author" href="/staff/ana">Ana Prieto</a></p>
         <time datetime="2024-03-05T09:30:00Z">March 5</time><article>${storyHtml()}</article>`,
      ),
    );
    expect(a.title).toBe('Bridge vote splits the waterfront');
    expect(a.contributors).toEqual(['Ana Prieto']);
    expect(a.publishedAt).toBe('2024-03-05T09:30:00.000Z');

    const dated = parsePage(
      page('<link rel="canonical" href="https://harbour.example/2019/07/14/bridge/">'),
    );
    expect(dated.publishedAt).toBe('2019-07-14T00:00:00.000Z');
    const undated = parsePage(page(''));
    expect(undated.publishedAt).toBe(FALLBACK_DATE.toISOString());
  });

  it('a date stamp line atop the story gives the date and leaves the body', () => {
    const a = parsePage(
      page('', `<article><p>2018年6月18日 10:01 発信地：カノ</p>${storyHtml()}</article>`),
    );
    expect(a.publishedAt.slice(0, 10)).toBe('2018-06-18');
    expect(a.body.map((b) => b.text)).toEqual(STORY);
  });

  it('url: rel=canonical, else og:url; a bare relative canonical is not trusted', () => {
    const og = '<meta property="og:url" content="https://harbour.example/news/bridge.html">';
    expect(parsePage(page(og + '<link rel="canonical" href="/b/1">')).url).toBe(
      'https://harbour.example/b/1',
    );
    expect(parsePage(page(og + '<link rel="canonical" href="8003098">')).url).toBe(
      'https://harbour.example/news/bridge.html',
    );
  });

  it('blocks: subheads from <h2> and bold lines, lists as paragraphs, the headline not repeated', () => {
    const a = parsePage(
      page(
        '<title>Bridge vote | Harbour Times</title>',
        `<article><h1>Bridge vote</h1><p>${STORY[0]}</p><h2 class="subheader">What comes next</h2>
         <p>${STORY[1]}</p><p><strong>The costs</strong></p><p>${STORY[2]}</p>
         <ul><li>Trams from 2027</li><li>Cars from 2028</li></ul></article>`,
      ),
    );
    expect(a.body).toEqual([
      { type: 'paragraph', text: STORY[0] },
      { type: 'heading', text: 'What comes next' },
      { type: 'paragraph', text: STORY[1] },
      { type: 'heading', text: 'The costs' },
      { type: 'paragraph', text: STORY[2] },
      { type: 'paragraph', text: 'Trams from 2027' },
      { type: 'paragraph', text: 'Cars from 2028' },
    ]);
  });

  it('media: figures with caption and credit, lazy images, absolute URLs; icons are not media', () => {
    const a = parsePage(
      page(
        '<link rel="canonical" href="https://harbour.example/news/bridge">',
        `<article><p>${STORY[0]}</p>
         <figure><img src="/img/bridge.jpg" width="800"><figcaption>The old bridge at dawn.
           <span class="credit">Photo: Ana Prieto</span></figcaption></figure>
         <p>${STORY[1]} <img src="/icons/smile.png" width="16" height="16"> and more.</p>
         <img src="data:image/gif;base64,R0lGOD" data-src="https://cdn.example/tram.jpg">
         <p>${STORY[2]}</p></article>`,
      ),
    );
    expect(a.media).toEqual([
      {
        kind: 'image',
        src: 'https://harbour.example/img/bridge.jpg',
        caption: 'The old bridge at dawn.',
        credit: 'Ana Prieto',
      },
      { kind: 'image', src: 'https://cdn.example/tram.jpg' },
    ]);
    expect(a.body[1]!.text).toBe(`${STORY[1]} and more.`);
  });

  it('wire rules apply: dateline, byline, player debris, tagline', () => {
    const a = parsePage(
      page(
        '',
        `<article><p>By Ana Prieto, CNN</p><p>WASHINGTON (CNN) — ${STORY[0]}</p>
         <p>JUST WATCHED</p><p>Bridge plans unveiled</p><p>Replay</p><p>More Videos ...</p>
         <p>MUST WATCH</p><p>Bridge plans unveiled 02:10</p>
         <p>${STORY[1]}</p><p>${STORY[2]}</p>
         <p>CNN's Lu Wei contributed to this report.</p></article>`,
      ),
    );
    expect(a.body.map((b) => b.text)).toEqual([STORY[0], STORY[1], STORY[2]]);
    expect(a.source).toBe('CNN');
    expect(a.contributors).toEqual(['Ana Prieto', 'Lu Wei']);
    expect(a.media).toEqual([
      { kind: 'video', caption: 'Bridge plans unveiled', durationSeconds: 130 },
    ]);
  });
});

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../runtime/config.js';
import { InvalidSubscriberError } from '../../runtime/errors.js';
import { feedLink, html, sendPage, wantsJson, type SafeHtml } from '../html.js';
import { crossSiteReason } from '../same-origin.js';
import type { ConfirmOutcome, Signup } from '../../operations/signup.js';

const SubscribeBody = z.object({
  email: z.string().max(320),
  name: z.string().max(100).optional(),
  // A field people never see: a bot that fills every input gets the usual answer and nothing else.
  website: z.string().max(200).optional(),
});

const ACCEPTED =
  'If the address can receive mail, a message to confirm the subscription is on its way. Open the link in it to start receiving the digest.';

export interface SubscriptionDeps {
  config: Config;
  signup: Signup;
  rateLimit: { max: number; timeWindow: number };
}

/** GET / (the form), POST /subscribe (double opt-in, rate limited), GET|POST /confirm. */
export async function subscriptionRoutes(
  app: FastifyInstance,
  deps: SubscriptionDeps,
): Promise<void> {
  const { config, signup } = deps;
  const show = (title: string, body: SafeHtml) => ({ siteName: config.siteName, title, body });

  app.get('/', async (_req, reply) =>
    sendPage(reply, 200, {
      ...show(config.siteName, subscribeForm(config)),
      head: feedLink(config.siteName),
    }),
  );

  app.post('/subscribe', { config: { rateLimit: deps.rateLimit } }, async (req, reply) => {
    // Another site's form would make a visitor's browser sign up any address from their own IP.
    if (crossSiteReason(req, config.siteUrl)) return refuseCrossSite(req, reply);
    const parsed = SubscribeBody.safeParse(req.body ?? {});
    const json = wantsJson(req);
    try {
      if (!parsed.success)
        throw new InvalidSubscriberError(
          parsed.error.issues[0]?.message ?? 'invalid form',
          parsed.error.issues[0]?.path[0] === 'name' ? 'name' : 'email',
        );
      if (!parsed.data.website) await signup.request(parsed.data);
    } catch (err) {
      if (!(err instanceof InvalidSubscriberError)) throw err;
      const message =
        err.field === 'name'
          ? 'Please shorten the name to 100 characters at most.'
          : 'That does not look like an email address. Please check it and try again.';
      return formError(reply, json, 400, 'invalid_email', 'Check the address', message);
    }
    // The same answer whether the address was new, pending, active or unsubscribed.
    if (json) return reply.code(202).send({ status: 'accepted', message: ACCEPTED });
    return sendPage(
      reply,
      202,
      show(
        'Check your inbox',
        html`<h1>Check your inbox</h1>
          <p role="status">${ACCEPTED}</p>`,
      ),
    );
  });

  // A GET only shows the button: mail gateways and link scanners open every link, and must not
  // subscribe anyone (nor bring back someone who left). HEAD, which fastify answers with the
  // GET handler, therefore changes nothing either.
  app.get<{ Querystring: { token?: string } }>('/confirm', async (req, reply) => {
    const outcome = await signup.inspect(req.query.token);
    if (wantsJson(req))
      return reply.send({ status: outcome === 'would-confirm' ? 'pending' : outcome });
    if (outcome !== 'would-confirm') return confirmedPage(reply, outcome);
    return sendPage(
      reply,
      200,
      show(
        'Confirm your subscription',
        html`<h1>Confirm your subscription</h1>
          <p>Press the button to start receiving ${config.siteName}.</p>
          <form method="post" action="/confirm">
            <input type="hidden" name="token" value="${req.query.token ?? ''}" />
            <button type="submit">Confirm my subscription</button>
          </form>
          <p class="muted">
            Did not ask for this? Close this page: nothing happens without the button.
          </p>`,
      ),
    );
  });

  app.post<{ Querystring: { token?: string }; Body: unknown }>('/confirm', async (req, reply) => {
    // Only our own page's button: another site cannot confirm on someone's behalf with a link
    // it was sent.
    if (crossSiteReason(req, config.siteUrl)) return refuseCrossSite(req, reply);
    const body = req.body as { token?: unknown } | undefined;
    const outcome = await signup.confirm(body?.token ?? req.query.token);
    if (wantsJson(req)) return reply.send({ status: outcome });
    return confirmedPage(reply, outcome);
  });

  function confirmedPage(reply: FastifyReply, outcome: ConfirmOutcome) {
    if (outcome === 'stale') {
      return sendPage(
        reply,
        409,
        show(
          'Link no longer valid',
          html`<h1>This link is older than your last change</h1>
            <p>
              You left the list after this link was sent, so it cannot bring you back. Subscribe
              again to get a new one.
            </p>
            ${subscribeForm(config)}`,
        ),
      );
    }
    return sendPage(
      reply,
      200,
      show(
        'Subscribed',
        html`<h1>You are subscribed</h1>
          <p role="status">
            ${
              outcome === 'confirmed'
                ? `Thank you: ${config.siteName} will arrive with the next edition.`
                : 'Your subscription was already confirmed. Nothing else to do.'
            }
          </p>
          <p>Every digest has a link to change your time zone or to unsubscribe in one click.</p>`,
      ),
    );
  }

  function refuseCrossSite(req: FastifyRequest, reply: FastifyReply) {
    req.log.info({ route: req.routeOptions.url }, 'cross-site form refused');
    const message = 'This form only works from this site. Open it here and try again.';
    return formError(reply, wantsJson(req), 403, 'cross_site', 'Use this site', message);
  }

  /** A refused form: JSON for API clients, else the page with the reason and the form again. */
  function formError(
    reply: FastifyReply,
    json: boolean,
    status: number,
    code: string,
    title: string,
    message: string,
  ) {
    if (json) return reply.code(status).send({ error: code, message });
    return sendPage(
      reply,
      status,
      show(
        title,
        html`<p role="alert">${message}</p>
          ${subscribeForm(config)}`,
      ),
    );
  }
}

function subscribeForm(config: Config): SafeHtml {
  return html`<h1>Subscribe to ${config.siteName}</h1>
    <p>The day's stories in one email. We will ask you to confirm your address first.</p>
    <form method="post" action="/subscribe">
      <label for="email">Email address</label>
      <input
        id="email"
        name="email"
        type="email"
        required
        autocomplete="email"
        inputmode="email"
        maxlength="254"
      />
      <label for="name">Name <span class="muted">(optional)</span></label>
      <input id="name" name="name" type="text" autocomplete="name" maxlength="100" />
      <div hidden>
        <label for="website">Leave this empty</label
        ><input id="website" name="website" tabindex="-1" autocomplete="off" />
      </div>
      <button type="submit">Subscribe</button>
    </form>
    <p class="muted">Prefer a reader? <a href="/feed.xml">Follow the RSS feed</a>.</p>`;
}

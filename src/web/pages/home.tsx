// The start page: where each of the signed-in person's roles does its work.
import type { WebApp } from '../app.js';
import { render, signedIn } from '../app.js';
import { navigationFor } from '../layout.js';

const DESCRIPTIONS: Record<string, string> = {
  '/app/admin': 'People and their roles, API tokens, the rule set in force, meeting dates and the configuration in force.',
  '/app/hub': 'Every review in progress with its evaluators, deadline and state, overdue first; each evaluator\'s load; assign and reassign.',
  '/app/bids': 'Bids you may see: their state, what they wait for, and what you may do next.',
  '/app/bids/new': 'Submit a funding bid for your organisation, a step at a time.',
  '/app/reviews': 'Reviews assigned to you, places open for review, and moderation: overdue first.',
  '/app/meetings': 'CCP Assembly meetings: agendas, attendance, quorum, votes and decisions.',
  '/app/rounds': 'Funding rounds: the allocation against each envelope, its cut line, and what-if runs.',
  '/app/finance': 'Money supported and committed, per financial year and against each envelope.',
  '/app/trail': 'Who decided what, when and why: search the decision trail and download it.',
};

export function registerHomePages(web: WebApp) {
  web.get('/app', (c) => {
    const user = signedIn(c);
    const areas = navigationFor(user);
    return render(
      c,
      { title: 'Home' },
      <>
        <h1>Clinical prioritisation</h1>
        <p class="nhsuk-lede-text">How NHS Norfolk and Waveney decides which funding bids to back, and why.</p>
        <ul class="nhsuk-grid-row nhsuk-card-group">
          {areas.map((area) => (
            <li class="nhsuk-grid-column-one-half nhsuk-card-group__item">
              <div class="nhsuk-card nhsuk-card--clickable">
                <div class="nhsuk-card__content">
                  <h2 class="nhsuk-card__heading nhsuk-heading-m">
                    <a class="nhsuk-card__link" href={area.href}>
                      {area.text}
                    </a>
                  </h2>
                  <p class="nhsuk-card__description">{DESCRIPTIONS[area.href] ?? ''}</p>
                </div>
              </div>
            </li>
          ))}
        </ul>
      </>,
    );
  });

  web.get('/app/accessibility', (c) =>
    render(
      c,
      { title: 'Accessibility statement' },
      <>
        <h1>Accessibility statement</h1>
        <p>This service is built to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA, as NHS services must.</p>
        <ul>
          <li>Every page works without JavaScript, with a keyboard, and at 400% zoom.</li>
          <li>Pages use the NHS design system's components, with labels, hints and error messages tied to their fields.</li>
          <li>Each page is checked automatically, with axe, for accessibility problems before every release.</li>
          <li>The allocation chart has a table of the same figures beside it.</li>
        </ul>
        <p>If you find a problem, tell the ICB programme management office.</p>
      </>,
    ),
  );
}

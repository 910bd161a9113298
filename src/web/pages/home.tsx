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
  '/app/register': 'Standing interests of everyone who reviews or decides: declare yours, read and download the published register.',
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

  web.get('/app/accessibility', (c) => render(c, { title: 'Accessibility statement' }, <AccessibilityStatement />));
}

/** When the pages were last tested for accessibility, and how. Change it when they are tested again. */
const LAST_TESTED = '2 December 2026';

/** The statement the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 require. */
const AccessibilityStatement = () => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <h1>Accessibility statement</h1>
      <p>
        This statement applies to the Clinical prioritisation service of NHS Norfolk and Waveney Integrated Care Board (ICB): its web pages for programme teams,
        the evaluation hub, the CCP Assembly, finance and administrators.
      </p>
      <h2>Using this service</h2>
      <p>We want as many people as possible to be able to use it. You should be able to:</p>
      <ul>
        <li>use every page without JavaScript, and with a keyboard alone</li>
        <li>zoom in up to 400% without the text spilling off the screen, and use every page on a screen 320 pixels wide</li>
        <li>change colours, contrast levels and fonts using your browser or device settings</li>
        <li>use most of the service with a screen reader, speech recognition software or a screen magnifier</li>
      </ul>
      <p>
        <a href="https://mcmw.abilitynet.org.uk/">AbilityNet has advice on making your device easier to use</a> if you have a disability.
      </p>
      <h2>Compliance status</h2>
      <p>
        This service is partially compliant with the <a href="https://www.w3.org/TR/WCAG22/">Web Content Accessibility Guidelines version 2.2</a> AA standard, due to the
        non-compliances listed below.
      </p>
      <h2>Known issues: content that is not accessible</h2>
      <ul>
        <li>
          The allocation chart on a funding round's page tells funded, must-fund and waitlisted bids apart mainly by colour, and its labels are small on a narrow
          screen (WCAG 1.4.1 Use of colour, 1.4.11 Non-text contrast). The table beside it gives the same figures in words. We plan to add an axis and shapes by
          31 March 2027.
        </li>
        <li>
          A bid's page is long, with its answers, score, timeline and decisions on one page, so finding what happens next can take a screen reader user some time
          (WCAG 2.4.1 Bypass blocks, 2.4.6 Headings). We plan to split it into sections by 31 March 2027.
        </li>
        <li>
          On a narrow screen, wide tables (the decision trail, a round's allocation) scroll sideways inside their own region rather than reflowing into a list, as
          WCAG 1.4.10 allows for data tables.
        </li>
        <li>The decision trail's CSV download gives amounts in pence and actions as codes; the page itself shows them in words.</li>
      </ul>
      <h2>Feedback and contact information</h2>
      <p>
        If you need information from this service in a different format, or find a problem not listed here, contact the ICB programme management office, which runs
        the service, through the ICB's switchboard or its website. Tell us the page's address and what went wrong. We will reply within 5 working days.
      </p>
      <h2>Enforcement procedure</h2>
      <p>
        The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility
        Regulations 2018 (the accessibility regulations). If you are not happy with how we respond to your complaint,{' '}
        <a href="https://www.equalityadvisoryservice.com/">contact the Equality Advisory and Support Service (EASS)</a>.
      </p>
      <h2>Technical information about this service's accessibility</h2>
      <p>NHS Norfolk and Waveney ICB is committed to making its services accessible, in accordance with the accessibility regulations.</p>
      <h2>How we tested this service</h2>
      <p>
        This service was last tested on {LAST_TESTED}. Every page is checked automatically with axe in Chromium, in the service's own browser tests, before every
        release, and each user group's main pages are checked at 320 pixels wide for horizontal scrolling. The tests fail on any serious or critical WCAG 2.2 A or AA
        violation.
      </p>
      <h2>Preparation of this accessibility statement</h2>
      <p>This statement was prepared on 2 December 2026. It was last reviewed on {LAST_TESTED}.</p>
    </div>
  </div>
);

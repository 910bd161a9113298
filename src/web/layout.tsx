// The page every screen shares: the NHS header with who is signed in and their navigation, the
// notification banner for what just happened, the main content and the footer.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { AuthUser } from '../services/auth.js';
import { ErrorSummary, type FieldError } from './components.js';
import { ROLE_LABELS } from './format.js';
import type { Flash } from './session.js';

export const SERVICE_NAME = 'Clinical prioritisation';

interface NavItem {
  href: string;
  text: string;
}

/** What each role works on, in the order people reach for it. */
export function navigationFor(user: AuthUser | null): NavItem[] {
  if (!user) return [];
  const has = (...roles: string[]) => roles.some((r) => user.roles.includes(r as never));
  const items: NavItem[] = [];
  // The admin starts at their own pages: people, tokens, rule sets, configuration.
  if (has('admin')) items.push({ href: '/app/admin', text: 'Administration' });
  if (has('applicant')) items.push({ href: '/app/bids', text: 'My bids' }, { href: '/app/bids/new', text: 'New bid' });
  if (has('hub_lead')) items.push({ href: '/app/hub', text: 'Reviews in progress' });
  if (has('evaluator', 'hub_lead')) items.push({ href: '/app/reviews', text: 'Review queue' });
  // Finance and the admin start at the money; they look in on the Assembly's meetings after.
  if (has('finance', 'admin')) items.push({ href: '/app/rounds', text: 'Funding rounds' }, { href: '/app/finance', text: 'Money' }, { href: '/app/trail', text: 'Decision trail' });
  if (has('assembly_member', 'assembly_chair', 'admin', 'finance')) items.push({ href: '/app/meetings', text: 'Assembly meetings' });
  if (has('evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin')) items.push({ href: '/app/bids', text: 'Bids' });
  if (has('evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin')) items.push({ href: '/app/register', text: 'Register of interests' });
  // One entry per destination, first wins.
  return items.filter((item, i) => items.findIndex((x) => x.href === item.href) === i);
}

const NhsLogo: FC = () => (
  <svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS">
    <title>NHS</title>
    <path
      fill="currentcolor"
      d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
    />
  </svg>
);

const Header: FC<{ user: AuthUser | null; csrf: string; current?: string; unread?: number }> = ({ user, csrf, current, unread = 0 }) => {
  const nav = navigationFor(user);
  return (
    <header class="nhsuk-header" data-module="nhsuk-header" role="banner">
      <div class="nhsuk-header__container nhsuk-width-container">
        <div class="nhsuk-header__service">
          <a class="nhsuk-header__service-logo" href="/app" aria-label={`NHS ${SERVICE_NAME} homepage`}>
            <NhsLogo />
            <span class="nhsuk-header__service-name">{SERVICE_NAME}</span>
          </a>
        </div>
        {user ? (
          <nav class="nhsuk-header__account" aria-label="Account">
            <ul class="nhsuk-header__account-list">
              <li class="nhsuk-header__account-item">{user.name}</li>
              <li class="nhsuk-header__account-item">
                {user.roles.map((r) => ROLE_LABELS[r] ?? r).join(', ')}, {user.organisation}
              </li>
              <li class="nhsuk-header__account-item">
                <a class="nhsuk-header__account-link" href="/app/notifications" data-unread={String(unread)}>
                  Notifications{unread ? ` (${unread} new)` : ''}
                </a>
              </li>
              <li class="nhsuk-header__account-item">
                <form class="nhsuk-header__account-form" action="/app/sign-out" method="post" novalidate>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button class="nhsuk-header__account-button">Sign out</button>
                </form>
              </li>
            </ul>
          </nav>
        ) : null}
      </div>
      {nav.length ? (
        <nav class="nhsuk-header__navigation" aria-label="Menu">
          <div class="nhsuk-header__navigation-container nhsuk-width-container">
            <ul class="nhsuk-header__navigation-list">
              {nav.map((item) => (
                <li class={`nhsuk-header__navigation-item${current === item.href ? ' nhsuk-header__navigation-item--current' : ''}`}>
                  <a class="nhsuk-header__navigation-link" href={item.href} aria-current={current === item.href ? 'page' : undefined}>
                    {item.text}
                  </a>
                </li>
              ))}
              <li class="nhsuk-header__menu" hidden>
                <button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" id="toggle-menu" aria-expanded="false">
                  <span class="nhsuk-u-visually-hidden">Browse </span>More
                </button>
              </li>
            </ul>
          </div>
        </nav>
      ) : null}
    </header>
  );
};

const Banner: FC<{ flash: Flash }> = ({ flash }) => (
  <div
    class={`nhsuk-notification-banner${flash.kind === 'success' ? ' nhsuk-notification-banner--success' : ''}`}
    data-module="nhsuk-notification-banner"
    role="alert"
    aria-labelledby="nhsuk-notification-banner-title"
    tabindex={-1}
  >
    <div class="nhsuk-notification-banner__header">
      <h2 class="nhsuk-notification-banner__title" id="nhsuk-notification-banner-title">
        {flash.kind === 'success' ? 'Success' : 'Important'}
      </h2>
    </div>
    <div class="nhsuk-notification-banner__content">
      <p class="nhsuk-notification-banner__heading">{flash.title}</p>
      {flash.text ? <p class="nhsuk-body">{flash.text}</p> : null}
    </div>
  </div>
);

export interface LayoutProps {
  /** The page's own title: the browser tab shows "<title> - Clinical prioritisation - NHS". */
  title: string;
  user: AuthUser | null;
  csrf: string;
  flash?: Flash;
  /** Errors on this page's form: "Error: " prefixes the title, and the summary leads the page. */
  errors?: FieldError[];
  /** The navigation item this page belongs to. */
  current?: string;
  beforeContent?: Child;
  /** The signed-in person's notifications newer than when they last looked. */
  unread?: number;
}

export const Layout: FC<PropsWithChildren<LayoutProps>> = ({ title, user, csrf, flash, errors = [], current, beforeContent, unread, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>{`${errors.length ? 'Error: ' : ''}${title} - ${SERVICE_NAME} - NHS`}</title>
      <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
      <meta name="theme-color" content="#005eb8" />
      <link rel="icon" href="/assets/nhsuk/images/favicon.ico" sizes="48x48" />
      <link rel="icon" href="/assets/nhsuk/images/favicon.svg" sizes="any" type="image/svg+xml" />
      <link rel="stylesheet" href="/assets/app.css" />
      <script type="module" src="/assets/app.js"></script>
    </head>
    <body>
      <a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">
        Skip to main content
      </a>
      <Header user={user} csrf={csrf} current={current} unread={unread} />
      <div class="nhsuk-width-container">
        {beforeContent}
        <main class="nhsuk-main-wrapper" id="maincontent">
          {flash ? <Banner flash={flash} /> : null}
          <ErrorSummary errors={errors} />
          {children}
        </main>
      </div>
      <footer class="nhsuk-footer" role="contentinfo">
        <div class="nhsuk-width-container">
          <div class="nhsuk-footer__meta">
            <h2 class="nhsuk-u-visually-hidden">Support links</h2>
            <ul class="nhsuk-footer__list">
              <li class="nhsuk-footer__list-item">
                <a class="nhsuk-footer__list-item-link" href="/app/accessibility">
                  Accessibility statement
                </a>
              </li>
              <li class="nhsuk-footer__list-item">
                <a class="nhsuk-footer__list-item-link" href="/docs">
                  API documentation
                </a>
              </li>
            </ul>
            <p class="nhsuk-body-s">NHS Norfolk and Waveney Integrated Care Board</p>
          </div>
        </div>
      </footer>
    </body>
  </html>
);

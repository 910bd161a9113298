// A bid's decision letters: listed on the bid's page, downloadable as PDF by anyone who may see
// the bid; each with the SHA-256 the trail records for it.
import type { FC } from 'hono/jsx';
import { letterFile, pdfHeaders, type LetterListing } from '../../services/letters.js';
import type { WebApp } from '../app.js';
import { signedIn } from '../app.js';
import { date } from '../format.js';

export const letterHref = (id: string) => `/app/bids/${id.split('/').map(encodeURIComponent).join('/letters/')}.pdf`;

export const DecisionLetters: FC<{ letters: LetterListing[] }> = ({ letters }) =>
  letters.length ? (
    <>
      <h2>Decision letters</h2>
      <ul class="nhsuk-list">
        {letters.map((l) => (
          <li>
            <a href={letterHref(l.id)} download>
              {l.title} (PDF)
            </a>{' '}
            <span class="nhsuk-body-s nhsuk-u-secondary-text-colour">
              {date(l.createdAt)}, SHA-256 <code>{l.sha256.slice(0, 16)}…</code>
            </span>
          </li>
        ))}
      </ul>
    </>
  ) : null;

export function registerLetterPages(web: WebApp): void {
  web.get('/app/bids/:reference/letters/:letter{[a-z]+-[0-9]+\\.pdf}', async (c) => {
    const file = await letterFile(c.get('deps'), signedIn(c), c.req.param('reference'), c.req.param('letter').replace(/\.pdf$/, ''));
    return c.body(file.pdf, 200, pdfHeaders(file));
  });
}

// A bid's decision letters: listed on the bid's page, downloadable as PDF by anyone who may see
// the bid; each with the SHA-256 the trail records for it.
import { asc, eq } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Db } from '../../db/client.js';
import { decisionLetters } from '../../db/schema.js';
import { ApiError } from '../../api/errors.js';
import { getVisibleBid } from '../../services/bids.js';
import type { WebApp } from '../app.js';
import { signedIn } from '../app.js';
import { date } from '../format.js';

export interface LetterListing {
  id: string;
  title: string;
  sha256: string;
  createdAt: Date;
}

export const lettersOf = (db: Db, reference: string): Promise<LetterListing[]> =>
  db
    .select({ id: decisionLetters.id, title: decisionLetters.title, sha256: decisionLetters.sha256, createdAt: decisionLetters.createdAt })
    .from(decisionLetters)
    .where(eq(decisionLetters.reference, reference))
    .orderBy(asc(decisionLetters.createdAt));

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
    const user = signedIn(c);
    const deps = c.get('deps');
    const reference = c.req.param('reference');
    await getVisibleBid(deps, user, reference);
    const id = `${reference}/${c.req.param('letter').replace(/\.pdf$/, '')}`;
    const [letter] = await deps.db.select().from(decisionLetters).where(eq(decisionLetters.id, id));
    if (!letter) throw new ApiError(404, 'not_found', `Bid ${reference} has no decision letter ${id}`);
    return c.body(new Uint8Array(Buffer.from(letter.pdfBase64, 'base64')), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${reference}-${letter.kind}-decision-letter.pdf"`,
      'X-Content-SHA256': letter.sha256,
    });
  });
}

// A bid's decision letters as stored: the listing, and one letter's PDF, for whoever may see the
// bid (the web page and the API both answer from here).
import { asc, eq } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import type { Db } from '../db/client.js';
import { decisionLetters } from '../db/schema.js';
import type { Actor } from '../shared.js';
import { getVisibleBid, type ServiceDeps } from './bids.js';

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

/** A letter's file name within its bid: `assembly-1` is `NW-2026-0042/assembly-1`'s. */
export const letterName = (id: string) => id.split('/').slice(1).join('/');

export interface LetterFile {
  pdf: Uint8Array<ArrayBuffer>;
  filename: string;
  sha256: string;
}

/** One letter (by its name within the bid, such as `assembly-1`), if the caller may see the bid. */
export async function letterFile(deps: ServiceDeps, user: Actor, reference: string, name: string): Promise<LetterFile> {
  await getVisibleBid(deps, user, reference);
  const id = `${reference}/${name}`;
  const [letter] = await deps.db.select().from(decisionLetters).where(eq(decisionLetters.id, id));
  if (!letter) throw new ApiError(404, 'not_found', `Bid ${reference} has no decision letter ${id}`);
  const bytes = Buffer.from(letter.pdfBase64, 'base64');
  return { pdf: new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), filename: `${reference}-${letter.kind}-decision-letter.pdf`, sha256: letter.sha256 };
}

export const pdfHeaders = (file: LetterFile) => ({
  'Content-Type': 'application/pdf',
  'Content-Disposition': `attachment; filename="${file.filename}"`,
  'X-Content-SHA256': file.sha256,
});

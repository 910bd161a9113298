// The floor for GET /bids/{reference}: a bare Hono route reading the same row with the postgres
// driver and answering it as JSON. No auth, no visibility, no view: what a read cannot beat.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: 10 });
const app = new Hono();
app.get('/bids/:reference', async (c) => {
  const [row] = await sql`select * from bids where reference = ${c.req.param('reference')}`;
  return row ? c.json(row) : c.json({ error: 'not found' }, 404);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, (info) => console.log(`Floor listening on ${info.port}`));

// The web pages' assets, all served by the app itself: the NHS design system's stylesheet
// (compiled once from nhsuk-frontend's Sass, without the CDN-hosted font: Arial instead), its
// script and images, and the page script that starts them.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
const NHSUK = path.join(path.dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk');
const APP_SCSS = fileURLToPath(new URL('./styles/app.scss', import.meta.url));

let css: Promise<string> | undefined;

/** The stylesheet npm run build compiled, beside the compiled module; else compiled once per process. */
export function stylesheet(): Promise<string> {
  css ??= (async () => {
    const built = fileURLToPath(new URL('./styles/app.css', import.meta.url));
    if (import.meta.url.endsWith('.js')) {
      try {
        return await readFile(built, 'utf8');
      } catch {
        // Not built: compile it.
      }
    }
    const sass = await import('sass');
    const result = await sass.compileAsync(APP_SCSS, {
      loadPaths: [path.join(NHSUK, '..', '..', '..')],
      style: 'compressed',
      quietDeps: true,
    });
    return result.css;
  })();
  return css;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export function assetsRouter() {
  const assets = new Hono();
  const cache = new Map<string, Buffer>();
  const serve = async (file: string) => {
    let body = cache.get(file);
    if (!body) {
      body = await readFile(file);
      cache.set(file, body);
    }
    return body;
  };

  assets.get('/assets/app.css', async (c) => c.body(await stylesheet(), 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  assets.get('/assets/app.js', async (c) =>
    c.body(new Uint8Array(await serve(fileURLToPath(new URL('./static/app.js', import.meta.url)))), 200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-cache' }),
  );
  assets.get('/assets/nhsuk/:file{nhsuk-frontend\\.min\\.js(\\.map)?}', async (c) =>
    c.body(new Uint8Array(await serve(path.join(NHSUK, c.req.param('file')))), 200, { 'content-type': TYPES['.js']!, 'cache-control': 'public, max-age=86400' }),
  );
  assets.get('/assets/nhsuk/images/:file{[a-z0-9-]+\\.(svg|png|ico)}', async (c) => {
    const file = c.req.param('file');
    try {
      return c.body(new Uint8Array(await serve(path.join(NHSUK, 'assets', 'images', file))), 200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=86400',
      });
    } catch {
      return c.notFound();
    }
  });
  return assets;
}

// The web pages through app.request, as a browser without JavaScript would use them: a cookie
// jar, the form's CSRF token, the Origin header a browser sends with a form.
import type { App } from '../../src/api/app.js';

const ORIGIN = 'http://localhost';

export class PageClient {
  readonly cookies = new Map<string, string>();
  /** The Set-Cookie lines of the last response, as sent. */
  lastSetCookies: string[] = [];

  constructor(private readonly app: App) {}

  async get(path: string): Promise<Response> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form with the page's CSRF token, as the page's own form would. */
  async post(path: string, fields: Record<string, string> = {}): Promise<Response> {
    const csrf = await this.csrf();
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
  }

  async signIn(token: string, next?: string): Promise<Response> {
    return this.post('/app/sign-in', { token, ...(next !== undefined && { next }) });
  }

  private async csrf(): Promise<string> {
    if (!this.cookies.has('cp_csrf')) await this.get('/app/sign-in');
    const token = this.cookies.get('cp_csrf');
    if (!token) throw new Error('the sign-in page set no CSRF cookie');
    return token;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.app.request(`${ORIGIN}${path}`, { ...init, headers });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

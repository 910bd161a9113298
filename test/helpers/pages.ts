// The web pages through app.request, as a browser without JavaScript would use them: a cookie
// jar, the CSRF token from the page's own form, the Origin header a browser sends with a form.
import type { App } from '../../src/api/app.js';

const ORIGIN = 'http://localhost';

export class PageClient {
  readonly cookies = new Map<string, string>();
  /** The Set-Cookie lines of the last response, as sent. */
  lastSetCookies: string[] = [];
  /** The CSRF field of the last page that had a form, for the session it was rendered in. */
  private formToken: { value: string; session: string | undefined } | undefined;

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

  /** The token a form on a page would carry: bound to this browser's session, so read from a page. */
  private async csrf(): Promise<string> {
    const session = this.cookies.get('cp_session');
    if (!this.cookies.has('cp_csrf') || this.formToken?.session !== session) {
      await this.get(session ? '/app' : '/app/sign-in');
    }
    if (!this.formToken || this.formToken.session !== this.cookies.get('cp_session')) {
      throw new Error('no page gave a CSRF field for this session');
    }
    return this.formToken.value;
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
    if (res.headers.get('content-type')?.includes('text/html')) {
      const field = /name="_csrf" value="([^"]+)"/.exec(await res.clone().text());
      if (field) this.formToken = { value: field[1]!, session: this.cookies.get('cp_session') };
    }
    return res;
  }
}

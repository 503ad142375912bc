import assert from 'node:assert/strict';
import { bearer, type TestContext, type Tokens } from './helpers.js';

/** The website as a client: its origin, and the app settings its tests run with. */
export const SITE = 'http://site.example:3000';
export const origin = { origin: SITE };
export const siteSettings = {
  CATALOG_READ: 'public',
  CORS_ORIGINS: `${SITE}, http://other.example`,
  REGISTRATIONS_PER_MINUTE: '1000',
};

/** Registers by email and logs in from the site's origin, as the site does. */
export async function registerAndLogin(
  ctx: TestContext,
  email: string,
  password = 'site-password',
) {
  const registered = await ctx.api.with(origin).post('/auth/register/', { email, password });
  assert.equal(registered.statusCode, 201, registered.body);
  const login = await ctx.api.with(origin).post('/auth/login/', { email, password });
  assert.equal(login.statusCode, 201, login.body);
  const tokens = login.json<Tokens>();
  return {
    id: registered.json<{ id: number }>().id,
    tokens,
    headers: { ...origin, ...bearer(tokens.access_token) },
  };
}

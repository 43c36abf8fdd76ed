/**
 * `GET /ui-customization/<poolId>/<ALL|clientId>/logo`: the logo of a classic UI customization,
 * where GetUICustomization's `ImageUrl` points (Cognito serves it from a CDN). The bytes were
 * checked to be PNG or JPEG when they were set (domain/oauth/ui-customization.ts); they are served
 * with their type, `nosniff` and a CSP that lets nothing run.
 */
import { uiLogo } from '../../../domain/oauth/ui-customization.js';
import { isTransientStoreError } from '../../../store/faults.js';
import type { HostedPage } from '../page.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
const TARGET = /^(?:ALL|[\w+]{1,128})$/;

export const uiLogoPage: HostedPage = {
  paths: [],
  register(app, ui) {
    app.get('/ui-customization/:poolId/:target/logo', async (c) => {
      const poolId = c.req.param('poolId');
      const target = c.req.param('target');
      const headers = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" };
      if (!POOL_ID.test(poolId) || poolId.length > 55 || !TARGET.test(target)) return new Response('Not Found', { status: 404, headers });
      try {
        const logo = await uiLogo(ui.cognate, poolId, target);
        if (!logo) return new Response('Not Found', { status: 404, headers });
        return new Response(new Uint8Array(logo.bytes), { status: 200, headers: { ...headers, 'content-type': logo.contentType, 'cache-control': 'public, max-age=300' } });
      } catch (err) {
        if (!isTransientStoreError(err)) ui.cognate.log.error({ err }, 'serving a UI customization logo');
        return new Response('Service Unavailable', { status: 503, headers: { ...headers, 'retry-after': '1' } });
      }
    });
  },
};

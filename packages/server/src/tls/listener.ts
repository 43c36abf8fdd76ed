/**
 * What makes the one listener HTTPS (server.ts listen()): the certificate and key given with
 * `--tls-cert`/`--tls-key`, or, with `--tls-dev`, certificates from the local development CA
 * (dev-ca.ts) chosen by SNI:
 * - one default certificate for localhost, 127.0.0.1, ::1, the public URL's host and
 *   `*.auth.<region>.<hostedUiBaseDomain>` for the server's regions (prefix domains);
 * - for any other name, a certificate of its own only when the name is a domain of a pool
 *   (findPoolByHost: a custom domain, or a prefix domain of another region), signed on first use
 *   and cached. Unknown names get the default certificate, which doesn't name them: the CA never
 *   signs for a name a client merely asked for.
 * Leaves live 90 days and are replaced 30 days before they end, so a long-running server never
 * serves an expired one. Certificate times follow the wall clock, not the injected clock: they are
 * checked by real clients.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Ports } from '../domain/cognate.js';
import { findPoolByHost } from '../domain/user-pool-domains.js';
import type { DevCa, LeafCertificate } from './dev-ca.js';

export interface TlsInfo {
  mode: 'files' | 'dev';
  /** Development mode: the CA certificate clients must trust, and whether this start made it. */
  caCertPath?: string;
  caKeyPath?: string;
  caCreated?: boolean;
}

export interface ListenerTls {
  options: ServerOptions;
  info: TlsInfo;
  /** Keeps the default certificate of a long-running server fresh; returns the function that stops that. */
  attach(server: HttpsServer): () => void;
}

const readPem = (file: string, flag: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${flag} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
};

/** The listener's TLS, or undefined for plain HTTP. `now`: the wall clock certificates are dated by (tests move it). */
export async function listenerTls(cognate: Ports<'config' | 'store' | 'log'>, now: () => number = Date.now): Promise<ListenerTls | undefined> {
  const { config } = cognate;
  if (config.tlsCert && config.tlsKey) {
    const cert = readPem(config.tlsCert, '--tls-cert');
    const key = readPem(config.tlsKey, '--tls-key');
    try {
      createSecureContext({ cert, key });
    } catch (e) {
      throw new Error(`--tls-cert ${config.tlsCert} and --tls-key ${config.tlsKey} can't be used together: ${(e as Error).message}`);
    }
    return { options: { cert, key }, info: { mode: 'files' }, attach: () => () => {} };
  }
  if (config.tlsDev) return devTls(cognate, now);
  return undefined;
}

/** Whether a certificate name (`*.` wildcards of one label) covers `host`. */
export function nameCovers(name: string, host: string): boolean {
  if (!name.startsWith('*.')) return name === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === name.slice(1);
}

async function devTls(cognate: Ports<'config' | 'store' | 'log'>, now: () => number): Promise<ListenerTls> {
  const { loadOrCreateDevCa, issueLeaf, RENEW_BEFORE_MS } = await import('./dev-ca.js');
  const { config } = cognate;
  const ca: DevCa = await loadOrCreateDevCa(path.join(config.dataDir, 'tls'), now());
  const base = config.hostedUiBaseDomain.toLowerCase();
  const names = [...new Set(['localhost', '127.0.0.1', '::1', new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase(), ...[config.region, ...config.extraRegions].map((r) => `*.auth.${r}.${base}`)])];
  const contextOf = (leaf: LeafCertificate) => createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
  const fresh = (leaf: LeafCertificate) => leaf.notAfter - now() > RENEW_BEFORE_MS;

  let defaultLeaf = await issueLeaf(ca, names, now());
  let defaultContext = contextOf(defaultLeaf);
  let renewing: Promise<void> | undefined;
  let server: HttpsServer | undefined;
  const renewDefault = () => {
    if (fresh(defaultLeaf) || renewing) return;
    renewing = issueLeaf(ca, names, now()).then(
      (leaf) => {
        defaultLeaf = leaf;
        defaultContext = contextOf(leaf);
        server?.setSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
        renewing = undefined;
      },
      (err: unknown) => {
        cognate.log.error({ err }, 'could not renew the development TLS certificate');
        renewing = undefined;
      },
    );
  };

  // Leaves of the pools' own domains, by host; a promise while one is being signed.
  const leaves = new Map<string, Promise<{ leaf: LeafCertificate; context: SecureContext }>>();
  const leafFor = async (host: string): Promise<SecureContext | undefined> => {
    const cached = leaves.get(host);
    if (cached) {
      const { leaf, context } = await cached;
      if (fresh(leaf)) return context;
      leaves.delete(host);
    }
    if (!(await findPoolByHost(cognate, host))) return undefined;
    if (leaves.size >= 1000) leaves.clear();
    const made = issueLeaf(ca, [host], now()).then((leaf) => ({ leaf, context: contextOf(leaf) }));
    leaves.set(host, made);
    made.catch(() => leaves.delete(host));
    return (await made).context;
  };

  const SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
    renewDefault();
    const host = servername.toLowerCase().replace(/\.$/, '');
    if (names.some((n) => nameCovers(n, host))) return cb(null, defaultContext);
    leafFor(host).then(
      (context) => cb(null, context ?? defaultContext),
      (err: unknown) => {
        cognate.log.warn({ err, host }, 'no development TLS certificate for this host');
        cb(null, defaultContext);
      },
    );
  };

  return {
    options: { cert: defaultLeaf.certPem, key: defaultLeaf.keyPem, SNICallback },
    info: { mode: 'dev', caCertPath: ca.certPath, caKeyPath: ca.keyPath, caCreated: ca.created },
    attach(s) {
      server = s;
      // Clients that connect by IP address send no SNI: the server's own context must stay fresh too.
      const timer = setInterval(renewDefault, 6 * 3_600_000);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/** How to trust the development CA: printed once, when it is made. */
export function trustInstructions(info: TlsInfo): string {
  const ca = info.caCertPath ?? '';
  return (
    `\nTLS development mode: a local certificate authority was made for this server.\n` +
    `  CA certificate: ${ca}\n` +
    `  Node clients:   NODE_EXTRA_CA_CERTS=${ca} node your-app.js\n` +
    `  This machine:   sudo cp ${ca} /usr/local/share/ca-certificates/ && sudo update-ca-certificates\n` +
    `                  (Debian/Ubuntu; curl and most tools then trust it)\n` +
    `  Browsers:       import it as a trusted authority (Chrome: Settings > Privacy and security > Security >\n` +
    `                  Manage certificates > Authorities; Firefox: Settings > Certificates > View Certificates >\n` +
    `                  Authorities > Import), or start Chromium with this CA in its NSS database (certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n cognate -i ${ca}).\n` +
    `  Its key (${info.caKeyPath ?? ''}, mode 0600) can sign for any name: keep it on this machine; delete the folder to start over.\n\n`
  );
}

/** The part of xml-encryption (auth0, no bundled types) that domain/federation/saml-response.ts uses. */
declare module 'xml-encryption' {
  export interface DecryptOptions {
    key: string | Buffer;
    disallowDecryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  }
  export function decrypt(xml: string, options: DecryptOptions, callback: (err: Error | null, result?: string) => void): void;
}
